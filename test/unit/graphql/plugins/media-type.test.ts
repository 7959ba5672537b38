import { prefersGraphqlResponseJson } from '../../../../src/graphql/plugins/media-type';

describe('prefersGraphqlResponseJson', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['application/graphql-response+json', true],
    ['application/graphql-response+json, application/json', true],
    ['application/json, application/graphql-response+json', false],
    ['application/json;q=0.9, application/graphql-response+json', true],
    ['application/graphql-response+json;q=0.5, application/json', false],
    ['application/graphql-response+json, */*;q=0.1', true],
    ['application/*, application/graphql-response+json;q=0', false],
    ['Application/GraphQL-Response+JSON; charset=utf-8', true],
    ['text/html', false],
  ])('%s -> %s', (accept, expected) => {
    expect(prefersGraphqlResponseJson(accept)).toBe(expected);
  });
});
