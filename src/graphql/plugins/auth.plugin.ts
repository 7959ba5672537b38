import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLResolveInfo, OperationDefinitionNode } from 'graphql';
import { Kind } from 'graphql';
import type { Operation } from '../../services/access/access.service';
import type { GraphqlContext } from '../context';
import type { Resolvers } from '../generated/resolvers-types';

type RootResolver = (
  parent: unknown,
  args: unknown,
  context: GraphqlContext,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * Root fields whose operation is not their type's (every Mutation field `catalog:write`, every
 * Query field and Product.similar `search`), by type and field name: nearDuplicateProducts
 * reads, but it is a catalog team's tool over the whole catalog, not a shopper's search; and
 * storefronts report clicks with their own key, which must not be able to edit the catalog.
 */
const FIELD_OPERATIONS: Readonly<Record<string, Operation>> = Object.freeze({
  'Query.nearDuplicateProducts': 'catalog:write',
  'Mutation.recordInteractions': 'interactions:write',
});

function guard(
  typeName: string,
  fields: object | undefined,
  rootOperation: Operation,
): Record<string, RootResolver> {
  return Object.fromEntries(
    Object.entries(fields ?? {}).map(([name, resolver]: [string, unknown]) => {
      if (typeof resolver !== 'function') {
        throw new TypeError(`withAccessChecks: root field ${name} needs a resolver function`);
      }
      const resolve = resolver as RootResolver;
      const needed = FIELD_OPERATIONS[`${typeName}.${name}`] ?? rootOperation;
      const checked: RootResolver = (parent, args, context, info) => {
        context.services.access.authorise(context.principal, needed);
        return resolve(parent, args, context, info);
      };
      return [name, checked];
    }),
  );
}

/**
 * Enforces API-key access per root field, in one place instead of in each resolver: the key was
 * authenticated once, when the context was built; each root resolver first asks the access
 * policy whether that principal may run it (a Mutation field writes the catalog: it needs
 * `catalog:write`; a Query field is a search; FIELD_OPERATIONS names the exceptions). A
 * refused field fails alone with UNAUTHENTICATED or FORBIDDEN before its resolver runs, so nothing is read or written; its
 * siblings run. Introspection (`__schema`, `__type`, `__typename`) has no resolver here.
 * Only root resolvers are wrapped: nested fields keep graphql-js's fast default resolvers
 * (a plugin's willResolveField would wrap every field of every type).
 */
export function withAccessChecks(resolvers: Resolvers<GraphqlContext>): Resolvers<GraphqlContext> {
  return {
    ...resolvers,
    Query: guard('Query', resolvers.Query, 'search'),
    Mutation: guard('Mutation', resolvers.Mutation, 'catalog:write'),
    // Product.similar is a search wherever the product came from (a mutation's result too).
    Product: guard('Product', resolvers.Product, 'search'),
  } as Resolvers<GraphqlContext>;
}

/**
 * Whether any root field of `operation` passes the access checks for this context's principal
 * (the admission plugin reserves nothing for an operation of which nothing can run). A root
 * selection that is not a plain field (a fragment, introspection) counts as runnable.
 */
export function anyRootFieldAllowed(
  context: GraphqlContext,
  operation: OperationDefinitionNode,
): boolean {
  const typeName = operation.operation === 'mutation' ? 'Mutation' : 'Query';
  const rootOperation: Operation = typeName === 'Mutation' ? 'catalog:write' : 'search';
  return operation.selectionSet.selections.some((selection) => {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) return true;
    const needed = FIELD_OPERATIONS[`${typeName}.${selection.name.value}`] ?? rootOperation;
    try {
      context.services.access.authorise(context.principal, needed);
      return true;
    } catch {
      return false;
    }
  });
}

/** A 401 response carries `WWW-Authenticate: Bearer` (RFC 6750). */
export function authPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.http.status === 401) {
            response.http.headers.set('www-authenticate', 'Bearer realm="product-search"');
          }
        },
      };
    },
  };
}
