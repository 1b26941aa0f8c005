/**
 * The Durable Functions rule for instance ids (research/limits-fleet-infra.md §1, extension
 * `DurableClient.cs`): at most 256 characters, not starting with `@` (entity ids), and none of `/`, `\`,
 * `#`, `?` or control characters. A bad id is a permanent property of the request: retrying never helps.
 */
export const MAX_INSTANCE_ID_LENGTH = 256;

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** Why an instance id would be refused by Azure, or undefined when it is valid. */
export function instanceIdProblem(id: string): string | undefined {
  if (id.length === 0) return "instance id: empty";
  if (id.length > MAX_INSTANCE_ID_LENGTH)
    return `instance id: ${id.length} characters; Durable Functions allows at most ${MAX_INSTANCE_ID_LENGTH}`;
  if (id.startsWith("@")) return "instance id: must not start with '@' (reserved for entities)";
  const bad = FORBIDDEN.exec(id);
  if (bad)
    return `instance id: must not contain ${JSON.stringify(bad[0])} ('/', '\\', '#', '?' and control characters are not allowed)`;
  return undefined;
}
