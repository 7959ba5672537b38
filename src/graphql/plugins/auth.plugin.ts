import type { ApolloServerPlugin } from '@apollo/server';
import type { Operation } from '../../services/access/access.service';
import type { GraphqlContext } from '../context';

/** The operation a root field performs: every Mutation field writes the catalog. */
function operationOf(parentTypeName: string): Operation {
  return parentTypeName === 'Mutation' ? 'catalog:write' : 'search';
}

/**
 * Enforces API-key access per root field, in one place instead of in each resolver: the key was
 * authenticated once, when the context was built; here each root field asks the access policy
 * whether that principal may run it. A refused field fails alone with UNAUTHENTICATED or
 * FORBIDDEN (thrown before its resolver runs, so nothing is read or written); its siblings run.
 * Introspection (`__schema`, `__type`, `__typename`) never reaches willResolveField.
 * A 401 response carries `WWW-Authenticate: Bearer` (RFC 6750).
 */
export function authPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {
            willResolveField({ info, contextValue }) {
              if (info.path.prev !== undefined) return;
              const { access } = contextValue.services;
              access.authorise(contextValue.principal, operationOf(info.parentType.name));
            },
          };
        },
        async willSendResponse({ response }) {
          if (response.http.status === 401) {
            response.http.headers.set('www-authenticate', 'Bearer realm="product-search"');
          }
        },
      };
    },
  };
}
