/**
 * The query limits, from graphql-armor's validation rules (depth, aliases, cost, directives)
 * and graphql-js's own token cap in the parser. Every refusal is QUERY_LIMIT_EXCEEDED (400)
 * with details naming the limit, its value and what the operation had, before anything runs.
 *
 * ApolloArmor builds the rules; its token plugin is switched off because it throws from `parsingDidStart`, which Apollo
 * Server 5 turns into an INTERNAL_SERVER_ERROR (500); graphql-js's `maxTokens` parse option
 * (contributed upstream by graphql-armor's authors) stops the parser at the same count with a
 * syntax error that client-error.ts maps to QUERY_LIMIT_EXCEEDED. Its field-suggestion masking
 * is left out on purpose: with introspection off there are no suggestions to leak anyway
 * (graphql-js suggests field names only from the schema the client already queried).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationContext, ValidationRule } from 'graphql';
import { GraphQLError } from 'graphql';
import { QueryLimitExceededError } from '../../errors/app-error';

/** The limits these rules enforce (GraphqlSettings satisfies it). */
export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxCost: number;
  readonly maxDirectives: number;
}

type LimitName = 'depth' | 'aliases' | 'cost' | 'directives';

// graphql-armor words every refusal "... limit of <max> exceeded, found <n>."
const FOUND = /found (\d+(?:\.\d+)?)/u;

const MESSAGES: Readonly<Record<LimitName, string>> = {
  depth: 'The operation nests fields deeper than',
  aliases: 'The operation has more aliases than',
  cost: 'The operation costs more than',
  directives: 'The operation has more directives than',
};

/** graphql-armor's onReject: reports our coded error instead of its own prose. */
function reporter(limit: LimitName, max: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const found = FOUND.exec(error.message);
    const details: Record<string, unknown> = { limit, max };
    if (found !== null) details.found = Number(found[1]);
    const coded = new QueryLimitExceededError(`${MESSAGES[limit]} ${max}`, details);
    // Apollo wraps validation errors (400 GRAPHQL_VALIDATION_FAILED) and keeps originalError,
    // which toClientError reads: the client sees QUERY_LIMIT_EXCEEDED with these details.
    context?.reportError(new GraphQLError(coded.message, { originalError: coded }));
  };
}

const callbacks = (limit: LimitName, max: number) => ({
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [reporter(limit, max)],
});

/** Validation rules for ApolloServer's `validationRules`. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const armor = new ApolloArmor({
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
    maxDepth: { n: limits.maxDepth, ...callbacks('depth', limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, ...callbacks('aliases', limits.maxAliases) },
    maxDirectives: { n: limits.maxDirectives, ...callbacks('directives', limits.maxDirectives) },
    costLimit: { maxCost: limits.maxCost, ...callbacks('cost', limits.maxCost) },
  });
  return armor.protect().validationRules;
}

/** ApolloServer's `parseOptions`: the parser stops at the token cap, before building any AST. */
export function queryParseOptions(limits: QueryLimits): { maxTokens: number } {
  return { maxTokens: limits.maxTokens };
}
