/**
 * Payload size limits Azure documents for what reaches Ringmaster. A bigger payload cannot have come from
 * Azure as sent, so it is rejected with the limit named rather than parsed at length.
 * - Event Grid: 1 MB per event (and per published array); Event Hubs Standard: 1 MB per message.
 * - Azure Monitor common alert schema: 256 KB per alert.
 */
export const SIZE_LIMITS = {
  event: { bytes: 1024 * 1024, name: "Event Grid / Event Hubs per-event" },
  commonAlert: { bytes: 256 * 1024, name: "common alert schema" },
  /** Largest HTTP delivery the webhook reads: Event Grid's 1 MB per delivered array. */
  delivery: { bytes: 1024 * 1024, name: "Event Grid delivery" },
} as const;

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
