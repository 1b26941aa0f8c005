import { z } from "zod";

/**
 * Field-level schemas shared by every envelope, each with the message an operator reads when a payload
 * is wrong. Kept apart from the envelopes so every source says "expected …" the same way.
 */

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

/**
 * Normalizes an ISO 8601 instant to `YYYY-MM-DDTHH:MM:SS.sssZ`. A value without a zone is taken as UTC:
 * ARN's `operationalInfo.resourceEventTime` arrives without one, and reading it as local time would make
 * the result depend on the machine's time zone. Built from the matched parts rather than `Date.parse`,
 * which takes a slow path on the 7-digit fractions Azure writes (it was the normalizer's top cost).
 */
export function toIsoInstant(value: string): string | undefined {
  const m = ISO_INSTANT.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(
    (x) => (x === undefined ? undefined : Number(x)),
  ) as [number, number, number, number?, number?, number?];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const offsetMinutes =
    m[9] === undefined ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  if (date.getUTCDate() !== day) return undefined; // 2026-02-30 rolls over into March: not a date
  return new Date(date.getTime() - offsetMinutes * 60_000).toISOString();
}

export const nonEmptyText = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `missing; expected ${what}` : `expected ${what}`) })
    .min(1, {
      error: `must not be empty; expected ${what}`,
    });

export const instant = z
  .string({
    error: (i) =>
      i.input === undefined
        ? "missing; expected an ISO 8601 date-time such as 2026-11-23T06:00:00Z"
        : "expected an ISO 8601 date-time string such as 2026-11-23T06:00:00Z",
  })
  .transform((value, ctx) => {
    const iso = toIsoInstant(value);
    if (iso === undefined) {
      ctx.addIssue({ code: "custom", message: `"${value.slice(0, 40)}" is not an ISO 8601 date-time` });
      return z.NEVER;
    }
    return iso;
  });

const KUBERNETES_VERSION = /^v?\d+\.\d+(\.\d+)?$/;

/** A Kubernetes version as AKS writes it ("1.30.5"; "1.30" where only the minor is meant). */
export const kubernetesVersion = z
  .string({ error: "expected a Kubernetes version string such as 1.30.5" })
  .regex(KUBERNETES_VERSION, { error: "expected a Kubernetes version such as 1.30.5" });

export const optionalText = z.string().optional().catch(undefined);

/** Renders zod issues as `path: message` lines under a prefix such as `data` or `[3].data`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      const where = `${prefix}${path}`.replace(/^\./, "") || "event";
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}

/** `{ key: value }` when the value is defined, else `{}`: keeps absent fields absent in emitted JSON. */
export function optional<K extends string, V>(key: K, value: V | undefined | null): { [P in K]?: V } {
  return (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };
}
