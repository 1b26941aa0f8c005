/** What every push envelope (Event Grid schema or CloudEvents 1.0) has in common once it is read. */
export interface EnvelopeView {
  readonly schema: "EventGrid" | "CloudEvents";
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly subject: string | undefined;
  /** Event Grid `topic` or CloudEvents `source`: for AKS events, the managed cluster's ARM id. */
  readonly source: string | undefined;
  readonly data: unknown;
}

export type EnvelopeResult = { ok: true; view: EnvelopeView } | { ok: false; reason: string; type?: string };
