import { z } from 'zod';
import { BadUserInputError } from '../../errors/app-error';

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
