import { z } from 'zod';
import type { ProductFields, ProductPatch } from '../../domain/product';
import type { AppError } from '../../errors/app-error';
import { BadUserInputError } from '../../errors/app-error';

/**
 * One photo as the transport hands it over: uploaded bytes (with `url` as their source URL
 * where known), or only a `url` the service fetches.
 */
export interface PhotoInput {
  readonly bytes?: Uint8Array | null;
  readonly url?: string | null;
  readonly filename?: string | null;
  /** How the client names this photo in errors, e.g. `photos.2`. Default `images.<position>`. */
  readonly field?: string;
  /** Set when the transport could not read the upload (too large, aborted): the photo fails. */
  readonly error?: AppError;
}

/** What a catalog team sends to index one product. */
export interface ProductInput {
  readonly id: string;
  readonly title: string;
  readonly description?: string | null;
  readonly category: string;
  readonly price: number;
  readonly currency: string;
  readonly tags?: readonly string[] | null;
  readonly inStock?: boolean | null;
  readonly images: readonly PhotoInput[];
}

// Control characters break logs, CSV exports and storefront HTML; refuse them at the door.
const noControlChars = (s: string) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
const label = (max: number) =>
  z.string().trim().min(1).max(max).refine(noControlChars, 'must not contain control characters');

const fieldsSchema = z.object({
  id: label(256),
  title: label(500),
  description: z
    .string()
    .max(20_000)
    .nullish()
    .transform((v) => v ?? ''),
  category: label(200),
  price: z.number().finite().min(0).max(1e12),
  currency: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')),
  tags: z
    .array(label(100))
    .max(100)
    .nullish()
    .transform((tags) => [...new Set(tags ?? [])]),
  inStock: z
    .boolean()
    .nullish()
    .transform((v) => v ?? true),
});

/** Validates and normalises catalog fields; throws BadUserInputError naming every bad field. */
export function parseProductFields(input: ProductInput): ProductFields {
  const parsed = fieldsSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({
      field: issue.path.join('.'),
      problem: issue.message,
    }));
    throw new BadUserInputError(
      `Invalid product: ${fields.map((f) => `${f.field} ${f.problem}`).join('; ')}`,
      { fields },
    );
  }
  return parsed.data;
}

const patchSchema = fieldsSchema.omit({ id: true }).partial();

/**
 * Validates a partial update. null and undefined both mean "leave as it is" (send "" to clear
 * the description, [] to clear the tags); throws BadUserInputError naming every bad field,
 * including an empty patch.
 */
export function parseProductPatch(patch: Readonly<Record<string, unknown>>): ProductPatch {
  const given = Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== null && value !== undefined),
  );
  if (Object.keys(given).length === 0) {
    throw new BadUserInputError('The patch changes nothing', {
      fields: [{ field: 'patch', problem: 'empty' }],
    });
  }
  const parsed = patchSchema.strict().safeParse(given);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || 'patch',
      problem: issue.message,
    }));
    throw new BadUserInputError(
      `Invalid patch: ${fields.map((f) => `${f.field} ${f.problem}`).join('; ')}`,
      { fields },
    );
  }
  return Object.fromEntries(
    Object.entries(parsed.data).filter(([key]) => key in given),
  ) as ProductPatch;
}
