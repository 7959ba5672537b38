/** The static count behind the embedding budget and admission: photos and texts per operation. */
import { buildSchema, getOperationAST, parse } from 'graphql';
import { embeddingNeed } from '../../../src/graphql/plugins/embedding-need';
import { loadTypeDefs } from '../../../src/graphql/schema';

const schema = buildSchema(loadTypeDefs());
const upload = { promise: Promise.resolve() }; // any non-null value stands for an upload

function need(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (operation === null || operation === undefined) throw new Error('no operation');
  return embeddingNeed({ schema, document, operation, variables });
}

const FIELDS = '{ pageInfo { hasNextPage } }';

describe('embeddingNeed', () => {
  it('counts a text search, a photo search and both, alias by alias', () => {
    expect(need(`{ similarImages(text: "red") ${FIELDS} }`)).toEqual({ images: 0, texts: 1 });
    expect(
      need(
        `query($i: Upload) { a: similarImages(image: $i) ${FIELDS} b: similarImages(image: $i, text: "x") ${FIELDS} }`,
        {
          i: upload,
        },
      ),
    ).toEqual({ images: 2, texts: 1 });
  });

  it('counts photos given by URL (fetched and embedded) as well as uploaded ones', () => {
    const query = `mutation($inputs: [ProductInput!]!) { indexProducts(inputs: $inputs) { id } }`;
    const product = (photos: unknown[]) => ({
      id: 'p',
      title: 't',
      category: 'c',
      price: 1,
      currency: 'USD',
      photos,
    });
    expect(
      need(query, {
        inputs: [
          product([{ url: 'https://img.example.com/a.jpg' }, { upload }]),
          product([{ url: 'https://img.example.com/b.jpg' }, { url: null, upload }]),
        ],
      }),
    ).toEqual({ images: 4, texts: 0 });
    expect(
      need(
        `mutation { addProductPhotos(id: "p", photos: [{ url: "https://x.test/a.jpg" }]) { id } }`,
      ),
    ).toEqual({ images: 1, texts: 0 });
  });

  it('counts imageUrl and example photos and texts; stored products and Product.similar are free', () => {
    expect(need(`{ similarImages(imageUrl: "https://x.test/a.jpg") ${FIELDS} }`)).toEqual({
      images: 1,
      texts: 0,
    });
    const recommend = `query($r: RecommendInput) { similarImages(recommend: $r) ${FIELDS} }`;
    expect(
      need(recommend, {
        r: {
          positive: [
            { url: 'https://x.test/a.jpg' },
            { upload },
            { text: 'red' },
            { product: { productId: 'p' } },
          ],
          negative: [{ text: 'blue' }, { product: { productId: 'q', imageId: 'q#0' } }],
        },
      }),
    ).toEqual({ images: 2, texts: 2 });
    expect(
      need(
        `{ similarImages(recommend: { positive: [{ text: "a" }, { url: "https://x.test/b.jpg" }] }) ${FIELDS} }`,
      ),
    ).toEqual({ images: 1, texts: 1 });
    expect(
      need(
        `{ similarImages(similarTo: [{ productId: "p" }]) ${FIELDS} product(id: "p") { similar(first: 4) ${FIELDS} } }`,
      ),
    ).toEqual({ images: 0, texts: 0 });
  });

  it('does not count null or absent arguments', () => {
    expect(
      need(`query($i: Upload, $t: String) { similarImages(image: $i, text: $t) ${FIELDS} }`, {
        t: null,
      }),
    ).toEqual({ images: 0, texts: 0 });
    expect(need(`{ similarImages(text: null) ${FIELDS} }`)).toEqual({ images: 0, texts: 0 });
  });

  it("counts a product's photos from a variable or from a literal list of variables", () => {
    const mutation = 'mutation($input: ProductInput!) { indexProduct(input: $input) { id } }';
    expect(need(mutation, { input: { id: 'p', images: [upload, upload, upload] } })).toEqual({
      images: 3,
      texts: 0,
    });
    expect(
      need(
        'mutation($a: Upload!, $b: Upload!) { indexProduct(input: { id: "p", title: "t", category: "c", price: 1, currency: "USD", images: [$a, $b] }) { id } }',
        { a: upload, b: upload },
      ),
    ).toEqual({ images: 2, texts: 0 });
  });

  it('follows fragments and inline fragments, and honours @skip and @include', () => {
    const query = `
      query($skip: Boolean!) {
        ...Searches
        ... on Query { c: similarImages(text: "c") ${FIELDS} }
        d: similarImages(text: "d") @skip(if: $skip) ${FIELDS}
        e: similarImages(text: "e") @include(if: false) ${FIELDS}
      }
      fragment Searches on Query { a: similarImages(text: "a") ${FIELDS} b: similarImages(text: "b") ${FIELDS} }`;
    expect(need(query, { skip: true })).toEqual({ images: 0, texts: 3 });
    expect(need(query, { skip: false })).toEqual({ images: 0, texts: 4 });
  });

  it('counts nothing for reads, deletes and introspection', () => {
    expect(
      need(
        '{ __typename product(id: "a") { id } products(ids: ["a"]) { id } __schema { queryType { name } } }',
      ),
    ).toEqual({ images: 0, texts: 0 });
    expect(need('mutation { deleteProduct(id: "a") { id } }')).toEqual({ images: 0, texts: 0 });
  });
});
