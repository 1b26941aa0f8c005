/**
 * `.funcignore`, as Core Tools' `func pack` reads it: gitignore syntax, one pattern a line, `#` comments.
 * Supported: `*`, `**`, `?`, a leading `/` (anchored at the app root), a trailing `/` (directories only),
 * patterns without a `/` matching at any depth, and `!` re-including what an earlier line excluded.
 */
interface Rule {
  readonly negate: boolean;
  readonly dirOnly: boolean;
  readonly pattern: RegExp;
}

function globToRegExp(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      // `**/` is zero or more directories; a trailing `**` is everything below.
      if (glob[i + 2] === "/") {
        out += "(?:.*/)?";
        i += 2;
      } else {
        out += ".*";
        i += 1;
      }
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

export function parseFuncignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith("/");
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.startsWith("/") || line.slice(0, -1).includes("/");
    line = line.replace(/^\//, "");
    const body = globToRegExp(line);
    rules.push({ negate, dirOnly, pattern: new RegExp(`^${anchored ? "" : "(?:.*/)?"}${body}$`) });
  }
  return rules;
}

/**
 * Whether a path (relative to the app root, `/`-separated) is excluded. As in git, a file below an excluded
 * directory stays excluded; the last matching rule wins.
 */
export function isIgnored(rules: readonly Rule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDirectory) continue;
    if (rule.pattern.test(path)) ignored = !rule.negate;
  }
  return ignored;
}
