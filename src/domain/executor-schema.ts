import { z } from "zod";

/**
 * Who carries a rollout out: Ringmaster itself (cluster workflows under its caps) or an Azure Kubernetes
 * Fleet Manager update run that Ringmaster builds from the same rings and drives (workflows/fleet-rollout.ts).
 * Declared per policy (`spec.executor`), overridable per ring (`rings[].executor`); `spec.fleet.resourceId`
 * names the Fleet whose members the clusters are. Kept apart from policy-schema.ts, which imports it.
 */
export const ExecutorSchema = z.enum(["ringmaster", "fleet"], {
  error: 'expected "ringmaster" (Ringmaster upgrades each cluster) or "fleet" (one Fleet Manager update run)',
});
export type Executor = z.infer<typeof ExecutorSchema>;

const FLEET_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/fleets\/([^/]+)$/i;

export const FleetExecutorSchema = z.strictObject({
  resourceId: z.string({ error: "expected the Fleet's ARM resource id" }).regex(FLEET_ID, {
    error:
      'expected "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/fleets/<name>"',
  }),
  /** What a Kubernetes rollout's run upgrades (node-image rollouts are always NodeImageOnly). */
  upgradeType: z
    .enum(["Full", "ControlPlaneOnly"], {
      error: 'expected "Full" (control plane and node pools) or "ControlPlaneOnly"',
    })
    .default("Full"),
});

/** The three parts of a Fleet resource id (already validated by `FleetExecutorSchema`). */
export function parseFleetId(
  id: string,
): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = FLEET_ID.exec(id);
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! } : undefined;
}

interface ExecutorFields {
  readonly spec: {
    readonly executor: Executor;
    readonly fleet?: { readonly resourceId: string } | undefined;
    readonly rings: readonly { readonly name: string; readonly executor?: Executor | undefined }[];
  };
}

/** Each ring's executor: its own, else the policy's. */
export function ringExecutors(policy: ExecutorFields): Executor[] {
  return policy.spec.rings.map((r) => r.executor ?? policy.spec.executor);
}

/** The rollout's executor: Fleet when its rings go through Fleet (checkExecutors refuses a mix). */
export function rolloutExecutor(policy: ExecutorFields): Executor {
  return ringExecutors(policy).includes("fleet") ? "fleet" : "ringmaster";
}

/**
 * Cross-field rules: a Fleet executor needs the Fleet's id, and one rollout is one Fleet update run, so the
 * rings of a policy go through one executor (a per-ring override that makes every ring agree is fine).
 */
export function executorProblems(policy: ExecutorFields): string[] {
  const executors = ringExecutors(policy);
  const problems: string[] = [];
  if (executors.includes("fleet") && !policy.spec.fleet)
    problems.push(
      'spec.fleet.resourceId: required when a ring uses executor "fleet" (the Fleet whose members the clusters are)',
    );
  const first = executors[0];
  executors.forEach((e, i) => {
    if (e !== first)
      problems.push(
        `spec.rings[${i}].executor: "${e}" differs from ring ${policy.spec.rings[0]!.name}'s "${first}"; a rollout is one Fleet update run, so every ring goes through the same executor`,
      );
  });
  return problems;
}
