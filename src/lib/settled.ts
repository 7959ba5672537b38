/**
 * The values of `Promise.allSettled` when all fulfilled, else the first rejection in input
 * order: the Embedder port's rule that the first failing input decides a call's error.
 */
export function valuesOrFirstError<T>(settled: readonly PromiseSettledResult<T>[]): T[] {
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
