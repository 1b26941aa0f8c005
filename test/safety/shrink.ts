import type { ScenarioSpec } from "./scenario.js";

/**
 * Smaller versions of a failing scenario, biggest cuts first: half the clusters, one ring, one cluster,
 * one fault, one alert, one action, the freezes, the node images, a shorter span. The runner keeps the
 * first one that still fails the same way and starts again from it (greedy), so a reproducer ends up small.
 */
export function smaller(s: ScenarioSpec): { what: string; spec: ScenarioSpec }[] {
  const out: { what: string; spec: ScenarioSpec }[] = [];
  const withClusters = (clusters: ScenarioSpec["clusters"], what: string) => {
    const names = new Set(clusters.map((c) => c.name));
    out.push({
      what,
      spec: {
        ...s,
        clusters,
        faults: s.faults.filter((f) => f.cluster === undefined || names.has(String(f.cluster))),
        alerts: (s.alerts ?? []).filter((a) => names.has(a.cluster)),
      },
    });
  };
  const n = s.clusters.length;
  if (n > 2) {
    withClusters(s.clusters.slice(0, Math.ceil(n / 2)), `the first ${Math.ceil(n / 2)} of ${n} clusters`);
    withClusters(s.clusters.slice(Math.floor(n / 2)), `the last ${n - Math.floor(n / 2)} of ${n} clusters`);
  }
  if (s.rings.length > 1)
    for (const ring of s.rings) {
      const rings = s.rings.filter((r) => r !== ring);
      const clusters = s.clusters.filter((c) => c.ring !== ring.name);
      const names = new Set(clusters.map((c) => c.name));
      out.push({
        what: `without ring ${ring.name}`,
        spec: {
          ...s,
          rings,
          clusters,
          actions: s.actions.filter((a) => a.ring !== ring.name),
          faults: s.faults.filter((f) => f.cluster === undefined || names.has(String(f.cluster))),
          alerts: (s.alerts ?? []).filter((a) => names.has(a.cluster)),
        },
      });
    }
  if (n > 1)
    for (const c of s.clusters)
      withClusters(
        s.clusters.filter((x) => x !== c),
        `without cluster ${c.name}`,
      );
  s.faults.forEach((_, i) =>
    out.push({ what: `without fault ${i + 1}`, spec: { ...s, faults: s.faults.filter((__, j) => j !== i) } }),
  );
  (s.alerts ?? []).forEach((a, i) =>
    out.push({
      what: `without alert ${i + 1} (${a.severity} on ${a.cluster})`,
      spec: { ...s, alerts: (s.alerts ?? []).filter((__, j) => j !== i) },
    }),
  );
  s.actions.forEach((a, i) =>
    out.push({
      what: `without action ${a.kind}${a.ring ? ` ${a.ring}` : ""} at minute ${a.atMinute}`,
      spec: { ...s, actions: s.actions.filter((__, j) => j !== i) },
    }),
  );
  if (s.freezes.length) out.push({ what: "without freezes", spec: { ...s, freezes: [] } });
  if (s.nodeImages.length) out.push({ what: "without node images", spec: { ...s, nodeImages: [] } });
  if (s.kubernetes.length > 1)
    out.push({ what: "with the first release only", spec: { ...s, kubernetes: s.kubernetes.slice(0, 1) } });
  if (s.endOfSupport.length) out.push({ what: "without end of support", spec: { ...s, endOfSupport: [] } });
  if (s.spanHours > 24) {
    const spanHours = Math.max(24, Math.round(s.spanHours * 0.7));
    out.push({
      what: `${spanHours} hours instead of ${s.spanHours}`,
      spec: { ...s, spanHours, actions: s.actions.filter((a) => a.atMinute < spanHours * 60) },
    });
  }
  return out;
}
