// Flat config: type-aware rules for src/ and functions/, and the determinism fence around workflows.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

const nodeBuiltins = [
  "fs",
  "node:fs",
  "fs/promises",
  "node:fs/promises",
  "path",
  "node:path",
  "http",
  "node:http",
  "https",
  "node:https",
  "crypto",
  "node:crypto",
  "os",
  "node:os",
  "child_process",
  "node:child_process",
  "net",
  "node:net",
  "timers",
  "node:timers",
];

/**
 * Arrows point one way (design.md, issue 10): each folder of src/ names the folders of ours it may import.
 * Anything else is a back-arrow and fails lint, types included: what a workflow and an activity share (inputs,
 * results, messages) is declared in contracts, so a workflow has no reason to name an activity's module.
 * `shared` and `clock` are neutral leaves every layer but domain may use; they import nothing of ours.
 * Adapters (azure) depend inward on domain types (ClusterRef, versions); dispatch reaches Azure only through
 * its `ArmFacts` port, bound to the adapters in src/app/arm-facts.ts. The API handlers use the app's runtime
 * config (src/app) because they are entry points, called by functions/ with nothing else to hand.
 */
const layers = {
  shared: { may: [] },
  clock: { may: [] },
  domain: { may: [] },
  contracts: { may: ["domain", "shared"] },
  config: { may: ["domain", "shared"] },
  events: { may: ["domain", "shared"] },
  notify: { may: ["domain", "config", "contracts", "shared"] },
  azure: { may: ["clock", "config", "contracts", "domain", "shared"] },
  workflows: { may: ["domain", "contracts", "shared"] },
  activities: { may: ["azure", "notify", "domain", "contracts", "config", "shared", "clock"] },
  dispatch: { may: ["contracts", "domain", "events", "config", "shared"] },
  devhost: { may: ["clock", "shared"] },
  simulator: { may: ["clock", "shared"] },
  /** The deployable zip's builder: a build tool of its own, reading only files. */
  package: { may: ["shared"] },
  api: {
    may: ["activities", "app", "config", "contracts", "dispatch", "domain", "events", "notify", "shared"],
  },
};
/** Folders that wire the others together (composition roots): they may import any layer but the local ones. */
const roots = ["app", "cli"];
/** Only these may start the local Functions host or the simulated Azure; no production module does. */
const localOnly = ["devhost", "simulator"];
const localComposition = ["src/cli/**/*.ts", "src/app/local-run.ts"];

const allFolders = [...Object.keys(layers), ...roots];
/** Matches a relative import that lands in one of `folders` of src/, from any depth below src/. */
const into = (folders, prefix = "") => `^(\\.\\./)+${prefix}(${folders.join("|")})(/|$)`;
const backArrow = (folder, others) => ({
  regex: into(others),
  message: `Back-arrow: src/${folder} may not import this folder (see the layers table in eslint.config.js).`,
});
/** The no-restricted-imports patterns for files of one src/ folder. */
function layerPatterns(folder) {
  const { may } = layers[folder];
  return [
    backArrow(
      folder,
      allFolders.filter((f) => f !== folder && !may.includes(f)),
    ),
  ];
}
const localOnlyPattern = (prefix = "") => ({
  regex: into(localOnly, prefix),
  message:
    "Production code may not import the local host or the simulator: only src/cli and src/app/local-run.ts.",
});
const restrict = (patterns, paths = []) => ["error", { paths, patterns }];
// Exported for the workflows block below, which adds its own replay fence to the same rule.
const workflowPatterns = layerPatterns("workflows");
const boundaries = [
  ...Object.keys(layers)
    .filter((folder) => folder !== "workflows")
    .map((folder) => ({
      files: [`src/${folder}/**/*.ts`],
      rules: { "no-restricted-imports": restrict(layerPatterns(folder)) },
    })),
  {
    files: ["src/app/**/*.ts"],
    ignores: localComposition,
    rules: { "no-restricted-imports": restrict([localOnlyPattern(), backArrow("app", ["cli"])]) },
  },
  {
    files: ["functions/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict([
        localOnlyPattern("src/"),
        { regex: into(["cli"], "src/"), message: "The Functions app does not import the CLI." },
      ]),
    },
  },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "bin/**", "test/bench/**/*.js", "test/fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...boundaries,
  {
    // Durable orchestrators are replayed: no I/O, no clock, no randomness (research/style.md rule 5).
    files: ["src/workflows/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(
        [
          {
            group: ["@azure/*"],
            allowTypeImports: true,
            message: "Workflows may not reach I/O: import types only, call an activity for the rest.",
          },
          ...workflowPatterns,
        ],
        nodeBuiltins.map((name) => ({ name, message: "Workflows are replayed: do I/O in an activity." })),
      ),
      "no-restricted-globals": ["error", "setTimeout", "setInterval", "process", "fetch"],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Workflows are replayed: use context.df.newGuid." },
        {
          object: "Date",
          property: "now",
          message: "Workflows are replayed: use context.df.currentUtcDateTime.",
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Workflows are replayed: use context.df.currentUtcDateTime.",
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "*.config.ts", "eslint.config.js"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
