import { readdirSync } from "node:fs";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

// The import-boundary table in eslint.config.js is what makes a back-arrow fail `npm run check`. These tests
// lint snippets under the real config, at paths inside each folder, and read the rule's verdict. Type-aware
// rules are switched off: the snippets are not files of the project, and the boundary rule needs no types.
const eslint = new ESLint({ overrideConfig: tseslint.configs.disableTypeChecked });

/** The no-restricted-imports messages ESLint gives `code` as if it were the file at `filePath`. */
async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const value = (from: string) => `import { x } from "${from}";\nexport const y = x;\n`;
const typeOnly = (from: string) => `import type { X } from "${from}";\nexport type Y = X;\n`;

describe("import boundaries (eslint.config.js layers table)", () => {
  it("domain importing an Azure adapter is a back-arrow", async () => {
    const errors = await importErrors("src/domain/x.ts", value("../azure/aks.js"));
    expect(errors).toEqual([expect.stringContaining("Back-arrow: src/domain may not import")]);
  });

  it("domain may import domain, and nothing else of ours (not even config)", async () => {
    expect(await importErrors("src/domain/x.ts", value("./versions.js"))).toEqual([]);
    expect(await importErrors("src/domain/x.ts", value("../config/settings.js"))).toHaveLength(1);
    expect(await importErrors("src/domain/x.ts", typeOnly("../config/settings.js"))).toHaveLength(1);
  });

  it("activities may not import workflows, and dispatch may not import an Azure adapter", async () => {
    expect(await importErrors("src/activities/x.ts", typeOnly("../workflows/contracts.js"))).toHaveLength(1);
    expect(await importErrors("src/dispatch/x.ts", value("../azure/compose.js"))).toHaveLength(1);
    expect(await importErrors("src/activities/x.ts", value("../azure/aks.js"))).toEqual([]);
    expect(await importErrors("src/dispatch/x.ts", value("../contracts/durable-port.js"))).toEqual([]);
  });

  it("workflows import neither an activity's code nor its types: shared shapes live in contracts", async () => {
    expect(await importErrors("src/workflows/x.ts", value("../activities/deps.js"))).toHaveLength(1);
    expect(await importErrors("src/workflows/x.ts", typeOnly("../activities/prepare.js"))).toEqual([
      expect.stringContaining("Back-arrow: src/workflows may not import"),
    ]);
    expect(await importErrors("src/workflows/x.ts", typeOnly("../notify/templates.js"))).toHaveLength(1);
    expect(await importErrors("src/workflows/x.ts", typeOnly("../contracts/activities.js"))).toEqual([]);
    // History holds our own shapes (contracts/operation-ref.ts): not even an adapter's type is named.
    expect(await importErrors("src/workflows/x.ts", typeOnly("../azure/aks.js"))).toHaveLength(1);
    // The replay fence still holds beside the boundaries: no node:fs in an orchestrator.
    expect(await importErrors("src/workflows/x.ts", value("node:fs"))).toHaveLength(1);
  });

  it("the Azure adapters and the simulator use the neutral clock, not the local host", async () => {
    expect(await importErrors("src/azure/x.ts", typeOnly("../clock/clock.js"))).toEqual([]);
    expect(await importErrors("src/simulator/x.ts", typeOnly("../clock/clock.js"))).toEqual([]);
    expect(await importErrors("src/simulator/x.ts", typeOnly("../devhost/host.js"))).toHaveLength(1);
    expect(await importErrors("src/simulator/x.ts", typeOnly("../domain/versions.js"))).toHaveLength(1);
    expect(await importErrors("src/devhost/durable/x.ts", value("../../notify/templates.js"))).toHaveLength(
      1,
    );
  });

  it("only the CLI and the local-run composition may import the local host or the simulator", async () => {
    expect(await importErrors("src/app/local-run.ts", value("../devhost/host.js"))).toEqual([]);
    expect(await importErrors("src/cli/commands/x.ts", value("../../simulator/server.js"))).toEqual([]);
    expect(await importErrors("src/app/runtime-config.ts", value("../simulator/server.js"))).toHaveLength(1);
    expect(await importErrors("functions/x.ts", value("../src/devhost/host.js"))).toHaveLength(1);
  });

  // A new folder without a row in the table would be unfenced: every production folder must refuse the
  // local host (the local host itself refuses the simulator).
  it.each(
    readdirSync("src", { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "cli")
      .map((d) => d.name),
  )("src/%s has a row in the boundary table", async (folder) => {
    const target = folder === "devhost" ? "../simulator/server.js" : "../devhost/host.js";
    const filePath = folder === "app" ? "src/app/runtime-config.ts" : `src/${folder}/x.ts`;
    expect(await importErrors(filePath, value(target))).toHaveLength(1);
  });
});
