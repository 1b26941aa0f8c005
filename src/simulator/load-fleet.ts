import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { fleetProblems } from "./fleet-checks.js";
import { FleetSchema, type Fleet } from "./fleet-schema.js";

export class FleetFileError extends Error {
  override readonly name = "FleetFileError";
  constructor(
    source: string,
    readonly problems: readonly string[],
  ) {
    super(`Fleet ${source}: ${problems.length} problem(s)\n  - ${problems.join("\n  - ")}`);
  }
}

/**
 * YAML → plain data, every failure naming the file: syntax errors by line, and the alias-expansion limit
 * (a "billion laughs" document) that the yaml library enforces while converting, not while parsing.
 */
function yamlToData(text: string, fail: (problems: string[]) => Error): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw fail(
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0] ?? e.message}`),
    );
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw fail([
      `refused: ${error instanceof Error ? error.message : String(error)} (too many YAML alias expansions; write the values out or use fewer aliases)`,
    ]);
  }
}

const pathOf = (path: readonly PropertyKey[]) =>
  path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "") || "(root)";

export function parseFleetYaml(text: string, source = "fleet"): Fleet {
  return parseFleetData(
    yamlToData(text, (problems) => new FleetFileError(source, problems)),
    source,
  );
}

/**
 * A fleet already in memory as plain data (what `generateFleet` makes), checked exactly as a fleet file's
 * content is, without the YAML round trip: at 5,000 clusters writing and parsing the YAML cost 2 s.
 */
export function parseFleetData(data: unknown, source = "fleet"): Fleet {
  const result = FleetSchema.safeParse(data);
  if (!result.success) {
    throw new FleetFileError(
      source,
      result.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`),
    );
  }
  const problems = fleetProblems(result.data);
  if (problems.length > 0) throw new FleetFileError(source, problems);
  return result.data;
}

export function loadFleetFile(path: string): Fleet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new FleetFileError(path, [
      `cannot read the file (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  return parseFleetYaml(text, path);
}
