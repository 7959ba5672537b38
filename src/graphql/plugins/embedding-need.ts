/**
 * How many photos and texts one operation will ask the model to embed, counted from the
 * document and its variables before anything runs (the per-operation embedding budget and the
 * admission reservation both start from it).
 *
 * Every non-null value whose input type is the `Upload` scalar is one photo (a search photo,
 * each of a product's photos); the arguments listed in TEXT_INPUTS are one text each. The count
 * is an upper bound: cache hits and fields merged by GraphQL need less, never more.
 */
import type {
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
} from 'graphql';

export interface EmbeddingNeed {
  readonly images: number;
  readonly texts: number;
}

/** Input positions (Type.field.argument or InputType.field) whose string is embedded as text. */
const TEXT_INPUTS: ReadonlySet<string> = new Set(['Query.similarImages.text', 'ExampleInput.text']);
/**
 * Input positions whose string is a photo URL the service fetches and embeds: one photo each.
 * (A stored product as an example, and Product.similar, embed nothing: their vectors are read.)
 */
const PHOTO_URL_INPUTS: ReadonlySet<string> = new Set([
  'PhotoInput.url',
  'Query.similarImages.imageUrl',
  'ExampleInput.url',
]);
const UPLOAD_SCALAR = 'Upload';

type Variables = Readonly<Record<string, unknown>>;

interface Counter {
  images: number;
  texts: number;
}

interface Walk {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Variables;
  readonly counter: Counter;
}

/** The need of `operation` (of `document`) with these variables. */
export function embeddingNeed(args: {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly variables: Variables | undefined;
}): EmbeddingNeed {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of args.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const root = args.schema.getRootType(args.operation.operation);
  const counter: Counter = { images: 0, texts: 0 };
  if (root !== null && root !== undefined) {
    const walk: Walk = {
      schema: args.schema,
      fragments,
      variables: args.variables ?? {},
      counter,
    };
    walkSelections(walk, args.operation.selectionSet, root, new Set());
  }
  return { images: counter.images, texts: counter.texts };
}

/** @skip(if: true) or @include(if: false), literal or from a variable. */
function skipped(walk: Walk, node: { readonly directives?: readonly DirectiveNode[] }): boolean {
  for (const directive of node.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    if (arg === undefined) continue;
    const value =
      arg.value.kind === Kind.VARIABLE
        ? walk.variables[arg.value.name.value]
        : arg.value.kind === Kind.BOOLEAN
          ? arg.value.value
          : undefined;
    if (name === 'skip' && value === true) return true;
    if (name === 'include' && value === false) return true;
  }
  return false;
}

function walkSelections(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  visiting: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (skipped(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (field === undefined) continue; // __typename and the like
      for (const argument of selection.arguments ?? []) {
        const definition = field.args.find((a) => a.name === argument.name.value);
        if (definition === undefined) continue;
        const position = `${parent.name}.${field.name}.${definition.name}`;
        countNode(walk, argument.value, definition.type, position);
      }
      if (selection.selectionSet !== undefined) {
        walkSelections(walk, selection.selectionSet, getNamedType(field.type), visiting);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      const type = condition === undefined ? parent : walk.schema.getType(condition);
      if (type !== undefined && type !== null) {
        walkSelections(walk, selection.selectionSet, type, visiting);
      }
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      // Validation refuses cycles; the guard keeps this walk finite even without it.
      if (fragment === undefined || visiting.has(name)) continue;
      const type = walk.schema.getType(fragment.typeCondition.name.value);
      if (type === undefined || type === null) continue;
      visiting.add(name);
      walkSelections(walk, fragment.selectionSet, type, visiting);
      visiting.delete(name);
    }
  }
}

function unwrapNonNull(type: GraphQLInputType): GraphQLInputType {
  return isNonNullType(type) ? (type.ofType as GraphQLInputType) : type;
}

/** Counts a literal (or a variable inside a literal) at one input position. */
function countNode(walk: Walk, node: ValueNode, declared: GraphQLInputType, position: string) {
  if (node.kind === Kind.VARIABLE) {
    countValue(walk, walk.variables[node.name.value], declared, position);
    return;
  }
  if (node.kind === Kind.NULL) return;
  const type = unwrapNonNull(declared);
  if (isListType(type)) {
    const items = node.kind === Kind.LIST ? node.values : [node];
    for (const item of items) countNode(walk, item, type.ofType as GraphQLInputType, position);
    return;
  }
  if (isInputObjectType(type)) {
    if (node.kind !== Kind.OBJECT) return;
    const fields = type.getFields();
    for (const field of node.fields) {
      const definition = fields[field.name.value];
      if (definition === undefined) continue;
      countNode(walk, field.value, definition.type, `${type.name}.${definition.name}`);
    }
    return;
  }
  countLeaf(walk, type, position);
}

/** Counts a variable's value (what the client sent, uploads already in place). */
function countValue(walk: Walk, value: unknown, declared: GraphQLInputType, position: string) {
  if (value === null || value === undefined) return;
  const type = unwrapNonNull(declared);
  if (isListType(type)) {
    const items: readonly unknown[] = Array.isArray(value) ? value : [value];
    for (const item of items) countValue(walk, item, type.ofType as GraphQLInputType, position);
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object') return;
    const fields = type.getFields();
    for (const [name, fieldValue] of Object.entries(value)) {
      const definition = fields[name];
      if (definition === undefined) continue;
      countValue(walk, fieldValue, definition.type, `${type.name}.${definition.name}`);
    }
    return;
  }
  countLeaf(walk, type, position);
}

function countLeaf(walk: Walk, type: GraphQLInputType, position: string): void {
  if (getNamedType(type).name === UPLOAD_SCALAR || PHOTO_URL_INPUTS.has(position)) {
    walk.counter.images += 1;
  } else if (TEXT_INPUTS.has(position)) walk.counter.texts += 1;
}
