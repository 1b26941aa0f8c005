import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The ARM JSON the real Bicep CLI compiled from infra/ (infra/build.sh writes infra/.build/). CI builds it
 * before `npm test`; a local run rebuilds it when a .bicep file is newer. Without dotnet there is no
 * compiler, and the template tests fail with `skipReason` (what to install) instead of testing a stale or absent file.
 */
export const INFRA = join(import.meta.dirname, "../../infra");
const BUILD = join(INFRA, ".build");

export interface ArmResource {
  readonly type: string;
  readonly name: string;
  readonly existing?: boolean;
  readonly properties?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface ArmTemplate {
  readonly parameters?: Record<string, { defaultValue?: unknown; allowedValues?: unknown[] }>;
  readonly variables?: Record<string, unknown>;
  readonly resources: readonly ArmResource[];
}

/** A resource and the template that declares it (its variables resolve `[variables('x')]`). */
export interface Declared {
  readonly resource: ArmResource;
  readonly template: ArmTemplate;
}

export type Compiled =
  | { readonly main: ArmTemplate; readonly text: string; readonly skipReason?: undefined }
  | { readonly skipReason: string };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === ".build" || e.name === "obj" ? [] : sources(path);
    return e.name.endsWith(".bicep") || e.name.endsWith(".json") ? [path] : [];
  });
}

function isFresh(compiled: string): boolean {
  if (!existsSync(compiled)) return false;
  const built = statSync(compiled).mtimeMs;
  return sources(INFRA).every((f) => statSync(f).mtimeMs <= built);
}

let cached: Compiled | undefined;

export function compiledTemplate(): Compiled {
  if (cached) return cached;
  const main = join(BUILD, "main.json");
  if (!isFresh(main)) {
    if (spawnSync("dotnet", ["--version"], { stdio: "ignore" }).status !== 0) {
      cached = {
        skipReason:
          "dotnet is not installed: the Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64) cannot compile infra/; install the .NET SDK (.ci/run's machine has it) for the template tests",
      };
      return cached;
    }
    // A build that fails (a Bicep error or warning) throws here, so the tests fail instead of skipping.
    execFileSync(join(INFRA, "build.sh"), { stdio: "inherit" });
  }
  const text = sources(BUILD)
    .filter((f) => !relative(BUILD, f).startsWith("packages"))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
  cached = { main: JSON.parse(readFileSync(main, "utf8")) as ArmTemplate, text };
  return cached;
}

/** Every resource declared anywhere in the template, nested deployments (modules) included. */
export function allResources(template: ArmTemplate): Declared[] {
  return template.resources.flatMap((resource) => {
    const own: Declared[] = resource.existing ? [] : [{ resource, template }];
    const inner = (resource.properties as { template?: ArmTemplate } | undefined)?.template;
    return resource.type === "Microsoft.Resources/deployments" && inner
      ? [...own, ...allResources(inner)]
      : own;
  });
}

export function ofType(template: ArmTemplate, type: string): Declared[] {
  return allResources(template).filter((d) => d.resource.type.toLowerCase() === type.toLowerCase());
}

/** `[variables('name')]` resolved in the declaring template; any other value as is. */
export function resolveVariable(value: unknown, template: ArmTemplate): unknown {
  const m = typeof value === "string" ? /^\[variables\('([^']+)'\)\]$/.exec(value) : null;
  return m ? template.variables?.[m[1]!] : value;
}

/** The main template and every module's template inside it. */
export function allTemplates(template: ArmTemplate): ArmTemplate[] {
  return [
    template,
    ...ofType(template, "Microsoft.Resources/deployments").flatMap((d) => {
      const inner = (d.resource.properties as { template?: ArmTemplate } | undefined)?.template;
      return inner ? [inner] : [];
    }),
  ];
}

export interface ModuleDeployment {
  /** The parameter values main.bicep passes, as ARM expressions. */
  readonly parameters: Record<string, unknown>;
  readonly template: ArmTemplate;
}

/** A module of main.bicep by its deployment name (`name: 'api'`). */
export function moduleNamed(main: ArmTemplate, name: string): ModuleDeployment {
  const found = main.resources.filter((r) => r.type === "Microsoft.Resources/deployments" && r.name === name);
  if (found.length !== 1) throw new Error(`main.bicep has ${found.length} modules named ${name}, expected 1`);
  const props = found[0]!.properties as {
    parameters: Record<string, { value: unknown }>;
    template: ArmTemplate;
  };
  const parameters = Object.fromEntries(Object.entries(props.parameters).map(([k, v]) => [k, v.value]));
  return { parameters, template: props.template };
}

/** `{module, output}` when a value is another module's output (`identity.outputs.principalId`), else undefined. */
export function moduleOutputOf(value: unknown): { module: string; output: string } | undefined {
  const m =
    typeof value === "string"
      ? /'Microsoft\.Resources\/deployments', '([^']+)'\), '[^']+'\)\.outputs\.(\w+)\.value\]$/.exec(value)
      : null;
  return m ? { module: m[1]!, output: m[2]! } : undefined;
}

/** The role definition GUID of a role assignment (`subscriptionResourceId(…, variables('roles').x)` resolved). */
export function roleGuidOf(assignment: Declared): string | undefined {
  const id = (assignment.resource.properties as { roleDefinitionId?: unknown } | undefined)?.roleDefinitionId;
  if (typeof id !== "string") return undefined;
  const literal = /'Microsoft\.Authorization\/roleDefinitions', '([0-9a-f-]{36})'\)\]$/.exec(id);
  if (literal) return literal[1];
  const named = /'Microsoft\.Authorization\/roleDefinitions', variables\('(\w+)'\)\.(\w+)\)\]$/.exec(id);
  if (!named) return undefined;
  const table = assignment.template.variables?.[named[1]!] as Record<string, unknown> | undefined;
  const guid = table?.[named[2]!];
  return typeof guid === "string" ? guid : undefined;
}
