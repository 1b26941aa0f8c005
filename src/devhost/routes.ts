/**
 * HTTP trigger route templates as the Functions host reads them: literal segments, `{name}`, optional
 * `{name?}`, constrained `{id:int}` / `{x:alpha}` / `{g:guid}`, and a trailing catch-all `{*rest}`.
 * Literal segments match case-insensitively, as ASP.NET routing does.
 */
export interface CompiledRoute {
  readonly template: string;
  match(path: string): Record<string, string> | undefined;
  /** More literal segments first, so `/rollouts/summary` wins over `/rollouts/{id}`. */
  readonly specificity: number;
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  alpha: /^[A-Za-z]+$/,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
  decimal: /^-?\d+(\.\d+)?$/,
  double: /^-?\d+(\.\d+)?$/,
};

export function compileRoute(template: string): CompiledRoute {
  const segments = template.split("/").filter(Boolean);
  const literals = segments.filter((s) => !s.startsWith("{")).length;
  return {
    template,
    specificity: literals * 100 + segments.length,
    match(path: string) {
      const parts = path.split("/").filter(Boolean).map(safeDecode);
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i]!;
        const part = parts[i];
        const param = /^\{(\*)?([A-Za-z_][\w]*)(?::(\w+))?(\?)?\}$/.exec(seg);
        if (!param) {
          if (part === undefined || part.toLowerCase() !== seg.toLowerCase()) return undefined;
          continue;
        }
        const [, catchAll, name = "", constraint, optional] = param;
        if (catchAll) {
          params[name] = parts.slice(i).join("/");
          return params;
        }
        if (part === undefined) {
          if (optional) continue;
          return undefined;
        }
        if (constraint && CONSTRAINTS[constraint] && !CONSTRAINTS[constraint].test(part)) return undefined;
        params[name] = part;
      }
      return parts.length <= segments.length ? params : undefined;
    },
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
