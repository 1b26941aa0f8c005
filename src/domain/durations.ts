import { Duration } from "luxon";

/**
 * ISO 8601 durations as policies write them ("PT24H", "P2D", "PT30M"). Months and years are refused:
 * their length depends on the calendar, and a soak must mean the same time in every month.
 */
export function parseIsoDuration(text: string): number | undefined {
  if (!/^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(text)) return undefined;
  const d = Duration.fromISO(text);
  return d.isValid ? d.as("milliseconds") : undefined;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [days ? `${days}d` : "", hours ? `${hours}h` : "", mins ? `${mins}m` : ""].filter(Boolean);
  return parts.length ? parts.join(" ") : "0m";
}
