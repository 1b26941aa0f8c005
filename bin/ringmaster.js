#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript (npm install runs `prepare`, which builds dist/).
import { main } from "../dist/src/cli/main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
