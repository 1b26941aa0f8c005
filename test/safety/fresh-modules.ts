import * as module from "node:module";

/**
 * Module resolution hooks of a safety worker (child.ts): a module under `root` (the compiled app and the
 * safety net, dist/) imported by a module of generation N is generation N too — its URL carries
 * `?ringmaster-gen=N`, so ES modules, which load once per URL, load afresh for each generation. A worker
 * imports each scenario's entry as a new generation, so every module of the app starts as in a new
 * process, while the packages under node_modules (most of the loading and JIT warm-up) stay loaded.
 */
export const GENERATION = "ringmaster-gen";
const MARK = `?${GENERATION}=`;

interface Resolved {
  readonly url: string;
}
interface ResolveContext {
  readonly parentURL?: string | undefined;
  readonly conditions?: readonly string[];
  readonly importAttributes?: Record<string, string>;
}

/** The generation a module's URL carries, and its URL without it. */
function generationOf(url: string | undefined): { generation: string; base: string } | undefined {
  const at = url?.lastIndexOf(MARK) ?? -1;
  return at < 0 ? undefined : { generation: url!.slice(at + MARK.length), base: url!.slice(0, at) };
}

/** `resolved` as the generation of its importer, when it is one of ours. */
function inGeneration<R extends Resolved>(resolved: R, generation: string, root: string): R {
  if (!resolved.url.startsWith(root) || resolved.url.includes("/node_modules/")) return resolved;
  const url = new URL(resolved.url);
  url.searchParams.set(GENERATION, generation);
  return { ...resolved, url: url.href };
}

/**
 * Installs the hooks in this process: in its own thread where `registerHooks` (Node ≥ 22.15) is missing,
 * through this very file (`initialize` and `resolve` below).
 */
export function freshModulesUnder(root: string, self: URL): void {
  if (typeof module.registerHooks !== "function") {
    module.register(self, { data: { root } });
    return;
  }
  // Each generation asks the same questions from new URLs; the answers do not change while dist/ does not.
  const answers = new Map<string, module.ResolveFnOutput>();
  module.registerHooks({
    resolve(specifier, context, next) {
      const parent = generationOf(context.parentURL);
      if (!parent) return next(specifier, context);
      const key = [
        parent.base,
        specifier,
        context.conditions.join(),
        JSON.stringify(context.importAttributes),
      ].join("\n");
      const known = answers.get(key);
      if (known) return inGeneration({ ...known, shortCircuit: true }, parent.generation, root);
      const resolved = next(specifier, context);
      answers.set(key, resolved);
      return inGeneration(resolved, parent.generation, root);
    },
  });
}

let hookRoot = "";

export function initialize(data: { root: string }): void {
  hookRoot = data.root;
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: (specifier: string, context: ResolveContext) => Promise<Resolved>,
): Promise<Resolved> {
  const resolved = await next(specifier, context);
  const parent = generationOf(context.parentURL);
  return parent ? inGeneration(resolved, parent.generation, hookRoot) : resolved;
}
