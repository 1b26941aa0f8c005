import { z } from "zod";
import { DEFAULT_EVENTHUB_NAME } from "./binding-settings.js";
import { SettingsError } from "./errors.js";
import { ncrontabProblem } from "./ncrontab.js";
import { describeSettingValue } from "../shared/redact.js";

/**
 * Every app setting Ringmaster reads, validated once at start-up. Each field documents what a valid value
 * looks like, because that text is what an operator sees when the value is wrong (see `describeIssue`).
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** Optional text with a default; empty counts as unset (local.settings.example.json lists every setting). */
const textOr = (fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : v));

const subscriptionIds = z
  .string({ error: "required: a comma-separated list of subscription GUIDs" })
  .transform((raw) =>
    raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(GUID, "each entry must be a GUID like 11111111-1111-1111-1111-111111111111"))
      .min(1, "list at least one subscription GUID"),
  );

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `expected an http(s) URL such as ${example}` });

// An empty value means "not set": the README calls these optional, so the default applies.
const schedule = (fallback: string) =>
  textOr(fallback).superRefine((v, ctx) => {
    const problem = ncrontabProblem(v);
    if (problem)
      ctx.addIssue({
        code: "custom",
        message: `expected a six-field NCRONTAB expression (second minute hour day month day-of-week, UTC), e.g. "${fallback}" (${problem})`,
      });
  });

const baseSettings = z.object({
  /** Task hub name referenced by host.json (`%TASKHUB_NAME%`). */
  TASKHUB_NAME: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z][A-Za-z0-9]{2,44}$/,
      "expected 3-45 letters or digits starting with a letter, e.g. ringmaster",
    )
    .default("ringmaster"),
  /** Path of the rollout policy YAML, relative to the app root. */
  RINGMASTER_POLICY_FILE: z
    .string({ error: "required: the path of the rollout policy YAML, e.g. examples/policy.yaml" })
    .trim()
    .min(1, "required: the path of the rollout policy YAML, e.g. examples/policy.yaml"),
  /** Subscriptions whose clusters Ringmaster manages. */
  RINGMASTER_SUBSCRIPTION_IDS: subscriptionIds,
  /** Seconds between long-running-operation polls; events are preferred, polling is the fallback. */
  RINGMASTER_LRO_POLL_SECONDS: z.coerce
    .number({ error: "expected a whole number of seconds, e.g. 30" })
    .int("expected a whole number of seconds, e.g. 30")
    .min(1, "expected at least 1 second")
    .default(30),
  /** Name of the connection setting for the ingress Event Hub; empty disables the real Event Hub listener. */
  RINGMASTER_EVENTHUB: optionalText,
  RINGMASTER_EVENTHUB_NAME: textOr(DEFAULT_EVENTHUB_NAME),
  /**
   * The audit hub's connection (an output binding's `connection`): a connection string here, or by identity
   * `RINGMASTER_AUDIT_EVENTHUB__fullyQualifiedNamespace` (+ `__credential`, `__clientId`) as infra/ sets it.
   * Neither keeps audit CloudEvents in structured logs only (src/azure/audit.ts).
   */
  RINGMASTER_AUDIT_EVENTHUB: optionalText,
  RINGMASTER_AUDIT_EVENTHUB_NAME: textOr("ringmaster-audit"),
  RINGMASTER_NODE_IMAGE_SCHEDULE: schedule("0 0 5 * * Mon"),
  RINGMASTER_RECONCILE_SCHEDULE: schedule("0 15 */6 * * *"),
  /**
   * UTC hour of the daily cost-anomaly check of the day before (workflows/cost-anomaly-check.ts): after
   * that day's usage has landed (EA/MCA 8–24 h after the day ends); rows still missing are asked for again hourly.
   */
  // Blank is unset (the default), not hour 0: z.coerce reads "" as 0.
  RINGMASTER_COST_CHECK_HOUR: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ error: "expected a UTC hour from 0 to 23, e.g. 10" })
      .int("expected a whole UTC hour from 0 to 23, e.g. 10")
      .min(0, "expected a UTC hour from 0 to 23, e.g. 10")
      .max(23, "expected a UTC hour from 0 to 23, e.g. 10")
      .default(10),
  ),
  /** Base URL put in approval emails so a person can act on them. */
  RINGMASTER_PUBLIC_BASE_URL: optionalText.pipe(httpUrl("https://ringmaster.example.net").optional()),
  /**
   * `host[:port]` that App Service gives the Function App (the local host sets it the same way): where
   * links point when RINGMASTER_PUBLIC_BASE_URL is unset.
   */
  WEBSITE_HOSTNAME: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "expected host[:port], e.g. ringmaster.azurewebsites.net")
      .optional(),
  ),
  /**
   * Signs the one-click action links in emails (notify/action-links.ts): at least 32 characters; in Azure a
   * Key Vault reference (`@Microsoft.KeyVault(SecretUri=…)`). Unset: emails link to the dashboard instead.
   */
  RINGMASTER_ACTION_LINK_KEY: optionalText.pipe(
    z
      .string()
      .min(32, "at least 32 characters (e.g. openssl rand -base64 48); keep it in Key Vault in Azure")
      // App Service passes a reference it could not resolve through as its text, which names a public
      // URI: signing with that would let anyone who guesses the vault's name forge links.
      .refine(
        (v) => !/^@Microsoft\.KeyVault\(/i.test(v),
        "a Key Vault reference App Service could not resolve: give the app's identity Key Vault Secrets User on the vault and set keyVaultReferenceIdentity to it (infra/ does both); the portal's Environment variables page shows why",
      )
      .optional(),
  ),
});

const simulatorSettings = baseSettings.extend({
  RINGMASTER_MODE: z.literal("simulator"),
  /** Base URL of the simulated Azure (ARM, Resource Graph, Cost, Communication Services). */
  RINGMASTER_ARM_ENDPOINT: httpUrl("http://127.0.0.1:7080"),
  /** ACS connection string (HMAC); the simulator verifies signatures exactly as ACS does. */
  RINGMASTER_ACS_CONNECTION_STRING: z
    .string({ error: "required in simulator mode: endpoint=http://127.0.0.1:7080/;accesskey=<base64>" })
    .regex(/^endpoint=.+;accesskey=.+$/i, "expected endpoint=<url>;accesskey=<base64 key>"),
  /** The simulated clock shared with the simulator and the local host; unset means real time. */
  RINGMASTER_CLOCK: z
    .string()
    .regex(
      /^(real|virtual;start=[^;]+;speed=[\d.]+;realStart=\d+|discrete;start=[^;]+(;coordinator=127\.0\.0\.1:\d{1,5})?)$/,
      {
        error:
          'expected "real", "virtual;start=<ISO>;speed=<x>;realStart=<epoch ms>" or "discrete;start=<ISO>;coordinator=127.0.0.1:<port>" (npm start sets it)',
      },
    )
    .optional(),
  /**
   * Where HTTP health probes of non-loopback URLs are sent instead (`<relay>?url=<the probe's URL>`): the
   * simulator's `/_sim/probe` stands in for the outside world, so nothing leaves the machine. Unset: probes
   * go to their own URL.
   */
  RINGMASTER_PROBE_RELAY: optionalText.pipe(httpUrl("http://127.0.0.1:7080/_sim/probe").optional()),
});

const azureSettings = baseSettings.extend({
  RINGMASTER_MODE: z.literal("azure"),
  /** Communication Services endpoint; authenticated with the app's managed identity. */
  RINGMASTER_ACS_ENDPOINT: httpUrl("https://contoso-mail.europe.communication.azure.com"),
  /**
   * Resource Manager endpoint; unset means Azure public cloud. For a sovereign cloud, or the simulator over
   * TLS (test/e2e/package.test.ts). https only: the SDKs send bearer tokens over TLS alone.
   */
  RINGMASTER_ARM_ENDPOINT: optionalText.pipe(
    z
      .url({
        protocol: /^https$/,
        error: "expected an https URL such as https://management.usgovcloudapi.net",
      })
      .optional(),
  ),
  // Production polling faster than every 30 s burns the AKS operation-status bucket (200 burst, 2/s per subscription).
  RINGMASTER_LRO_POLL_SECONDS: z.coerce
    .number({ error: "expected a whole number of seconds, e.g. 30" })
    .int()
    .min(
      30,
      "must be at least 30 in azure mode: faster polling exhausts the AKS operation-status throttle bucket",
    )
    .default(30),
});

const settingsSchema = z.discriminatedUnion("RINGMASTER_MODE", [simulatorSettings, azureSettings], {
  error: 'expected "simulator" (local simulated Azure) or "azure" (real Azure with managed identity)',
});

export type Settings = z.infer<typeof settingsSchema>;

/** Reads and validates settings from an environment map; throws one error listing every bad setting. */
export function parseSettings(env: Record<string, string | undefined>): Settings {
  const result = settingsSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.join(".") : "settings";
    const setting = typeof issue.path[0] === "string" ? issue.path[0] : "";
    // Never the raw value: a connection string's key must not reach a log or a terminal (see shared/redact.ts).
    return `${name}: ${issue.message} (${describeSettingValue(setting, env[setting])})`;
  });
  throw new SettingsError(lines);
}

/** Base URL people use to act on emails and the API: the configured one, else the app's own host name. */
export function publicBaseUrlOf(settings: Settings): string {
  return settings.RINGMASTER_PUBLIC_BASE_URL ?? `http://${settings.WEBSITE_HOSTNAME ?? "localhost:7071"}`;
}

let cached: Settings | undefined;

/**
 * Settings that bindings reference as `%NAME%` and that have a default. The app writes the default into its
 * environment when unset, so the reference resolves to the same value the app validated (the README calls
 * them optional); triggers should still prefer the validated literal (functions/schedules.ts does).
 */
const REFERENCED_WITH_DEFAULT = [
  "RINGMASTER_NODE_IMAGE_SCHEDULE",
  "RINGMASTER_RECONCILE_SCHEDULE",
  "RINGMASTER_EVENTHUB_NAME",
  "RINGMASTER_AUDIT_EVENTHUB_NAME",
  "TASKHUB_NAME",
] as const satisfies readonly (keyof Settings)[];

export function exportDefaults(env: Record<string, string | undefined>, settings: Settings): void {
  for (const name of REFERENCED_WITH_DEFAULT) {
    if (!env[name]?.trim()) env[name] = String(settings[name]);
  }
}

/** Settings of this process, parsed on first use and kept: settings never change while the app runs. */
export function getSettings(): Settings {
  if (!cached) {
    cached = parseSettings(process.env);
    exportDefaults(process.env, cached);
  }
  return cached;
}
