import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { z } from "zod";

/**
 * What the host reads from the app directory before loading it: package.json `main`, host.json and
 * local.settings.json. Only the fields the local host acts on are validated; the rest pass through.
 */
const HostJsonSchema = z.looseObject({
  version: z.string().optional(),
  functionTimeout: z.string().optional(),
  extensions: z
    .looseObject({
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
      durableTask: z
        .looseObject({
          hubName: z.string().optional(),
          maxConcurrentActivityFunctions: z.number().int().positive().optional(),
          maxConcurrentOrchestratorFunctions: z.number().int().positive().optional(),
          defaultVersion: z.string().optional(),
          // The backend; durable/limits.ts reads its type to pick Azure's limits.
          storageProvider: z.looseObject({ type: z.string().optional() }).optional(),
        })
        .optional(),
      eventHubs: z
        .looseObject({
          maxEventBatchSize: z.number().int().positive().optional(),
          batchCheckpointFrequency: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type HostJson = z.infer<typeof HostJsonSchema>;

const LocalSettingsSchema = z.looseObject({
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  Host: z.looseObject({ LocalHttpPort: z.number().int().optional() }).optional(),
});

export interface AppConfig {
  readonly appDir: string;
  readonly main: string;
  readonly hostJson: HostJson;
  readonly settings: Readonly<Record<string, string>>;
  readonly localHttpPort: number | undefined;
  readonly routePrefix: string;
  readonly hubName: string;
  /** undefined only for "-1" (no limit); absent means the Flex Consumption default, 30 minutes. */
  readonly functionTimeoutMs: number | undefined;
  /** host.json `extensions.durableTask.storageProvider.type`, before any app-setting override. */
  readonly storageProviderType: string | undefined;
}

/** Flex Consumption's default `functionTimeout` (research/limits-fleet-infra.md §1); it has no maximum. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60 * 1000;

export class AppConfigError extends Error {
  override readonly name = "AppConfigError";
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (error) {
    throw new AppConfigError(
      `Devhost: cannot read ${what} (${path}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** "00:05:00" or "1.00:00:00" (TimeSpan) to ms; "-1" means no limit. */
export function parseTimeSpan(text: string | undefined): number | undefined {
  if (text === undefined || text === "-1") return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (!m)
    throw new AppConfigError(
      `Devhost: host.json functionTimeout "${text}" is not a TimeSpan such as "00:10:00"`,
    );
  return ((Number(m[1] ?? 0) * 24 + Number(m[2])) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

export function readAppConfig(appDir: string): AppConfig {
  const pkg = readJson(join(appDir, "package.json"), "package.json") as { main?: unknown };
  if (typeof pkg.main !== "string" || pkg.main === "") {
    throw new AppConfigError(
      `Devhost: ${join(appDir, "package.json")} has no "main": the v4 model finds entry files through it (e.g. "dist/functions/*.js")`,
    );
  }
  const hostPath = join(appDir, "host.json");
  const hostParsed = HostJsonSchema.safeParse(existsSync(hostPath) ? readJson(hostPath, "host.json") : {});
  if (!hostParsed.success)
    throw new AppConfigError(
      `Devhost: host.json: ${hostParsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const settingsPath = join(appDir, "local.settings.json");
  const local = LocalSettingsSchema.safeParse(
    existsSync(settingsPath) ? readJson(settingsPath, "local.settings.json") : {},
  );
  if (!local.success)
    throw new AppConfigError(
      `Devhost: local.settings.json: ${local.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const settings = Object.fromEntries(
    Object.entries(local.data.Values ?? {}).map(([k, v]) => [k, String(v)]),
  );
  const hostJson = hostParsed.data;
  const hub = hostJson.extensions?.durableTask?.hubName ?? "TestHubName";
  return {
    appDir,
    main: pkg.main,
    hostJson,
    settings,
    localHttpPort: local.data.Host?.LocalHttpPort,
    routePrefix: hostJson.extensions?.http?.routePrefix ?? "api",
    hubName: hub,
    functionTimeoutMs:
      hostJson.functionTimeout === undefined
        ? DEFAULT_FUNCTION_TIMEOUT_MS
        : parseTimeSpan(hostJson.functionTimeout),
    storageProviderType: hostJson.extensions?.durableTask?.storageProvider?.type,
  };
}

/** `%NAME%` app-setting references in binding properties and host.json, resolved as the Functions host does. */
export function resolveSettingRefs(value: string, env: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/%([^%]+)%/g, (whole, name: string) => env[name] ?? whole);
}

/** Durable Functions 3.x speaks the JSON out-of-proc protocol this engine emulates; 4.x speaks gRPC. */
export function checkDurableFunctionsMajor(appDir: string): string | undefined {
  let version: string;
  try {
    const req = createRequire(join(appDir, "package.json"));
    version = (req("durable-functions/package.json") as { version: string }).version;
  } catch {
    return undefined;
  }
  if (!version.startsWith("3.")) {
    throw new AppConfigError(
      `Devhost: durable-functions ${version} is installed, but this host runs durable-functions 3.x only (4.x uses the gRPC protocol). Install "durable-functions@^3".`,
    );
  }
  return version;
}
