import type { Policy } from "../../src/config/policy.js";
import type { InventoryCluster } from "../../src/domain/inventory.js";
import { chooseWindow } from "../../src/domain/planner.js";
import type { EffectiveRing } from "../../src/domain/rings.js";
import type { WindowSpec } from "../../src/domain/window-spec.js";

export { effectiveRings } from "../../src/domain/rings.js";

/** The window spec the planner uses for a cluster (window sources other than `window` are not generated here). */
export function chooseWindowForTest(
  cluster: InventoryCluster,
  ring: EffectiveRing,
  policy: Policy,
): WindowSpec | undefined {
  const chosen = chooseWindow(cluster, ring, policy, "kubernetes").window;
  return chosen?.kind === "window" ? chosen.spec : undefined;
}
