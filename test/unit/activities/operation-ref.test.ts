import { describe, expect, it } from "vitest";
import type { ActivityDeps } from "../../../src/activities/deps.js";
import { operationHandle, operationRef, operationStatus } from "../../../src/activities/operation-ref.js";
import { OperationRefSchema } from "../../../src/contracts/operation-ref.js";
import { checkOperation } from "../../../src/activities/upgrade.js";
import type { Adapters } from "../../../src/azure/compose.js";
import type { OperationCheck, OperationHandle } from "../../../src/azure/aks.js";

// Orchestration history keeps our own shape for a running operation, never the adapter's object.
const CLUSTER = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/a";

describe("operation references in orchestration history", () => {
  it("copies only the contract's fields from an adapter handle, whatever else the adapter carries", () => {
    const handle = { kind: "pool", clusterId: CLUSTER, pool: "apps", token: "t", poller: { state: 1 } };
    const ref = operationRef(handle as OperationHandle);
    expect(ref).toEqual({ kind: "pool", clusterId: CLUSTER, pool: "apps", token: "t" });
    expect(OperationRefSchema.parse(JSON.parse(JSON.stringify(ref)))).toEqual(ref);
    const check = { done: true, status: "failed", error: { code: "X", message: "m", target: "t" }, raw: {} };
    expect(operationStatus(check as OperationCheck)).toEqual({
      done: true,
      status: "failed",
      error: { code: "X", message: "m" },
    });
  });

  it("refuses a malformed reference read back from history, naming the field, before calling AKS", async () => {
    const asked: OperationHandle[] = [];
    const deps = {
      adapters: () =>
        ({
          aks: {
            checkOperation: (h: OperationHandle) => {
              asked.push(h);
              return Promise.resolve({ done: false, status: "running" });
            },
          },
        }) as unknown as Adapters,
    } as ActivityDeps;
    await expect(
      checkOperation(deps, { kind: "poller", clusterId: CLUSTER, token: "" } as never),
    ).rejects.toThrow(/kind/);
    expect(asked).toEqual([]);
    expect(await checkOperation(deps, { kind: "watch", clusterId: CLUSTER, token: "" })).toEqual({
      done: false,
      status: "running",
    });
    expect(asked).toEqual([operationHandle({ kind: "watch", clusterId: CLUSTER, token: "" })]);
  });
});
