import type { AppError } from '../../errors/app-error';
import { BadUserInputError } from '../../errors/app-error';

/**
 * The same error with `details.field` naming the part of the input it concerns (`photos.2`,
 * `images.0`, `title`): every AppError subclass takes (message, details, options).
 */
export function withField(error: AppError, field: string | null): AppError {
  if (field === null || error.details.field === field) return error;
  const ErrorClass = error.constructor as new (
    message: string,
    details: Record<string, unknown>,
    options?: ErrorOptions,
  ) => AppError;
  return new ErrorClass(error.message, { ...error.details, field }, { cause: error });
}

/** The field a validation error names first (`details.fields[0].field`), else null. */
export function firstField(error: AppError): string | null {
  if (typeof error.details.field === 'string') return error.details.field;
  const fields = error.details.fields;
  if (!Array.isArray(fields) || fields.length === 0) return null;
  const field = (fields[0] as { field?: unknown }).field;
  return typeof field === 'string' && field !== '' ? field : null;
}

/** A photo input that is neither an upload nor a URL, or both. */
export function photoShapeError(field: string): BadUserInputError {
  return new BadUserInputError(`${field} needs exactly one of upload and url`, {
    field,
    fields: [{ field, problem: 'exactly one of upload and url' }],
  });
}
