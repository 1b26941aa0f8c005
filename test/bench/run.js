// `npm run bench`: every benchmark under test/bench, against the compiled code in dist/.
import { readdirSync } from "node:fs";

const only = process.argv[2];
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".bench.js") && (!only || f.startsWith(only)))
  .sort();
for (const file of files) {
  const bench = await import(new URL(file, import.meta.url));
  await bench.run();
  console.log("");
}
