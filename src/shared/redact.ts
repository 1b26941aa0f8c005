/**
 * Secrets never reach an error message or a log line. Settings that hold a secret are never shown, only
 * their length; anything else that is echoed passes through `redactSecrets`, which masks the key parts of
 * the connection-string and SAS shapes Azure uses, in case a secret sits in a setting we did not expect.
 */

/** Settings whose value is (or may contain) a credential: never echo any part of them. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  "RINGMASTER_ACS_CONNECTION_STRING",
  "RINGMASTER_EVENTHUB",
  "RINGMASTER_AUDIT_EVENTHUB",
  "AzureWebJobsStorage",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
]);

/** A setting name that looks like it holds a credential even if the table does not list it. */
const SECRET_NAME = /(secret|password|passwd|token|key|connection_?string|sas)/i;

/**
 * `name=value` pairs whose value is a credential: ACS `accesskey=`, Service Bus/Event Hubs
 * `SharedAccessKey=`, Storage `AccountKey=`, SAS `sig=`, and the like. The value runs to the next `;`, `&`,
 * quote or whitespace.
 */
const SECRET_PAIR =
  /\b(accesskey|sharedaccesskey|accountkey|sig|signature|password|pwd|clientsecret|client_secret)=([^;&"'\s]+)/gi;

export const REDACTED = "[redacted]";

/** The text with every credential-bearing `name=value` pair's value replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PAIR, (_whole, name: string) => `${name}=${REDACTED}`);
}

export function isSecretSetting(name: string): boolean {
  return SECRET_SETTINGS.has(name) || SECRET_NAME.test(name);
}

/** How an error message may describe a setting's rejected value: secrets by length only, others redacted. */
export function describeSettingValue(name: string, value: string | undefined): string {
  if (value === undefined) return "it is not set";
  if (isSecretSetting(name)) return `got a value of ${value.length} character(s), not shown: it is a secret`;
  return `got ${JSON.stringify(redactSecrets(value))}`;
}
