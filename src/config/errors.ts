/** Start-up configuration that cannot run: the message lists every bad setting and what a valid value is. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Settings: ${problems.length} invalid setting(s)\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

/** A policy file that does not validate; each problem starts with its path, e.g. `spec.rings[2].approval.timeout`. */
export class PolicyError extends Error {
  override readonly name = "PolicyError";
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`Policy ${source}: ${problems.length} problem(s)\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}
