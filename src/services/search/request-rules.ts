import { z } from 'zod';
import { AppError, BadUserInputError } from '../../errors/app-error';

// Not instanceof: bytes may come from another realm (jest's sandbox); a Buffer counts too.
/** An uploaded photo's bytes (a Uint8Array or a Buffer). */
export const bytes = z.custom<Uint8Array>(
  (value) =>
    ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]',
  { error: 'image must be bytes' },
);

/**
 * Any JavaScript number, NaN and infinities included, so the rule that refuses them names the
 * argument with the same details as every other bad value (z.number() would refuse them first).
 */
export const anyNumber = z.custom<number>((value) => typeof value === 'number');

/**
 * One check on one argument. A failure becomes a BadUserInputError whose details name the
 * argument (from the issue's path) plus whatever `details` adds for the client, e.g. the value.
 */
export function rule<T>(
  ok: (value: T) => boolean,
  message: string,
  details: (value: T) => Record<string, unknown> = () => ({}),
): (value: T, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    if (!ok(value)) ctx.addIssue({ code: 'custom', message, params: details(value) });
  };
}

/** The first issue, as the error a client sees: `details.argument` is the dotted path. */
export function toBadUserInput(issues: readonly z.core.$ZodIssue[]): BadUserInputError {
  const issue = issues[0];
  if (issue === undefined) return new BadUserInputError('Invalid search request');
  const argument = issue.path.join('.');
  const where = argument === '' ? {} : { argument };
  if (issue.code === 'custom') {
    return new BadUserInputError(issue.message, { ...where, ...issue.params });
  }
  // Shape problems the GraphQL schema already rules out; say where, not zod's wording alone.
  return new BadUserInputError(`${argument}: ${issue.message}`, where);
}

/**
 * The same error with `details.argument` naming the request argument it concerns (`imageUrl`,
 * `recommend.positive.0`); anything that is not an AppError passes through unchanged.
 */
export function withArgument(error: unknown, argument: string): unknown {
  if (!(error instanceof AppError) || error.details.argument === argument) return error;
  const ErrorClass = error.constructor as new (
    message: string,
    details: Record<string, unknown>,
    options?: ErrorOptions,
  ) => AppError;
  return new ErrorClass(error.message, { ...error.details, argument }, { cause: error });
}
