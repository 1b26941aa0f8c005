import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareNodeImages,
  formatNodeImageVersion,
  nodeImageAtLeast,
  nodeImageNewer,
  parseNodeImageVersion,
} from "../../../src/domain/node-image-version.js";

const UBUNTU = "AKSUbuntu-2204gen2containerd";
const family = fc.constantFrom(UBUNTU, "AKSAzureLinux-V2gen2", "AKSWindows-2022-containerd");
const parts = fc.array(fc.integer({ min: 0, max: 999_999 }), { minLength: 1, maxLength: 4 });
const image = fc.record({ family, parts });
const text = (f: string, p: readonly number[]) => `${f}-${p.join(".")}`;

/** The order the parser must give: numeric, part by part, missing parts 0. */
function tupleOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

describe("Function: node image versions", () => {
  it("parses AKS's names into family and date-based version", () => {
    expect(parseNodeImageVersion(`${UBUNTU}-202411.12.0`)).toEqual({
      family: UBUNTU,
      parts: [202411, 12, 0],
    });
    expect(parseNodeImageVersion("AKSWindows-2022-containerd-20348.2762.241009")).toEqual({
      family: "AKSWindows-2022-containerd",
      parts: [20348, 2762, 241009],
    });
    expect(parseNodeImageVersion("202411.12.0")).toBeUndefined();
    expect(parseNodeImageVersion(`${UBUNTU}-latest`)).toBeUndefined();
  });

  it("orders by number, not text: 202411.12.10 is newer than 202411.12.9, and 202412.01.0 than 202411.30.5", () => {
    expect(nodeImageNewer(`${UBUNTU}-202411.12.10`, `${UBUNTU}-202411.12.9`)).toBe(true);
    expect(nodeImageAtLeast(`${UBUNTU}-202411.12.9`, `${UBUNTU}-202411.12.10`)).toBe(false);
    expect(nodeImageNewer(`${UBUNTU}-202412.01.0`, `${UBUNTU}-202411.30.5`)).toBe(true);
    expect(compareNodeImages(`${UBUNTU}-202411.12`, `${UBUNTU}-202411.12.0`)).toBe(0);
  });

  it("does not order images of different families", () => {
    expect(compareNodeImages(`${UBUNTU}-202411.12.0`, "AKSAzureLinux-V2gen2-202411.12.0")).toBeUndefined();
    expect(nodeImageNewer(`${UBUNTU}-202412.01.0`, "AKSAzureLinux-V2gen2-202411.12.0")).toBe(false);
    // Unordered images are "there" only when they are the same text.
    expect(nodeImageAtLeast("custom-image", "custom-image")).toBe(true);
    expect(nodeImageAtLeast("custom-image", `${UBUNTU}-202411.12.0`)).toBe(false);
  });

  it("round-trips: format(parse(x)) is x", () => {
    fc.assert(
      fc.property(image, ({ family: f, parts: p }) => {
        const parsed = parseNodeImageVersion(text(f, p));
        expect(parsed).toEqual({ family: f, parts: p });
        expect(formatNodeImageVersion(parsed!)).toBe(text(f, p));
      }),
    );
  });

  it("within a family, compares as the numeric parts do: antisymmetric, reflexive, total", () => {
    fc.assert(
      fc.property(family, parts, parts, (f, a, b) => {
        const ab = compareNodeImages(text(f, a), text(f, b));
        const ba = compareNodeImages(text(f, b), text(f, a));
        expect(Math.sign(ab!)).toBe(Math.sign(tupleOrder(a, b)));
        expect(Math.sign(ab!)).toBe(-Math.sign(ba!));
        expect(nodeImageAtLeast(text(f, a), text(f, a))).toBe(true);
        expect(nodeImageAtLeast(text(f, a), text(f, b)) || nodeImageAtLeast(text(f, b), text(f, a))).toBe(
          true,
        );
        expect(nodeImageNewer(text(f, a), text(f, b))).toBe(tupleOrder(a, b) > 0);
      }),
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(family, parts, parts, parts, (f, a, b, c) => {
        const [x, y, z] = [a, b, c].sort(tupleOrder).map((p) => text(f, p)) as [string, string, string];
        expect(nodeImageAtLeast(z, y) && nodeImageAtLeast(y, x) && nodeImageAtLeast(z, x)).toBe(true);
      }),
    );
  });
});
