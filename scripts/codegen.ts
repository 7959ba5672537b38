import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * API types generated from schema.graphql, the source of truth: `npm run codegen` writes
 * src/graphql/generated/resolvers-types.ts, `npm run codegen:check` fails when it is stale.
 * Paths are relative to the repository root (npm runs scripts there); mapper and context paths
 * are relative to the generated file.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  overwrite: true,
  generates: {
    'src/graphql/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        contextType: '../context#GraphqlContext',
        // Parent types are what the resolvers really hand down, not the GraphQL shapes.
        mappers: {
          Product: '../../domain/product#Product as DomainProduct',
          ProductImage: '../../domain/product#ProductImage as DomainProductImage',
          SearchHit: '../resolvers/parent-types#LoadedHit',
        },
        scalars: {
          // GraphQLUpload resolves an argument to the promise of graphql-upload-ts's file.
          Upload: {
            input: "Promise<import('graphql-upload-ts').FileUpload>",
            output: 'never',
          },
          // DateTimeISO parses input into a Date; the domain keeps ISO 8601 strings.
          DateTime: { input: 'Date', output: 'string' },
        },
        // No index signature: Apollo Server accepts the map as is, and a misspelt type fails tsc.
        useIndexSignature: false,
        enumsAsTypes: true,
        useTypeImports: true,
        immutableTypes: true,
        // graphql-js turns an Error value into a field error at its own path; DataLoader's
        // loadMany returns one per failed key, so a list entry may be an Error.
        resolverTypeWrapperSignature: 'Promise<T> | T | Error',
      },
    },
  },
};

export default config;
