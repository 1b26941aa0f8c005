/**
 * The one HTML escaper: text placed in element content or in a quoted attribute of the emails
 * (templates.ts) and the plan page (plan-html.ts). The five characters are those OWASP lists for both
 * contexts; nothing else needs escaping in UTF-8 documents.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
