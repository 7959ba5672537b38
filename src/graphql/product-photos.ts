import type { AppError } from '../errors/app-error';
import { BadUserInputError, isAppError } from '../errors/app-error';
import type { PhotoInput, ProductInput } from '../services/indexing/product-input';
import type { PhotoRef, UploadValue } from './uploads';
import { readUpload } from './uploads';

/** PhotoInput as GraphQL hands it over. */
interface GraphqlPhoto {
  readonly upload?: UploadValue | null;
  readonly url?: string | null;
}

/** ProductInput as GraphQL hands it over. */
export interface GraphqlProductInput extends Omit<ProductInput, 'images'> {
  readonly images?: readonly UploadValue[] | null;
  readonly imageUrls?: ReadonlyArray<string | null> | null;
  readonly photos?: readonly GraphqlPhoto[] | null;
}

/**
 * Reads one upload; a failure (too large, aborted) becomes the photo's error rather than the
 * request's, so one bad file fails only its product. Always consumes the stream.
 */
async function readPhoto(value: UploadValue, maxBytes: number, photo: PhotoRef) {
  try {
    const file = await readUpload(value, maxBytes, photo);
    return { bytes: file.bytes, filename: file.filename } satisfies PhotoInput;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { error } satisfies PhotoInput;
  }
}

function refuse(field: string, problem: string): { error: AppError } {
  return {
    error: new BadUserInputError(`${field}: ${problem}`, {
      field,
      fields: [{ field, problem }],
    }),
  };
}

/** The photos of `photos: [PhotoInput!]`, each field named `photos.<i>`. */
export async function readPhotoInputs(
  photos: readonly GraphqlPhoto[],
  maxBytes: number,
  argument = 'photos',
): Promise<PhotoInput[]> {
  return Promise.all(
    photos.map(async (photo, i): Promise<PhotoInput> => {
      const field = `photos.${i}`;
      const hasUpload = photo.upload !== null && photo.upload !== undefined;
      const hasUrl = photo.url !== null && photo.url !== undefined;
      if (hasUpload) {
        const read = await readPhoto(photo.upload as UploadValue, maxBytes, {
          argument: `${argument}.upload`,
          index: i,
        });
        if (hasUrl) return { field, ...refuse(field, 'exactly one of upload and url') };
        return { field, ...read };
      }
      if (!hasUrl) return { field, ...refuse(field, 'exactly one of upload and url') };
      return { field, url: photo.url };
    }),
  );
}

/** A product's uploads and photos read into the service's ProductInput (images first). */
export async function toProductInput(
  input: GraphqlProductInput,
  maxBytes: number,
  /** Where this input sits in the operation's arguments (`input`, `inputs.3`), for errors. */
  path = 'input',
): Promise<ProductInput> {
  const { images, imageUrls, photos, ...fields } = input;
  const uploads = images ?? [];
  const [read, fromPhotos] = await Promise.all([
    Promise.all(
      uploads.map((upload, index) =>
        readPhoto(upload, maxBytes, { argument: `${path}.images`, index }),
      ),
    ),
    readPhotoInputs(photos ?? [], maxBytes, `${path}.photos`),
  ]);
  if (imageUrls !== null && imageUrls !== undefined && imageUrls.length > uploads.length) {
    throw new BadUserInputError('imageUrls has more entries than images', {
      field: 'imageUrls',
      fields: [{ field: 'imageUrls', problem: 'count' }],
    });
  }
  const fromImages = read.map((photo, i): PhotoInput => ({
    ...photo,
    field: `images.${i}`,
    url: imageUrls?.[i] ?? null,
  }));
  return { ...fields, images: [...fromImages, ...fromPhotos] };
}
