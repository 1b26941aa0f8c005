export { normalizeBatch, normalizeBody, normalizeText } from "./normalize.js";
export type { NormalizeOptions } from "./normalize.js";
export { EventKind, DomainEventSchema } from "./domain-event.js";
export type { AcceptedEvent, DomainEvent, EventOf, NodePoolRollingEvent } from "./domain-event.js";
export { SIZE_LIMITS } from "./limits.js";
export { parseMoney } from "./currency.js";
