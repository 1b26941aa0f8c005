import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clusterInstanceId,
  generationId,
  fleetGateInstanceId,
  parseRolloutInstanceId,
  rolloutInstanceId,
} from "../../../src/contracts/instance-ids.js";

/** Ids travel raw into the durable backend's URLs: nothing in them may be decoded again or split a path. */
describe("Instance ids", () => {
  it("property: derived ids never carry / \\ # ? % or whitespace, whatever the event said", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        for (const id of [
          rolloutInstanceId(a, "kubernetes", b),
          fleetGateInstanceId(a),
          clusterInstanceId(
            `/subscriptions/${a || "s"}/resourceGroups/${b || "r"}/providers/Microsoft.ContainerService/managedClusters/c`,
          ) ?? "",
        ])
          expect(id).not.toMatch(/[/\\#?%\s]/);
      }),
    );
    expect(fleetGateInstanceId("..%2F..%2Fx")).toBe("fleetgate:.._2f.._2fx");
  });

  it("reads back rollout ids and their generations, and nothing else", () => {
    const base = rolloutInstanceId("contoso-platform", "kubernetes", "1.30.5");
    expect(parseRolloutInstanceId(base)).toEqual({
      policy: "contoso-platform",
      kind: "kubernetes",
      target: "1.30.5",
      minor: false,
      generation: 1,
    });
    expect(parseRolloutInstanceId(generationId(base, 3))).toMatchObject({ target: "1.30.5", generation: 3 });
    // A version's minor rollout (for the clusters one minor behind) has its own id, and generations.
    const minor = rolloutInstanceId("contoso-platform", "kubernetes", "1.30.5", "minor");
    expect(minor).toBe("rollout:contoso-platform:kubernetes:1.30.5:minor");
    expect(parseRolloutInstanceId(generationId(minor, 2))).toMatchObject({
      target: "1.30.5",
      minor: true,
      generation: 2,
    });
    expect(rolloutInstanceId("contoso-platform", "kubernetes", "1.30.5", "patch")).toBe(base);
    for (const other of [
      "cluster:1111:rg:aks",
      "fleetgate:abc",
      `${base}%3A`,
      base.replace(/:/g, "%3A"),
      `${base}/x`,
      `${base}?x`,
      `${base}:g0`,
      `rollout:p:other:1.30.5`,
    ])
      expect(parseRolloutInstanceId(other), other).toBeUndefined();
  });
});
