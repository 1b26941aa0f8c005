/**
 * Kubernetes versions as AKS uses them: `major.minor.patch`, compared numerically (1.30.10 > 1.30.9).
 * AKS rules encoded here (research/aks-apis.md §3): no minor is ever skipped, the control plane goes
 * first, node pools are never newer than the control plane and at most 3 minors behind it.
 */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

export function parseVersion(text: string): KubeVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]) };
}

export function mustParseVersion(text: string): KubeVersion {
  const v = parseVersion(text);
  if (!v) throw new RangeError(`Versions: "${text}" is not a Kubernetes version (expected e.g. 1.30.5)`);
  return v;
}

export function formatVersion(v: KubeVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

export function minorOf(v: KubeVersion): string {
  return `${v.major}.${v.minor}`;
}

export function compareVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function compareVersionText(a: string, b: string): number {
  return compareVersions(mustParseVersion(a), mustParseVersion(b));
}

export function sameMinor(a: KubeVersion, b: KubeVersion): boolean {
  return a.major === b.major && a.minor === b.minor;
}

/** Minors from a to b (b − a), across majors only when both share a major (there is no 2.x yet). */
export function minorDistance(from: KubeVersion, to: KubeVersion): number {
  if (from.major !== to.major) return Number.POSITIVE_INFINITY;
  return to.minor - from.minor;
}

export type UpgradeLevel = "patch" | "minor";

/** Whether going from `current` to `target` is a patch, one minor step, or not a legal single upgrade. */
export function upgradeLevel(
  current: KubeVersion,
  target: KubeVersion,
): UpgradeLevel | "none" | "skip" | "downgrade" {
  const cmp = compareVersions(target, current);
  if (cmp === 0) return "none";
  if (cmp < 0) return "downgrade";
  if (sameMinor(current, target)) return "patch";
  return minorDistance(current, target) === 1 ? "minor" : "skip";
}

/** The highest patch of `minor` among `available`, if any. */
export function latestPatchOf(
  minor: KubeVersion,
  available: readonly KubeVersion[],
): KubeVersion | undefined {
  let best: KubeVersion | undefined;
  for (const v of available) {
    if (sameMinor(v, minor) && (!best || compareVersions(v, best) > 0)) best = v;
  }
  return best;
}

/**
 * The versions a cluster passes through to reach `target`, one minor at a time; each step is the latest
 * available patch of the next minor (the target itself on its own minor). Empty when already there.
 * Undefined when a minor on the way has no available version, so the path cannot be walked.
 */
export function upgradePath(
  current: KubeVersion,
  target: KubeVersion,
  available: readonly KubeVersion[],
): KubeVersion[] | undefined {
  if (compareVersions(target, current) <= 0) return [];
  if (current.major !== target.major) return undefined;
  const steps: KubeVersion[] = [];
  for (let minor = current.minor + 1; minor < target.minor; minor++) {
    const step = latestPatchOf({ major: current.major, minor, patch: 0 }, available);
    if (!step) return undefined;
    steps.push(step);
  }
  steps.push(target);
  return steps;
}

/** AKS skew rule since 1.28: pools may trail the control plane by up to 3 minors and never lead it. */
export const MAX_POOL_SKEW_MINORS = 3;

export function poolVersionAllowed(controlPlane: KubeVersion, pool: KubeVersion): boolean {
  if (compareVersions(pool, controlPlane) > 0) return false;
  return minorDistance(pool, controlPlane) <= MAX_POOL_SKEW_MINORS;
}

/** Matches a version against a policy list entry: an exact version ("1.31.0") or a whole minor ("1.31"). */
export function versionMatches(entry: string, version: KubeVersion): boolean {
  const m = VERSION.exec(entry.trim());
  if (!m) return false;
  if (Number(m[1]) !== version.major || Number(m[2]) !== version.minor) return false;
  return m[3] === undefined || Number(m[3]) === version.patch;
}

export type AksChannel = "patch" | "stable" | "rapid" | "node-image" | "none";

/**
 * What an AKS auto-upgrade channel would choose for a cluster, given the region's GA versions. Used to
 * explain conflicts ("AKS would take this cluster to 1.31.2 on its own"), never to act.
 */
export function channelTarget(
  channel: AksChannel,
  current: KubeVersion,
  available: readonly KubeVersion[],
): KubeVersion | undefined {
  if (available.length === 0 || channel === "none" || channel === "node-image") return undefined;
  const minors = [...new Set(available.map(minorOf))].map((m) => mustParseVersion(m)).sort(compareVersions);
  const newest = minors[minors.length - 1];
  if (!newest) return undefined;
  const pick = (minor: KubeVersion) => latestPatchOf(minor, available);
  if (channel === "patch") return pick(current);
  if (channel === "stable") {
    const n1 = minors[minors.length - 2] ?? newest;
    // From two minors below N-1 the channel still moves one minor at a time.
    return minorDistance(current, n1) > 1 ? pick({ ...current, minor: current.minor + 1 }) : pick(n1);
  }
  return minorDistance(current, newest) > 1 ? pick({ ...current, minor: current.minor + 1 }) : pick(newest);
}
