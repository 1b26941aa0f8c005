import { isAbsolute, relative, resolve } from "node:path";
import { armError, type Reply, type SimRequest } from "./http-kit.js";
import type { World } from "./world.js";

/**
 * The simulator's own records under `/_sim/…`: what tests, the benchmarks and `npm start`'s live view read
 * (clock, audit, counters, outbox, probe relay, operations, events, summary). Not part of Azure's surface.
 */
export function simulatorRecords(w: World, stateDir: string, req: Omit<SimRequest, "params">): Reply {
  const what = req.path.slice("/_sim/".length).toLowerCase();
  if (what === "clock")
    return {
      status: 200,
      body: { now: new Date(w.clock.now()).toISOString(), description: w.clock.description },
    };
  if (what === "audit") {
    // The whole audit by default (older entries read back from the records file); `?last=N` for the newest.
    const last = Number(req.query.get("last") ?? NaN);
    if (Number.isInteger(last) && last > 0 && last <= w.records.recentAudit.length)
      return { status: 200, body: w.records.recentAudit.slice(-last) };
    const all = w.records.audit;
    return { status: 200, body: Number.isInteger(last) && last > 0 ? all.slice(-last) : all };
  }
  if (what === "counters")
    return {
      status: 200,
      body: {
        requests: Object.fromEntries(w.records.counters),
        perCluster: Object.fromEntries(w.records.perCluster),
        throttled: w.records.throttled(),
        peakInFlight: Object.fromEntries(w.records.peakInFlight),
      },
    };
  if (what === "outbox") return { status: 200, body: w.records.emails };
  // The outside world's health endpoints (the app's RINGMASTER_PROBE_RELAY points here): the status the
  // fleet file's `probes` gives the URL, else 200, so a probe gate never leaves the machine.
  if (what === "probe") {
    const url = req.query.get("url") ?? "";
    return { status: w.fleet.probes.find((p) => p.url === url)?.status ?? 200 };
  }
  if (what === "operations") return { status: 200, body: w.records.operations };
  if (what === "events")
    return { status: 200, body: { delivered: w.events.delivered, deadLettered: w.events.deadLettered } };
  if (what === "summary") {
    const summary = w.summary();
    const file = req.query.get("file");
    if (req.method === "POST" && file) {
      const target = insideStateDir(stateDir, file);
      if (!target)
        return armError(
          400,
          "InvalidSummaryPath",
          `file must name a path inside the simulator's state directory ${stateDir}`,
        );
      w.records.writeSummary(target, summary);
    }
    return { status: 200, body: summary };
  }
  return {
    status: 404,
    body: {
      error: `unknown simulator record ${what}; try clock, audit, counters, outbox, probe, operations, events, summary`,
    },
  };
}

/** A summary file relative to the state directory that stays inside it (no absolute path, no `..`). */
function insideStateDir(stateDir: string, file: string): string | undefined {
  if (isAbsolute(file) || file.includes("\0")) return undefined;
  const target = resolve(stateDir, file);
  const rel = relative(stateDir, target);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? target : undefined;
}
