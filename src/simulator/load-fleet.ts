import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
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

export function parseFleetYaml(text: string, source = "fleet"): Fleet {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0)
    throw new FleetFileError(
      source,
      doc.errors.map((e) => e.message.split("\n")[0] ?? e.message),
    );
  const result = FleetSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new FleetFileError(
      source,
      result.error.issues.map(
        (i) =>
          `${i.path
            .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
            .join("")
            .replace(/^\./, "")}: ${i.message}`,
      ),
    );
  }
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
