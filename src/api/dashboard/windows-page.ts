import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { createActivities } from "../../activities/index.js";
import { activityDeps } from "../../app/activity-deps.js";
import { chooseWindow } from "../../domain/cluster-eligibility.js";
import { freezeIntervals } from "../../domain/freezes.js";
import type { InventoryCluster } from "../../domain/inventory.js";
import { assignRings, effectiveRings } from "../../domain/rings.js";
import { windowIntervals } from "../../domain/window-source.js";
import type { Interval } from "../../domain/windows.js";
import type { ApiDeps } from "../deps.js";
import { esc, page, table, td, when } from "./page.js";

/**
 * The fleet's maintenance windows for the coming weeks: clusters grouped by ring and by the window that
 * governs their Kubernetes upgrades (domain/cluster-eligibility.ts chooseWindow: the ring's with
 * `manageWindows`, else the cluster's own AKS configuration), each group with its next openings minus the
 * policy's freezes. Groups, not clusters: 5,000 clusters share a handful of windows.
 */
const DAY = 86_400_000;
const SHOWN_OPENINGS = 10;

interface Group {
  ring: string;
  source: string;
  clusters: number;
  examples: string[];
  openings: Interval[];
}

export async function windowsPage(req: HttpRequest, deps: ApiDeps): Promise<HttpResponseInit> {
  const weeksParam = Number(req.query.get("weeks") ?? "4");
  const weeks = Number.isInteger(weeksParam) && weeksParam >= 1 && weeksParam <= 12 ? weeksParam : 4;
  const now = deps.now?.() ?? Date.now();
  const until = now + weeks * 7 * DAY;
  const inventory = await createActivities(activityDeps).loadInventory({ withNodeImages: false });
  const policy = deps.policy;
  const freezes = freezeIntervals(policy.spec.freezes ?? []);
  const rings = effectiveRings(policy);
  const { byRing, unassigned } = assignRings(policy, inventory.clusters);
  const groups = new Map<string, Group>();
  const add = (
    ring: string,
    source: string,
    key: string,
    c: InventoryCluster,
    openings: () => Interval[],
  ) => {
    const id = `${ring}\n${key}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { ring, source, clusters: 0, examples: [], openings: openings() }));
    g.clusters++;
    if (g.examples.length < 3) g.examples.push(c.name);
  };
  for (const ring of rings)
    for (const c of byRing.get(ring.name) ?? []) {
      const chosen = chooseWindow(c, ring, policy, "kubernetes");
      const key = chosen.window ? JSON.stringify(chosen.window) : "none";
      add(
        ring.name,
        chosen.source === "ring"
          ? "ring window"
          : chosen.source === "cluster"
            ? "cluster's own AKS window"
            : "no window",
        key,
        c,
        () =>
          chosen.window || !policy.spec.requireWindow
            ? windowIntervals(chosen.window, now, until, freezes)
            : [],
      );
    }
  const rows = [...groups.values()].map((g) => [
    td(g.ring),
    td(g.clusters),
    td(g.source),
    td(`${g.examples.join(", ")}${g.clusters > g.examples.length ? ", …" : ""}`, true),
    td(
      g.openings.length
        ? g.openings
            .slice(0, SHOWN_OPENINGS)
            .map(
              (w) =>
                `${when(new Date(w.start).toISOString())} → ${when(new Date(w.end).toISOString()).slice(11)}`,
            )
            .join("; ") +
            (g.openings.length > SHOWN_OPENINGS ? ` (+${g.openings.length - SHOWN_OPENINGS} more)` : "")
        : "none in this period",
      true,
    ),
  ]);
  const freezeRows = freezes
    .filter((f) => f.end > now && f.start < until)
    .map((f) => [
      td(f.name),
      td(when(new Date(f.start).toISOString())),
      td(when(new Date(f.end).toISOString())),
    ]);
  const weekLinks = [2, 4, 8]
    .map((w) =>
      w === weeks
        ? `<strong>${w} weeks</strong>`
        : `<a href="?weeks=${w}${req.query.get("code") ? `&amp;code=${esc(encodeURIComponent(req.query.get("code")!))}` : ""}">${w} weeks</a>`,
    )
    .join(" · ");
  return page(req, {
    title: "Maintenance windows",
    body: `<h1>Maintenance windows</h1>
<p class="meta">${inventory.clusters.length} cluster(s), ${esc(when(new Date(now).toISOString()))} to ${esc(when(new Date(until).toISOString()))}. Openings exclude freezes. ${weekLinks}</p>
${table("Kubernetes upgrade windows by ring", ["ring", "clusters", "window", "for example", "openings (UTC)"], rows)}
<h2>Freezes</h2>
${table("Freezes in this period: nothing starts inside them", ["freeze", "from", "until"], freezeRows)}
<p class="note">${unassigned.length} cluster(s) match no ring and are never upgraded by this policy.</p>`,
  });
}
