import { redactSecrets } from "./redact.js";

/**
 * Text that came from outside (event fields, cluster names, error messages) on its way into an email
 * subject or a log line. A CR/LF there forges a header or a log entry, and a 900 KB field floods the log,
 * so every subject and every log field passes through here: one rule, one place.
 */

/** An email subject's longest form; mail clients show far less, and RFC 5322 advises 78 per header line. */
export const SUBJECT_MAX = 200;
/** A log field's longest form before it is cut with a marker. */
export const LOG_FIELD_MAX = 2048;

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators (which some log viewers split on).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Cuts at `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

/** One line for a subject: control characters become spaces, runs of spaces one, at most SUBJECT_MAX. */
export function safeSubject(text: string, max = SUBJECT_MAX): string {
  const line = text.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${cut(line, max - 1)}…`;
}

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * One log field: control characters shown as escapes (`\n`, `\r`, `\u001b`) so a field can never start a
 * new log entry, secrets masked, and anything past LOG_FIELD_MAX replaced by a marker saying how much.
 */
export function safeLogField(text: string, max = LOG_FIELD_MAX): string {
  const kept = text.length <= max ? text : cut(text, max);
  const escaped = redactSecrets(kept).replace(
    CONTROL,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return kept.length === text.length
    ? escaped
    : `${escaped}…[truncated ${text.length - kept.length} of ${text.length} characters]`;
}
