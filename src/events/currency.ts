/**
 * Cost Management writes amounts as display strings: "$11,111.00", "$1111.11", "1111.32", "8000.0".
 * Parsing rules, chosen for the formats Azure emits and the common European variant:
 * - the symbol and any letters (currency codes) are ignored; the currency comes from `Unit` when present;
 * - when both "," and "." occur, the last one is the decimal separator and the other groups thousands;
 * - a lone separator followed by exactly three digits groups thousands ("1,234" is 1234), otherwise it is
 *   the decimal point ("12,5" is 12.5).
 */
export interface Money {
  readonly amount: number;
  readonly currency: string | undefined;
}

const SYMBOLS: Readonly<Record<string, string>> = {
  $: "USD",
  "€": "EUR",
  "£": "GBP",
  "¥": "JPY",
  "₹": "INR",
};

export function parseMoney(
  text: string | number | null | undefined,
  unit?: string | null,
): Money | undefined {
  if (text === null || text === undefined) return undefined;
  if (typeof text === "number")
    return Number.isFinite(text) ? { amount: text, currency: unit ?? undefined } : undefined;
  const raw = text.trim();
  const symbol = [...raw].find((ch) => ch in SYMBOLS);
  // "-$5.00", "$-5.00" and accounting-style "($5.00)" are all negative.
  const negative = /^\(.*\)$/.test(raw) || /^[^\d]*-/.test(raw);
  const digits = raw.replace(/[^\d.,]/g, "");
  if (!/\d/.test(digits)) return undefined;
  const amount = Number(normalizeSeparators(digits));
  if (!Number.isFinite(amount)) return undefined;
  return { amount: negative ? -amount : amount, currency: unit || (symbol ? SYMBOLS[symbol] : undefined) };
}

function normalizeSeparators(digits: string): string {
  const lastComma = digits.lastIndexOf(",");
  const lastDot = digits.lastIndexOf(".");
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? "," : ".";
    const group = decimal === "," ? /\./g : /,/g;
    return digits.replace(group, "").replace(",", ".");
  }
  const sep = lastComma >= 0 ? "," : lastDot >= 0 ? "." : undefined;
  if (!sep) return digits;
  const parts = digits.split(sep);
  const isGrouping = parts.length > 2 || (sep === "," && parts[parts.length - 1]?.length === 3);
  return isGrouping ? parts.join("") : parts.join(".");
}
