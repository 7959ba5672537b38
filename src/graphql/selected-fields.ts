import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import { getNamedType, isObjectType } from 'graphql';
// graphql-js's own field collection (what execute() runs): fragments, inline fragments, aliases
// and @skip/@include are resolved exactly as execution will resolve them.
import { collectSubfields } from 'graphql/execution/collectFields';

/**
 * The names (not aliases) of the fields the operation selects on the field being resolved, so a
 * resolver can skip work nobody asked for.
 */
export function selectedFieldNames(info: GraphQLResolveInfo): Set<string> {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return new Set();
  const fields = collectSubfields(
    info.schema,
    info.fragments,
    info.variableValues,
    type as GraphQLObjectType,
    info.fieldNodes,
  );
  return new Set([...fields.values()].flatMap((nodes) => nodes.map((node) => node.name.value)));
}
