import { isAppError, type AppError, type ErrorCode } from '../../src/errors/app-error';

/**
 * "Which error did this reject with", shared by every test tier. Tests assert error codes, not
 * message prose: `await expectCode(index.ping(), 'INDEX_UNAVAILABLE')`, then check `details`
 * on the returned error where they matter.
 */

/** The reason a promise rejected with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value: unknown) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}

/**
 * The AppError code a promise rejected with; 'resolved' when it resolved and
 * 'not an AppError: …' for anything else, so a failed expectation shows what happened.
 */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (isAppError(error) ? error.code : `not an AppError: ${String(error)}`),
  );
}

/** Asserts a rejection with an AppError of this code and returns it (for `details` checks). */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await rejectionOf(promise);
  expect(isAppError(error) ? error.code : `not an AppError: ${String(error)}`).toBe(code);
  return error as AppError;
}
