import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { simulatedAppSettings } from "../../src/app/local-run.js";
import { parsePolicyYaml } from "../../src/config/policy.js";
import type { RingState, RolloutClusterItem, RolloutDetail } from "../../src/contracts/rollout-status.js";
import {
  clockSetting,
  coordinatedClock,
  DiscreteClock,
  virtualClock,
  type Clock,
} from "../../src/clock/clock.js";
import { parseFleetYaml } from "../../src/simulator/load-fleet.js";
import type { EmailRecord, OperationRecord } from "../../src/simulator/records.js";
import { Simulator } from "../../src/simulator/server.js";
import { json, startHost, waitFor, type HostProcess } from "./host-process.js";

/**
 * The whole service as `npm start` runs it, split so a test can kill the app: the simulated Azure in this
 * process (its records are what tests check), Ringmaster's Functions app in a child `ringmaster host start`
 * process on the same virtual clock, simulated Event Grid delivering to the child's webhook.
 *
 * The clock is the discrete-event one by default: this process coordinates it and the child host joins it,
 * so simulated time moves only when nothing is in flight anywhere. The test's own requests, a kill and a
 * host start are held too, and `until` looks at the system at every instant something happened — so a
 * test acts at a simulated moment, never by polling wall time. `wallClock: true` keeps the wall-coupled
 * clock at `speed` (then `until` polls in real time, as before).
 */
export const REPO = resolve(import.meta.dirname, "..", "..");

export interface Stack {
  readonly sim: Simulator;
  readonly clock: Clock;
  host: HostProcess;
  /** The host's keys when started with `keys: true` (`api` then sends the function key). */
  readonly keys: typeof STACK_KEYS | undefined;
  /** GET/POST to the app's HTTP API. */
  api<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /**
   * kill -9 the app and start it again on the same durable state — at the simulated instant `downUntil`
   * when given. An instant, not a condition: with the host down, nothing else may be due, and the discrete
   * clock only jumps to instants something waits for, so the outage's end is put on the clock itself.
   */
  crashAndRestart(downUntil?: number): Promise<void>;
  /** kill -9 the app and leave it down (the simulator and its clock keep running); see `restart`. */
  kill(): Promise<void>;
  /** Starts the app again on the same durable state after `kill`. */
  restart(): Promise<void>;
  operations(): readonly OperationRecord[];
  emails(): readonly EmailRecord[];
  /** Simulated time, ISO. */
  now(): string;
  /**
   * Waits until the probe returns a value: on the discrete clock, asked at every instant something happened
   * and with time held there for the caller's next step; on the wall-coupled clock, polled in real time.
   * `timeoutMs` is a wall-clock deadline.
   */
  until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Keys for `host start --keys`, shaped like `az functionapp keys list`. */
export const STACK_KEYS = {
  masterKey: "e2e-master-0123456789abcdef",
  functionKeys: { default: "e2e-function-0123456789abcdef" },
  systemKeys: {
    eventgrid_extension: "e2e-eventgrid-0123456789abcdef",
    durabletask_extension: "e2e-durabletask-0123456789abcdef",
  },
};

/** Where the local host keeps the audit hub's messages (the Event Hub output binding's local hub). */
export function auditEvents(stack: Stack): Record<string, unknown>[] {
  const file = join(stack.host.stateDir, "eventhubs", "ringmaster-audit.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { body: Record<string, unknown> }).body);
}

export async function startStack(o: {
  fleetYaml: string;
  policyYaml: string;
  /** Simulated seconds per real second, on the wall-coupled clock only. */
  speed: number;
  /** Start the host with `--keys` (STACK_KEYS): every door checks its key, as in Azure. */
  keys?: boolean;
  /** The wall-coupled clock at `speed` instead of the discrete-event one. */
  wallClock?: boolean;
}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "rm-e2e-"));
  const policyFile = join(dir, "policy.yaml");
  writeFileSync(policyFile, o.policyYaml);
  const policy = parsePolicyYaml(o.policyYaml, policyFile);
  const fleet = parseFleetYaml(o.fleetYaml, "fleet.yaml");
  const params = { virtualStart: Date.parse(fleet.clock.start), speed: o.speed, realStart: Date.now() };
  const coordinated = o.wallClock ? undefined : await coordinatedClock(params.virtualStart);
  const clock: Clock = coordinated?.clock ?? virtualClock(params);
  // Records too many for memory spill to the run's directory, so journeys still read the whole audit.
  const sim = await Simulator.start({ fleet, clock, deliverTo: "deferred", recordsDir: dir });
  const held = <T>(what: string, run: () => Promise<T>) => clock.held(what, run);
  const env = {
    ...simulatedAppSettings({
      sim,
      fleet,
      policy,
      policyFile,
      clock: coordinated?.setting ?? clockSetting(params),
    }),
    RINGMASTER_LRO_POLL_SECONDS: "1",
    // The audit hub by identity, as infra/app/api.bicep sets it; the local host keeps its messages locally.
    RINGMASTER_AUDIT_EVENTHUB__fullyQualifiedNamespace: "ringmaster-e2e.servicebus.windows.net",
  };
  const keysFile = join(dir, "keys.json");
  if (o.keys) writeFileSync(keysFile, JSON.stringify(STACK_KEYS));
  const keyArgs = o.keys ? ["--keys", keysFile] : [];
  const egCode = o.keys ? `&code=${STACK_KEYS.systemKeys.eventgrid_extension}` : "";
  const stateDir = join(dir, "state");
  // A host starting is work in flight: time waits until it listens (it has joined the clock by then).
  const launch = () =>
    held("the host starting", async () => {
      const host = await startHost(REPO, { env, stateDir, args: ["--quiet", ...keyArgs] });
      sim.world.events.retarget(`${host.url}/runtime/webhooks/eventgrid?functionName=aksEvents${egCode}`);
      return host;
    });
  const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000) =>
    clock instanceof DiscreteClock
      ? clock.until(what, probe, timeoutMs)
      : waitFor(what, async () => probe(), timeoutMs);
  let host = await launch();
  sim.world.events.start();
  const stack: Stack = {
    sim,
    clock,
    get host() {
      return host;
    },
    set host(h) {
      host = h;
    },
    keys: o.keys ? STACK_KEYS : undefined,
    api: (path, init) =>
      held(`test ${init?.method ?? "GET"} ${path}`, () =>
        json(`${host.url}${path}`, {
          ...init,
          headers: {
            ...(o.keys ? { "x-functions-key": STACK_KEYS.functionKeys.default } : {}),
            ...(init?.headers as Record<string, string> | undefined),
          },
        }),
      ),
    async crashAndRestart(downUntil) {
      await held("kill -9", () => host.kill9());
      if (downUntil === undefined) {
        host = await launch();
        return;
      }
      if (clock instanceof DiscreteClock) {
        const end = await clock.at(downUntil);
        try {
          host = await launch(); // at that very instant: time waits while the host starts
        } finally {
          end.release();
        }
        return;
      }
      await until("the outage to end", () => (clock.now() >= downUntil ? true : undefined), 120_000);
      host = await launch();
    },
    kill: () => held("kill -9", () => host.kill9()),
    async restart() {
      host = await launch();
    },
    operations: () => sim.world.records.operations,
    emails: () => sim.world.records.emails,
    now: () => new Date(clock.now()).toISOString(),
    until,
    async stop() {
      await host.stop().catch(() => {});
      await sim.stop();
      await coordinated?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/**
 * The rollout's status through the app's API (the app's view: state, phases, gates' evidence), with each
 * ring's clusters by name as `GET …/clusters` pages them (every page, following the continuation token).
 */
export type RolloutView = Omit<RolloutDetail, "rings"> & {
  rings: (RingState & { clusters: Record<string, RolloutClusterItem> })[];
};

export async function rollout(stack: Stack, id: string): Promise<RolloutView | undefined> {
  const r = await stack.api<RolloutDetail>(`/api/rollouts/${encodeURIComponent(id)}`);
  if (r.status !== 200) return undefined;
  const clusters = await rolloutClusters(stack, id);
  return {
    ...r.body,
    rings: r.body.rings.map((ring) => ({
      ...ring,
      clusters: Object.fromEntries(clusters.filter((c) => c.ring === ring.name).map((c) => [c.name, c])),
    })),
  };
}

/**
 * The rollout alone (state, phase, rings, status; no clusters) in one request, or undefined while the app
 * does not know it (or cannot answer): for a probe asked at every instant that needs no cluster.
 */
export async function rolloutDetail(stack: Stack, id: string): Promise<RolloutDetail | undefined> {
  const r = await stack.api<RolloutDetail>(`/api/rollouts/${encodeURIComponent(id)}`).catch(() => undefined);
  return r?.status === 200 ? r.body : undefined;
}

/** Every cluster of a rollout, page after page of `GET /api/rollouts/{id}/clusters`. */
export async function rolloutClusters(stack: Stack, id: string, query = ""): Promise<RolloutClusterItem[]> {
  const all: RolloutClusterItem[] = [];
  let token: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const params = new URLSearchParams(query);
    if (token) params.set("continuationToken", token);
    const r = await stack.api<{ clusters: RolloutClusterItem[]; continuationToken: string | null }>(
      `/api/rollouts/${encodeURIComponent(id)}/clusters${params.size ? `?${params.toString()}` : ""}`,
    );
    if (r.status !== 200)
      throw new Error(`GET clusters of ${id} answered ${r.status}: ${JSON.stringify(r.body)}`);
    all.push(...r.body.clusters);
    token = r.body.continuationToken;
    if (!token) return all;
  }
  throw new Error(`GET clusters of ${id}: more than 1000 pages`);
}

/** A test of a rollout's view read the clusters, which a view of the rollout alone does not hold. */
class ClustersNotRead extends Error {}

/**
 * The rollout's view without its clusters (one request instead of one per page of clusters): a test that
 * reads a ring's clusters throws ClustersNotRead, and is then asked again with the whole view.
 */
function withoutClusters(detail: RolloutDetail): RolloutView {
  return {
    ...detail,
    rings: detail.rings.map((ring) =>
      Object.defineProperty({ ...ring }, "clusters", {
        enumerable: true,
        get() {
          throw new ClustersNotRead();
        },
      }),
    ) as RolloutView["rings"],
  };
}

/**
 * Waits until the rollout's state (or runtime status) matches. The probe runs at every instant something
 * happened, so it reads the rollout alone and its clusters only where the test passes (or reads them):
 * `test` always sees, and the caller gets, the whole view at that same instant.
 */
export async function rolloutReaches(
  stack: Stack,
  id: string,
  test: (r: RolloutView) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<RolloutView> {
  /** What the probe saw last, for the error message. */
  let last: RolloutDetail | RolloutView | undefined;
  const passes = (detail: RolloutDetail): boolean => {
    try {
      return test(withoutClusters(detail));
    } catch (error) {
      if (error instanceof ClustersNotRead) return true;
      throw error;
    }
  };
  try {
    return await stack.until(
      `${id}: ${what}`,
      async () => {
        const r = await stack.api<RolloutDetail>(`/api/rollouts/${encodeURIComponent(id)}`);
        if (r.status === 200) last = r.body;
        if (r.status !== 200 || !passes(r.body)) return undefined;
        const whole = await rollout(stack, id);
        last = whole ?? last;
        return whole && test(whole) ? whole : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    // Say where it stood, in simulated time, and what the app logged last.
    throw new Error(
      `${(error as Error).message} (at ${stack.now()}); last seen: ${JSON.stringify(last ?? null).slice(0, 3000)}\nhost output (tail):\n${stack.host.output().slice(-3000)}`,
    );
  }
}

/** Accepted PUTs of a managed cluster (Kubernetes upgrades started) per cluster, from the simulator's audit. */
export function clusterPuts(stack: Stack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of stack.sim.world.records.audit) {
    if (a.kind !== "request" || !a.what.startsWith("PUT managedClusters.createOrUpdate")) continue;
    const status = Number(a.detail?.status ?? 0);
    if (status < 200 || status > 299) continue;
    const path = typeof a.detail?.path === "string" ? a.detail.path : "";
    const name = /managedClusters\/([^/?]+)/i.exec(path)?.[1] ?? "?";
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
