import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rolloutReaches, startStack } from "../helpers/stack.js";
import { fleetYaml, insideWindow, policyYaml, RING_OF } from "./fixtures.js";

/**
 * Issue 9's "done when", as a property over the whole service: kill the host (SIGKILL) at a random moment
 * around dev's window, keep it down for a random while, restart it on the same state. Whatever the moments,
 * no operation in the simulator's records starts outside its ring's window or runs past its end. Few runs
 * (each is a whole stack, tens of real seconds); fast-check prints the seed of a failing one to replay it.
 */
const ID = "rollout:e2e:kubernetes:1.30.5";
const RELEASE_AT_TEN = `  kubernetes:
    - { version: 1.30.5, regions: [westeurope, northeurope], at: "2026-11-23T10:00:00Z" }
  nodeImages: []`;
// Dev's first window after the release: 2026-11-24 02:00–08:00Z.
const DEV_OPENS = Date.parse("2026-11-24T02:00:00Z");

describe("e2e property: kills around window boundaries never put an operation outside its window", () => {
  it("holds for random kill moments and outage lengths", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3 * 60, max: 7 * 60 }),
        fc.integer({ min: 30, max: 9 * 60 }),
        async (killMinute, downMinutes) => {
          const stack = await startStack({
            speed: 8000,
            fleetYaml: fleetYaml({ speed: 8000, releases: RELEASE_AT_TEN }),
            policyYaml: policyYaml(),
          });
          try {
            const killAt = DEV_OPENS + killMinute * 60_000;
            await stack.until(
              "the kill moment",
              () => (stack.clock.now() >= killAt ? true : undefined),
              90_000,
            );
            await stack.crashAndRestart(() => stack.clock.now() >= killAt + downMinutes * 60_000);
            await rolloutReaches(
              stack,
              ID,
              (r) => ["succeeded", "halted"].includes(r.rings.find((x) => x.name === "dev")?.status ?? ""),
              "dev finished",
              120_000,
            );
            const dev = stack.operations().filter((o) => RING_OF[o.cluster] === "dev");
            expect(dev.length).toBeGreaterThan(0);
            for (const o of dev) {
              expect(o.end, `${o.cluster} ${o.kind} started ${o.start}`).not.toBeNull();
              expect(insideWindow("dev", o.start, o.end!), `${o.cluster} ${o.start}–${o.end}`).toBe(true);
            }
          } finally {
            await stack.stop();
          }
        },
      ),
      { numRuns: 3 },
    );
  }, 600_000);
});
