/**
 * The simulator's own version arithmetic. Deliberately separate from src/domain: the simulator is the
 * oracle that checks Ringmaster, so it must not share (and inherit bugs from) Ringmaster's logic.
 */
export type Triple = [number, number, number];

export function triple(v: string): Triple {
  const [a = "0", b = "0", c = "0"] = v.replace(/^v/, "").split(".");
  return [Number(a), Number(b), Number(c)];
}

export function cmp(a: string, b: string): number {
  const x = triple(a);
  const y = triple(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

export const minor = (v: string) => triple(v).slice(0, 2).join(".");
export const minorNumber = (v: string) => triple(v)[1];
