import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { PolicySchema, type Policy } from "../domain/policy-schema.js";
import { PolicyError } from "./errors.js";
import { ncrontabProblem } from "./ncrontab.js";
import { executorProblems } from "../domain/executor-schema.js";

/**
 * Loading the rollout policy: YAML → zod (src/domain/policy-schema.ts) → cross-field checks. Every error
 * names its path (`spec.rings[2].approval.timeout`) and what a valid value looks like.
 */
export { PolicySchema };
export type { Gate, Policy, Ring, Selector } from "../domain/policy-schema.js";

/** Cross-field rules zod cannot express per field: unique ring names, known on-call teams, a schedulable cron. */
function checkReferences(policy: Policy): string[] {
  const problems: string[] = [];
  const schedule = policy.spec.nodeImage?.schedule;
  const cronProblem = schedule === undefined ? undefined : ncrontabProblem(schedule);
  if (cronProblem)
    problems.push(
      `spec.nodeImage.schedule: "${schedule}" cannot be scheduled (${cronProblem}); e.g. "0 0 5 * * Mon"`,
    );
  const seen = new Map<string, number>();
  policy.spec.rings.forEach((ring, i) => {
    const first = seen.get(ring.name);
    if (first !== undefined)
      problems.push(`spec.rings[${i}].name: "${ring.name}" is already the name of spec.rings[${first}]`);
    else seen.set(ring.name, i);
    (ring.notify ?? []).forEach((team, j) => {
      if (!(team in policy.spec.onCall)) {
        problems.push(
          `spec.rings[${i}].notify[${j}]: "${team}" is not defined under spec.onCall (known: ${Object.keys(policy.spec.onCall).join(", ") || "none"})`,
        );
      }
    });
  });
  problems.push(...executorProblems(policy));
  return problems;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") ||
    "(root)"
  );
}

/** Validates an already-parsed policy document; throws PolicyError listing every problem. */
export function parsePolicy(value: unknown, source = "policy"): Policy {
  const result = PolicySchema.safeParse(value);
  if (!result.success) {
    throw new PolicyError(
      source,
      result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
    );
  }
  const problems = checkReferences(result.data);
  if (problems.length > 0) throw new PolicyError(source, problems);
  return result.data;
}

/**
 * One policy per app, explicitly: RINGMASTER_POLICY_FILE names one file, and activities, timers and the API
 * act for the policy the app runs (the rollout ids name it). A second YAML document is refused here, with
 * what to do instead, rather than silently ignored.
 */
export const ONE_POLICY_PER_APP =
  "Ringmaster runs one rollout policy per app (rollout ids name it): keep one RolloutPolicy in this file, and deploy another app (its own RINGMASTER_POLICY_FILE and TASKHUB_NAME) for another policy";

/** Parses policy YAML text; YAML syntax errors name the line. */
export function parsePolicyYaml(text: string, source = "policy"): Policy {
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const all = Array.isArray(docs) ? docs : [];
  if (all.length > 1) {
    const line = text.slice(0, all[1]!.range[0]).split("\n").length;
    throw new PolicyError(source, [
      `line ${line}: a second YAML document starts here; ${ONE_POLICY_PER_APP}`,
    ]);
  }
  const doc = all[0];
  if (!doc) throw new PolicyError(source, ["the file is empty: expected one RolloutPolicy document"]);
  if (doc.errors.length > 0) {
    throw new PolicyError(
      source,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0] ?? e.message}`),
    );
  }
  let data: unknown;
  try {
    // The yaml library enforces its alias-expansion limit (a "billion laughs" document) while converting.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new PolicyError(source, [
      `refused: ${error instanceof Error ? error.message : String(error)} (too many YAML alias expansions; write the values out or use fewer aliases)`,
    ]);
  }
  return parsePolicy(data, source);
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PolicyError(path, [
      `cannot read the file (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  return parsePolicyYaml(text, path);
}

/** JSON Schema of the policy, for editors (`ringmaster policy schema`). */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicySchema, { io: "input", unrepresentable: "any" });
}
