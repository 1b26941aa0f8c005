import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Starts the files that take longest first, so the last file to finish is a short one and both workers
 * stay busy to the end: a journey of ten seconds started last would be ten seconds of one core alone.
 * Vitest's own order does this only with the durations of a previous run; a fresh clone (CI) has none and
 * got the largest files first, which put journeys of ten seconds near the end. A file without a recorded
 * duration is estimated from what it starts: each local host, stack, browser, child process or generated fleet
 * costs seconds, where a unit test costs milliseconds. Files that failed last time still go first.
 */
const STARTS_SOMETHING =
  /\b(?:startStack|startHost|launchChromium|startLocalRun|generateFleet|spawn|execFile|execFileSync)\(|bin\/ringmaster\.js/g;
/** Roughly what one of them costs a file, in milliseconds. */
const EACH_MS = 3000;

function estimateMs(file: string): number {
  const text = readFileSync(file, "utf8");
  // Larger files have more tests: the size breaks ties among files that start nothing.
  return (text.match(STARTS_SOMETHING)?.length ?? 0) * EACH_MS + text.length / 100;
}

export default class LongestFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = new Map(files.map((spec) => [spec, this.ctx.cache.getTestSpecificationResult(spec)]));
    const cost = new Map(files.map((spec) => [spec, known.get(spec)?.duration ?? estimateMs(spec.moduleId)]));
    const failed = (spec: TestSpecification) => (known.get(spec)?.failed ? 1 : 0);
    return Promise.resolve([...files].sort((a, b) => failed(b) - failed(a) || cost.get(b)! - cost.get(a)!));
  }
}
