import type { StageSpec } from "./fleet-state.js";

/**
 * What Fleet's API refuses in an update strategy (GA 2026-06-01, limits-fleet-infra.md §2), each problem
 * naming its field: stage and group names (1–50, `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, unique), at least one
 * stage, `maxConcurrency` as "3" or "25%", gates as `{displayName?, type: "Approval"}`, waits ≥ 0.
 */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONCURRENCY = /^([1-9][0-9]*)(%?)$/;

function nameProblem(at: string, name: unknown): string | undefined {
  if (typeof name !== "string" || name.length < 1 || name.length > 50 || !NAME.test(name))
    return `${at}.name: "${String(name)}" must be 1-50 lower-case letters, digits and inner dashes`;
  return undefined;
}

function concurrencyProblem(at: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const m = typeof value === "string" ? CONCURRENCY.exec(value) : null;
  if (!m || (m[2] === "%" && Number(m[1]) > 100))
    return `${at}.maxConcurrency: ${JSON.stringify(value)} must be a whole number ≥ 1 ("3") or a percentage 1-100 ("25%")`;
  return undefined;
}

function gateProblems(at: string, gates: unknown): string[] {
  if (gates === undefined) return [];
  if (!Array.isArray(gates)) return [`${at}: must be an array of gates`];
  return gates.flatMap((g: unknown, i) => {
    const gate = g as { type?: unknown; displayName?: unknown } | null;
    if (!gate || gate.type !== "Approval") return [`${at}[${i}].type: must be "Approval"`];
    if (
      gate.displayName !== undefined &&
      (typeof gate.displayName !== "string" || gate.displayName.length > 256)
    )
      return [`${at}[${i}].displayName: must be a string of at most 256 characters`];
    return [];
  });
}

export function strategyProblems(stages: readonly StageSpec[] | undefined): string[] {
  if (!stages?.length) return ["properties.strategy.stages: at least one stage is required"];
  const problems: string[] = [];
  const stageNames = new Set<string>();
  const groupNames = new Set<string>();
  const unique = (names: Set<string>, at: string, name: string) => {
    if (names.has(name))
      problems.push(`${at}.name: "${name}" is used twice; stage names and group names must be unique`);
    names.add(name);
  };
  stages.forEach((s, i) => {
    const at = `properties.strategy.stages[${i}]`;
    const bad = nameProblem(at, s.name);
    if (bad) problems.push(bad);
    else unique(stageNames, at, s.name);
    const conc = concurrencyProblem(at, s.maxConcurrency);
    if (conc) problems.push(conc);
    if (
      s.afterStageWaitInSeconds !== undefined &&
      !(Number.isInteger(s.afterStageWaitInSeconds) && s.afterStageWaitInSeconds >= 0)
    )
      problems.push(`${at}.afterStageWaitInSeconds: must be a whole number of seconds ≥ 0`);
    problems.push(
      ...gateProblems(`${at}.beforeGates`, s.beforeGates),
      ...gateProblems(`${at}.afterGates`, s.afterGates),
    );
    (s.groups ?? []).forEach((g, j) => {
      const gat = `${at}.groups[${j}]`;
      const badGroup = nameProblem(gat, g.name);
      if (badGroup) problems.push(badGroup);
      else unique(groupNames, gat, g.name);
      const gc = concurrencyProblem(gat, g.maxConcurrency);
      if (gc) problems.push(gc);
      problems.push(
        ...gateProblems(`${gat}.beforeGates`, g.beforeGates),
        ...gateProblems(`${gat}.afterGates`, g.afterGates),
      );
    });
  });
  return problems;
}

/** Members a group may update at once: its `maxConcurrency` (default "1") of its member count. */
export function concurrencyOf(value: string | undefined, members: number): number {
  const m = CONCURRENCY.exec(value ?? "1");
  if (!m) return 1;
  return m[2] === "%" ? Math.max(1, Math.floor((Number(m[1]) * members) / 100)) : Number(m[1]);
}
