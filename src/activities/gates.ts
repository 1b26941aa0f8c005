import type { InvocationContext } from "@azure/functions";
import type { Settings } from "../config/settings.js";
import type { PoolEvent } from "../contracts/cluster-results.js";
import type { GateInput, GateResult, GateVerdict, RingGateInput } from "../contracts/gate-results.js";
import { LaneResultSchema } from "../contracts/lanes.js";
import type { ActivityDeps } from "./deps.js";

/** Lines of evidence kept per gate (problems first), each cut to `EVIDENCE_CHARS`: the status stays small. */
export const EVIDENCE_LINES = 4;
const EVIDENCE_CHARS = 200;

/**
 * Health gates between rings, each evaluated with the evidence kept: provisioning state of every cluster
 * of the ring, NodePoolRolling* failures seen during the ring, Azure Monitor alerts fired on its clusters
 * within the lookback, and an HTTP probe. In simulator mode a probe of a non-loopback URL goes to the relay
 * that RINGMASTER_PROBE_RELAY names (the simulator, standing in for the outside world: nothing leaves the
 * machine). A ring's gates name its lanes, whose outputs say what they upgraded. Input and verdict:
 * contracts/gate-results.ts.
 */
export async function evaluateGates(
  deps: ActivityDeps,
  input: GateInput | RingGateInput,
  context?: InvocationContext,
): Promise<GateVerdict> {
  const clusters = "laneIds" in input ? await upgradedByLanes(deps, input, context) : input;
  const evaluated = await evaluate(deps, { gates: input.gates, ...clusters });
  return {
    passed: evaluated.passed,
    results: evaluated.results.map((r) => ({ ...r, evidence: boundedEvidence(r.evidence) })),
  };
}

async function upgradedByLanes(
  deps: ActivityDeps,
  input: RingGateInput,
  context: InvocationContext | undefined,
): Promise<Omit<GateInput, "gates">> {
  if (!context) throw new Error("evaluateGates over lanes needs the activity's invocation context");
  const durable = deps.durable(context);
  const clusterIds: string[] = [];
  const poolEvents: Record<string, readonly PoolEvent[]> = {};
  for (const id of input.laneIds) {
    const out = LaneResultSchema.safeParse((await durable.describe(id))?.output);
    if (!out.success || out.data.runId !== input.runId) continue;
    for (const u of out.data.upgraded) {
      clusterIds.push(u.clusterId);
      poolEvents[u.clusterId] = u.poolEvents;
    }
  }
  return { clusterIds, poolEvents };
}

/** At most `EVIDENCE_LINES` lines, the ones that explain a failure first, and how many were left out. */
export function boundedEvidence(lines: readonly string[]): string[] {
  const cut = (l: string) => (l.length > EVIDENCE_CHARS ? `${l.slice(0, EVIDENCE_CHARS - 1)}…` : l);
  if (lines.length <= EVIDENCE_LINES) return lines.map(cut);
  const ok = /: Succeeded$|not blocking|^no |^\d+ NodePoolRolling/;
  const ordered = [...lines.filter((l) => !ok.test(l)), ...lines.filter((l) => ok.test(l))];
  return [
    ...ordered.slice(0, EVIDENCE_LINES - 1).map(cut),
    `… and ${lines.length - (EVIDENCE_LINES - 1)} more`,
  ];
}

async function evaluate(deps: ActivityDeps, input: GateInput): Promise<GateVerdict> {
  const adapters = deps.adapters();
  const results: GateResult[] = [];
  for (const gate of input.gates) {
    if (gate === "provisioningState") {
      const evidence: string[] = [];
      let passed = true;
      for (const id of input.clusterIds) {
        const c = await adapters.aks.getCluster(id);
        const bad =
          c.provisioningState !== "Succeeded" || c.pools.some((p) => p.provisioningState !== "Succeeded");
        if (bad) passed = false;
        evidence.push(
          `${c.name}: ${c.provisioningState}${bad ? ` (pools: ${c.pools.map((p) => `${p.name}=${p.provisioningState}`).join(", ")})` : ""}`,
        );
      }
      results.push({ kind: gate, gate, passed, evidence });
    } else if (gate === "nodePoolEvents") {
      results.push({ kind: gate, gate, ...poolEventsGate(input.poolEvents) });
    } else if ("azureMonitorAlerts" in gate) {
      const { severities, lookback } = gate.azureMonitorAlerts;
      const hours = lookback.ms / 3_600_000;
      const firing: string[] = [];
      const ignored: string[] = [];
      for (const id of input.clusterIds) {
        for (const a of await adapters.alerts.firedAlerts(id, hours)) {
          const line = `${id.split("/").pop()}: ${a.rule} (${a.severity}, ${a.condition}) since ${a.startDateTime}`;
          if (severities.includes(a.severity as (typeof severities)[number]) && a.condition === "Fired")
            firing.push(line);
          else ignored.push(`${line}: not blocking (gate watches ${severities.join(", ")} while fired)`);
        }
      }
      const checked = `checked ${input.clusterIds.length} cluster(s) over the last ${lookback.iso}`;
      results.push({
        kind: "azureMonitorAlerts",
        gate: `azureMonitorAlerts(${severities.join(",")}, ${lookback.iso})`,
        passed: firing.length === 0,
        evidence: [
          ...(firing.length ? firing : [`no ${severities.join("/")} alert fired; ${checked}`]),
          ...ignored,
        ],
      });
    } else {
      const { url, expectStatus, timeout } = gate.httpProbe;
      results.push({
        kind: "httpProbe",
        gate: `httpProbe(${url})`,
        ...(await probe(deps, url, expectStatus, timeout.ms)),
      });
    }
  }
  return { passed: results.every((r) => r.passed), results };
}

/**
 * A pool whose last NodePoolRolling event is Failed blocks; one that failed and then rolled successfully
 * (a retried drain) does not, but stays in the evidence.
 */
function poolEventsGate(byCluster: Readonly<Record<string, readonly PoolEvent[]>>): {
  passed: boolean;
  evidence: string[];
} {
  const blocking: string[] = [];
  const recovered: string[] = [];
  let total = 0;
  for (const [clusterId, events] of Object.entries(byCluster)) {
    total += events.length;
    const cluster = clusterId.split("/").pop();
    const pools = new Map<string, PoolEvent[]>();
    for (const e of events) pools.set(e.pool, [...(pools.get(e.pool) ?? []), e]);
    for (const [pool, list] of pools) {
      const ordered = [...list].sort((a, b) => a.time.localeCompare(b.time));
      const failures = ordered.filter((e) => e.phase === "Failed");
      if (failures.length === 0) continue;
      const last = ordered.at(-1)!;
      if (last.phase === "Failed") blocking.push(`${cluster}/${pool} failed at ${last.time}`);
      else
        recovered.push(
          `${cluster}/${pool} failed at ${failures.at(-1)!.time}, then rolled again (${last.phase} at ${last.time})`,
        );
    }
  }
  return {
    passed: blocking.length === 0,
    evidence: [
      ...(blocking.length ? blocking : [`${total} NodePoolRolling event(s), no pool left failed`]),
      ...recovered,
    ],
  };
}

/** Where a probe of `url` goes: through the configured relay unless it is a loopback URL (ours to reach). */
export function probeTarget(settings: Settings, url: string): string {
  const relay = settings.RINGMASTER_MODE === "simulator" ? settings.RINGMASTER_PROBE_RELAY : undefined;
  const loopback = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//i.test(url);
  if (!relay || loopback) return url;
  const target = new URL(relay);
  target.searchParams.set("url", url);
  return target.href;
}

async function probe(
  deps: ActivityDeps,
  url: string,
  expect: number,
  timeoutMs: number,
): Promise<{ passed: boolean; evidence: string[] }> {
  const target = probeTarget(deps.settings(), url);
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    return {
      passed: res.status === expect,
      evidence: [`GET ${url} answered ${res.status} (expected ${expect})`],
    };
  } catch (error) {
    return {
      passed: false,
      evidence: [`GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}
