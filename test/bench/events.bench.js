// Normalizer throughput: events/s on one core and the ratio to bare JSON.parse of the same payloads.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { normalizeBatch, normalizeBody } from "../../dist/src/events/normalize.js";
import { percentile, row, timePerCall } from "./harness.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "events");

function corpus(size) {
  const templates = [];
  for (const dir of readdirSync(FIXTURES)) {
    for (const file of readdirSync(join(FIXTURES, dir))) {
      const value = JSON.parse(readFileSync(join(FIXTURES, dir, file), "utf8"));
      for (const event of Array.isArray(value) ? value : [value]) templates.push(event);
    }
  }
  // AKS events dominate real traffic (one per cluster per release), so weight them 4:1.
  const aks = templates.filter((t) =>
    String(t.eventType ?? t.type ?? "").startsWith("Microsoft.ContainerService"),
  );
  const weighted = [...aks, ...aks, ...aks, ...templates];
  return Array.from({ length: size }, (_, i) => {
    const t = structuredClone(weighted[i % weighted.length]);
    if (typeof t.id === "string") t.id = `${t.id}-${i}`;
    return JSON.stringify(t);
  });
}

export function run() {
  console.log("events: normalizer throughput (one core)");
  const bodies = corpus(10_000);
  const receivedAt = new Date().toISOString();
  const bytes = bodies.reduce((n, b) => n + b.length, 0);

  const parseNs = timePerCall(() => {
    for (const b of bodies) JSON.parse(b);
  });
  const normalizeNs = timePerCall(() => {
    for (const b of bodies) normalizeBody(b, { receivedAt });
  });
  const parsedBodies = bodies.map((b) => JSON.parse(b));
  const parsedNs = timePerCall(() => normalizeBatch(parsedBodies, { receivedAt }));

  const perSec = (ns) => Math.round((bodies.length * 1e9) / ns);
  row("corpus", `${bodies.length} events, ${Math.round(bytes / bodies.length)} B average`);
  row("JSON.parse (baseline)", `${perSec(parseNs).toLocaleString("en-US")} events/s`);
  row(
    "normalizeBody(string)",
    `${perSec(normalizeNs).toLocaleString("en-US")} events/s  (${(normalizeNs / parseNs).toFixed(1)}x JSON.parse time)`,
  );
  row(
    "normalizeBatch(parsed bodies)",
    `${perSec(parsedNs).toLocaleString("en-US")} events/s  (${(parsedNs / parseNs).toFixed(1)}x JSON.parse time)`,
  );

  const batchMs = [];
  for (let i = 0; i + 100 <= bodies.length; i += 100) {
    const slice = bodies.slice(i, i + 100);
    const start = performance.now();
    normalizeBatch(slice, { receivedAt });
    batchMs.push(performance.now() - start);
  }
  row(
    "100-event batch latency p50 / p99",
    `${percentile(batchMs, 50).toFixed(2)} ms / ${percentile(batchMs, 99).toFixed(2)} ms`,
  );
  return { eventsPerSecond: perSec(normalizeNs), ratioToJsonParse: normalizeNs / parseNs };
}
