/**
 * AKS node image versions, e.g. `AKSUbuntu-2204gen2containerd-202411.12.0`: a family (the image name, up to
 * the last `-`) and a dotted numeric version (`YYYYMM.DD.patch` for Linux, `build.revision.date` for
 * Windows). Two images compare only within one family, part by part as numbers: as text,
 * `202411.12.10` would sort before `202411.12.9`.
 */
export interface NodeImageVersion {
  readonly family: string;
  readonly parts: readonly number[];
}

const NUMERIC = /^\d+(?:\.\d+)*$/;

export function parseNodeImageVersion(text: string): NodeImageVersion | undefined {
  const trimmed = text.trim();
  const dash = trimmed.lastIndexOf("-");
  if (dash <= 0) return undefined;
  const version = trimmed.slice(dash + 1);
  if (!NUMERIC.test(version)) return undefined;
  return { family: trimmed.slice(0, dash), parts: version.split(".").map(Number) };
}

export function formatNodeImageVersion(v: NodeImageVersion): string {
  return `${v.family}-${v.parts.join(".")}`;
}

/**
 * Negative, zero or positive as `a` is older than, the same as or newer than `b`; undefined when they cannot
 * be ordered (different families, or a version that is not dotted numbers). Missing parts count as 0.
 */
export function compareNodeImages(a: string, b: string): number | undefined {
  const x = parseNodeImageVersion(a);
  const y = parseNodeImageVersion(b);
  if (!x || !y || x.family !== y.family) return undefined;
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether a pool on `current` already runs `wanted` or something newer of the same family. Images that
 * cannot be ordered count as "there" only when they are the same text: AKS's offer is then taken as is.
 */
export function nodeImageAtLeast(current: string, wanted: string): boolean {
  const cmp = compareNodeImages(current, wanted);
  return cmp === undefined ? current.trim() === wanted.trim() : cmp >= 0;
}

/** Whether `a` is a strictly newer image than `b` of the same family. */
export function nodeImageNewer(a: string, b: string): boolean {
  return (compareNodeImages(a, b) ?? 0) > 0;
}
