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
  {
    // Durable orchestrators are replayed: no I/O, no clock, no randomness (research/style.md rule 5).
    files: ["src/workflows/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: "Workflows are replayed: do I/O in an activity.",
          })),
          patterns: [
            {
              group: ["@azure/*", "../azure/*", "../notify/*", "../simulator/*", "../devhost/*"],
              allowTypeImports: true,
              message: "Workflows may not reach I/O: import types only, call an activity for the rest.",
            },
            { group: ["../activities/*"], allowTypeImports: true, message: "Import activity types only." },
          ],
        },
      ],
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
