import type { InteractionEvent, InteractionType } from '../../domain/interaction';
import { INTERACTION_TYPES, normaliseQueryKey } from '../../domain/interaction';
import { BadUserInputError } from '../../errors/app-error';

/** One event as the transport hands it over; absent, null and undefined mean "not given". */
export interface InteractionInput {
  readonly type: string;
  readonly productId: string;
  readonly query?: string | null;
  readonly sessionId?: string | null;
  readonly at?: Date | null;
}

/** What one batch may hold. */
export interface InteractionLimits {
  /** Most events in one recordInteractions call. */
  readonly maxBatch: number;
  /** How far in the future an event's time may be (client clocks drift), in milliseconds. */
  readonly maxClockSkewMs: number;
  /** Longest query text, in UTF-16 code units, before normalisation. */
  readonly maxQueryLength: number;
  /** Longest session id, in UTF-16 code units. */
  readonly maxSessionIdLength: number;
  /** Longest product id, in UTF-16 code units (longer ones cannot be catalog ids). */
  readonly maxProductIdLength: number;
}

function refuse(message: string, argument: string, details: Record<string, unknown>): never {
  throw new BadUserInputError(message, { argument, ...details });
}

function isType(value: string): value is InteractionType {
  return (INTERACTION_TYPES as readonly string[]).includes(value);
}

/**
 * The batch as events to store, or BadUserInputError for the first bad value (details name it:
 * `argument: 'events.3.at'`, `reason`). Checked before anything is read or written, in the
 * order the cheap checks come: size, then each event in order. Unknown products are checked
 * by the service afterwards (they need the index).
 */
export function toEvents(
  inputs: readonly InteractionInput[],
  limits: InteractionLimits,
  nowMs: number,
): InteractionEvent[] {
  if (inputs.length > limits.maxBatch) {
    refuse(`recordInteractions takes at most ${limits.maxBatch} events`, 'events', {
      reason: 'BATCH_TOO_LARGE',
      max: limits.maxBatch,
      count: inputs.length,
    });
  }
  return inputs.map((input, i) => toEvent(input, `events.${i}`, limits, nowMs));
}

function toEvent(
  input: InteractionInput,
  path: string,
  limits: InteractionLimits,
  nowMs: number,
): InteractionEvent {
  if (!isType(input.type)) {
    refuse(`unknown interaction type`, `${path}.type`, { reason: 'UNKNOWN_TYPE' });
  }
  const productId = input.productId;
  if (productId.length === 0 || productId.length > limits.maxProductIdLength) {
    refuse(
      `productId must have 1 to ${limits.maxProductIdLength} characters`,
      `${path}.productId`,
      {
        reason: 'BAD_PRODUCT_ID',
        max: limits.maxProductIdLength,
      },
    );
  }
  const query = input.query ?? undefined;
  if (query !== undefined && query.length > limits.maxQueryLength) {
    refuse(`query is longer than ${limits.maxQueryLength} characters`, `${path}.query`, {
      reason: 'QUERY_TOO_LONG',
      max: limits.maxQueryLength,
    });
  }
  const sessionId = input.sessionId ?? undefined;
  if (sessionId !== undefined && sessionId.length > limits.maxSessionIdLength) {
    refuse(
      `sessionId is longer than ${limits.maxSessionIdLength} characters`,
      `${path}.sessionId`,
      {
        reason: 'SESSION_ID_TOO_LONG',
        max: limits.maxSessionIdLength,
      },
    );
  }
  const atMs = input.at?.getTime() ?? nowMs;
  if (!Number.isFinite(atMs))
    refuse('at is not a valid time', `${path}.at`, { reason: 'BAD_TIME' });
  if (atMs > nowMs + limits.maxClockSkewMs) {
    refuse('at is in the future', `${path}.at`, {
      reason: 'FUTURE_TIMESTAMP',
      maxClockSkewMs: limits.maxClockSkewMs,
    });
  }
  const queryKey = query === undefined ? undefined : normaliseQueryKey(query);
  return {
    type: input.type,
    productId,
    // A blank query is no query: its key would be the empty string, which no search has.
    queryKey: queryKey === '' ? undefined : queryKey,
    sessionId,
    atMs,
  };
}
