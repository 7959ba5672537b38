/**
 * The per-operation embedding budget and fair admission to the embedding queues.
 *
 * Before an operation runs, its need (photos + texts, counted from the document and variables:
 * embedding-need.ts) is checked against the budget (over it: QUERY_LIMIT_EXCEEDED, 400) and then
 * reserved whole from the gate, whose slots are the embedder's queue (EMBED_MAX_QUEUE per kind).
 * A need that does not fit is shed as a whole with OVERLOADED (503 + Retry-After under either
 * media type) before any upload is read or photo decoded; an admitted operation holds its slots
 * until its response is sent, so the queue below never refuses it half-way and its partial
 * results are never thrown away for lack of room. One request can therefore never take more
 * than its budget of the queue, and a shopper's search after a big request still fits.
 */
import type { ApolloServerPlugin, BaseContext, HeaderMap as HeaderMapType } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import { getVariableValues, GraphQLError } from 'graphql';
import { OverloadedError, QueryLimitExceededError } from '../../errors/app-error';
import type { AppError } from '../../errors/app-error';
import { statusOf } from '../../errors/error-codes';
import type { EmbeddingNeed } from './embedding-need';
import { embeddingNeed } from './embedding-need';

/** Slots per kind shared by every running operation; reservations are all-or-nothing. */
export class AdmissionGate {
  private images = 0;
  private texts = 0;

  constructor(private readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) {
      throw new TypeError(`AdmissionGate: slots must be a positive integer, got ${slots}`);
    }
  }

  /** Reserves the whole need and returns its release, or returns undefined when it does not fit. */
  tryReserve(need: EmbeddingNeed): (() => void) | undefined {
    if (this.images + need.images > this.slots || this.texts + need.texts > this.slots) {
      return undefined;
    }
    this.images += need.images;
    this.texts += need.texts;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.images -= need.images;
      this.texts -= need.texts;
    };
  }
}

export interface EmbeddingAdmissionOptions<TContext> {
  /** Photos + texts one operation may ask for (GRAPHQL_MAX_EMBEDDINGS). */
  readonly maxEmbeddings: number;
  readonly gate: AdmissionGate;
  /**
   * False when nothing of the operation can run for this caller (every root field would be
   * refused by the access checks): it then reserves nothing and is not measured against the
   * budget, so it hears its own code (UNAUTHENTICATED, FORBIDDEN) instead of OVERLOADED, and a
   * caller without a key can never hold the embedding queue's slots.
   */
  readonly mayRun?: (context: TContext, operation: OperationDefinitionNode) => boolean;
}

/**
 * A GraphQLError Apollo answers with this HTTP status (and Retry-After for 503s) whichever
 * media type the client takes: nothing ran, like a validation failure. The AppError inside is
 * what toClientError shows (code and details).
 */
function refusal(error: AppError): GraphQLError {
  const { status, retryAfterSeconds } = statusOf(error.code);
  const headers: HeaderMapType = new HeaderMap();
  if (retryAfterSeconds !== undefined) headers.set('retry-after', String(retryAfterSeconds));
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { http: { status, headers } },
  });
}

export function embeddingAdmissionPlugin<TContext extends BaseContext>(
  options: EmbeddingAdmissionOptions<TContext>,
): ApolloServerPlugin<TContext> {
  const { maxEmbeddings, gate, mayRun } = options;
  return {
    async requestDidStart() {
      let release: (() => void) | undefined;
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (operation === undefined) return;
          if (mayRun !== undefined && !mayRun(contextValue, operation)) return;
          const need = embeddingNeed({ schema, document, operation, variables: request.variables });
          const total = need.images + need.texts;
          if (total === 0) return;
          // Variables that do not coerce (a JSON string for an Upload, a wrong type) fail at
          // execution with BAD_USER_INPUT naming them; nothing would be embedded, so such an
          // operation is never refused here: under load the caller hears its own mistake, not
          // OVERLOADED. Checked only on the way to a refusal (coercing a bulk write's
          // variables twice cost every admitted one about a tenth of a millisecond per product).
          const refuse = (error: AppError): void => {
            const coerced = getVariableValues(
              schema,
              operation.variableDefinitions ?? [],
              request.variables ?? {},
              { maxErrors: 1 },
            );
            if (coerced.errors === undefined) throw refusal(error);
          };
          if (total > maxEmbeddings) {
            refuse(
              new QueryLimitExceededError(
                `The operation asks for ${total} embeddings; at most ${maxEmbeddings} are allowed`,
                { limit: 'embeddings', max: maxEmbeddings, found: total, ...need },
              ),
            );
            return;
          }
          release = gate.tryReserve(need);
          if (release === undefined) {
            refuse(
              new OverloadedError('the embedding queue cannot take this operation, retry later', {
                reason: 'ADMISSION',
                ...need,
              }),
            );
          }
        },
        async willSendResponse() {
          release?.();
        },
      };
    },
  };
}
