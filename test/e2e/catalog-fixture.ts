/**
 * The e2e catalog: one product per toy colour, with titles, categories, prices and tags chosen
 * so each filter removes a known set. Not a test file (no .test.ts): shared by the e2e suites.
 */
import type { ImageFormat } from '../helpers/images';
import { photoOf, solidImage } from '../helpers/images';
import type { FilePart } from '../helpers/multipart';
import type { TestServer } from '../helpers/test-server';

export interface CatalogProduct {
  readonly id: string;
  readonly colour: string;
  readonly title: string;
  readonly description: string;
  readonly category: 'shoes' | 'jackets' | 'bags';
  readonly price: number;
  readonly tags: readonly string[];
  readonly inStock: boolean;
}

const NOUNS = { shoes: 'running shoe', jackets: 'rain jacket', bags: 'canvas backpack' } as const;
const CATEGORIES = ['shoes', 'jackets', 'bags'] as const;
const COLOURS = [
  'red',
  'orange',
  'yellow',
  'green',
  'cyan',
  'blue',
  'purple',
  'pink',
  'brown',
  'white',
  'grey',
  'black',
] as const;

export const CATALOG: readonly CatalogProduct[] = COLOURS.map((colour, i) => {
  const category = CATEGORIES[i % 3] as CatalogProduct['category'];
  return {
    id: `sku-${colour}`,
    colour,
    title: `${colour[0]?.toUpperCase()}${colour.slice(1)} ${NOUNS[category]}`,
    description: `A ${colour} ${NOUNS[category]} for every day.`,
    category,
    price: 10 * (i + 1),
    tags: i % 2 === 0 ? ['sale', 'new'] : ['new'],
    inStock: i % 4 !== 3,
  };
});

export const INDEX_PRODUCT = `mutation Index($input: ProductInput!) {
  indexProduct(input: $input) {
    id title description category price currency tags inStock modelId createdAt updatedAt
    images { id position url filename contentSha256 width height }
  }
}`;

/** Sends indexProduct as a real multipart request with one file per image. */
export function indexProduct(
  server: TestServer,
  fields: Record<string, unknown> & { id: string },
  images: readonly FilePart[],
  imageUrls?: ReadonlyArray<string | null>,
) {
  const files: Record<string, FilePart> = {};
  images.forEach((file, i) => {
    files[`variables.input.images.${i}`] = file;
  });
  const input = { currency: 'USD', ...fields, images: [], ...(imageUrls ? { imageUrls } : {}) };
  return server.upload(INDEX_PRODUCT, { input }, files);
}

export async function imageFile(
  colour: string,
  kind: 'solid' | 'photo',
  format: ImageFormat = 'png',
): Promise<FilePart> {
  const bytes =
    kind === 'solid' ? await solidImage(colour, format) : await photoOf(colour, { format });
  return {
    bytes,
    filename: `${colour}.${format === 'jpeg' ? 'jpg' : 'png'}`,
    contentType: `image/${format}`,
  };
}

/** Indexes the whole catalog: a solid PNG plus a noisy JPEG photo per product. */
export async function indexCatalog(server: TestServer): Promise<void> {
  for (const product of CATALOG) {
    const { colour, ...fields } = product;
    const images = [
      await imageFile(colour, 'solid', 'png'),
      await imageFile(colour, 'photo', 'jpeg'),
    ];
    const response = await indexProduct(server, { ...fields, tags: [...fields.tags] }, images, [
      `https://cdn.example.test/${product.id}/0.png`,
    ]);
    if (response.body.errors !== undefined) {
      throw new Error(`indexing ${product.id} failed: ${JSON.stringify(response.body.errors)}`);
    }
  }
}
