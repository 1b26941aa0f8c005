import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  channelTarget,
  compareVersions,
  formatVersion,
  mustParseVersion,
  poolVersionAllowed,
  upgradeLevel,
  upgradePath,
  versionMatches,
  type KubeVersion,
} from "../../../src/domain/versions.js";

const v = mustParseVersion;
const version = fc.record({
  major: fc.constant(1),
  minor: fc.integer({ min: 20, max: 40 }),
  patch: fc.integer({ min: 0, max: 20 }),
});

describe("Module: versions", () => {
  it("compares numerically, not as text", () => {
    expect(compareVersions(v("1.30.10"), v("1.30.9"))).toBeGreaterThan(0);
    expect(compareVersions(v("1.9.0"), v("1.30.0"))).toBeLessThan(0);
  });

  it("classifies upgrades: patch, one minor, skip, downgrade", () => {
    expect(upgradeLevel(v("1.30.4"), v("1.30.5"))).toBe("patch");
    expect(upgradeLevel(v("1.30.4"), v("1.31.2"))).toBe("minor");
    expect(upgradeLevel(v("1.30.4"), v("1.32.0"))).toBe("skip");
    expect(upgradeLevel(v("1.30.4"), v("1.29.9"))).toBe("downgrade");
  });

  it("matches policy entries by exact version or whole minor", () => {
    expect(versionMatches("1.31.0", v("1.31.0"))).toBe(true);
    expect(versionMatches("1.31.0", v("1.31.2"))).toBe(false);
    expect(versionMatches("1.31", v("1.31.2"))).toBe(true);
  });

  it("enforces skew: pools never newer than the control plane, at most 3 minors behind", () => {
    expect(poolVersionAllowed(v("1.31.2"), v("1.28.0"))).toBe(true);
    expect(poolVersionAllowed(v("1.31.2"), v("1.27.9"))).toBe(false);
    expect(poolVersionAllowed(v("1.30.4"), v("1.30.5"))).toBe(false);
  });

  it("explains what AKS channels would pick", () => {
    const available = ["1.29.9", "1.30.4", "1.30.5", "1.31.2"].map(v);
    expect(channelTarget("patch", v("1.30.4"), available)).toEqual(v("1.30.5"));
    expect(channelTarget("stable", v("1.29.1"), available)).toEqual(v("1.30.5"));
    expect(channelTarget("rapid", v("1.30.4"), available)).toEqual(v("1.31.2"));
    expect(channelTarget("rapid", v("1.29.1"), available)).toEqual(v("1.30.5"));
    expect(channelTarget("none", v("1.29.1"), available)).toBeUndefined();
  });

  it("property: an upgrade path never skips a minor and ends at the target", () => {
    fc.assert(
      fc.property(version, version, fc.array(version, { maxLength: 30 }), (a, b, extra) => {
        const [from, to] = compareVersions(a, b) <= 0 ? [a, b] : [b, a];
        const available: KubeVersion[] = [...extra, to];
        for (let m = from.minor + 1; m < to.minor; m++) available.push({ major: 1, minor: m, patch: 3 });
        const path = upgradePath(from, to, available)!;
        let prev: KubeVersion = from;
        for (const step of path) {
          expect(upgradeLevel(prev, step)).toMatch(/^(patch|minor)$/);
          prev = step;
        }
        expect(formatVersion(prev)).toBe(formatVersion(to));
      }),
    );
  });

  it("cannot walk a path through a minor that has no version", () => {
    expect(upgradePath(v("1.29.0"), v("1.31.2"), [v("1.31.2")])).toBeUndefined();
  });
});
