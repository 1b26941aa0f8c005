import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePolicyYaml } from "../../../src/config/policy.js";
import { PolicyError } from "../../../src/config/errors.js";

// One policy per app, made explicit: a second policy in the file is refused with what to do instead,
// rather than the YAML library's "use parseAllDocuments()" or a silent policies[0].
const ONE = readFileSync("examples/policy.yaml", "utf8");

function problemsOf(text: string): readonly string[] {
  try {
    parsePolicyYaml(text, "policy.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).problems;
  }
  throw new Error("expected the policy to be refused");
}

describe("one rollout policy per app", () => {
  it("refuses a second policy document, naming its line and the way to run two policies", () => {
    const two = `${ONE.trimEnd()}\n---\n${ONE.replace(/name: \S+/, "name: other")}`;
    // The line of the `---` that opens the second document.
    const secondLine = ONE.trimEnd().split("\n").length + 1;
    expect(problemsOf(two)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^line ${secondLine}: a second YAML document starts here; Ringmaster runs one rollout policy per app`,
        ),
      ),
    ]);
    expect(problemsOf(two)[0]).toContain(
      "deploy another app (its own RINGMASTER_POLICY_FILE and TASKHUB_NAME)",
    );
  });

  it("still reads a single policy, also when it opens with a document marker", () => {
    expect(parsePolicyYaml(ONE).metadata.name).toBeTruthy();
    expect(parsePolicyYaml(`---\n${ONE}`).metadata.name).toBe(parsePolicyYaml(ONE).metadata.name);
  });

  it("says an empty file is empty", () => {
    expect(problemsOf("")).toEqual(["the file is empty: expected one RolloutPolicy document"]);
  });
});
