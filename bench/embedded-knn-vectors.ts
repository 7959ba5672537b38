/** The kNN benches' vectors: reproducible unit vectors, uniform or around Gaussian clusters. */
export const DIMS = 512;
const CLUSTERS = 1000;

/** xorshift32 + Box-Muller: reproducible Gaussian numbers without a dependency. */
function gaussian(seed: number): () => number {
  let x = seed >>> 0 || 1;
  const uniform = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) + 0.5) / 0x1_0000_0000;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function normalizeInto(out: Float32Array, offset: number, values: Float64Array): void {
  let norm = 0;
  for (const value of values) norm += value * value;
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < DIMS; i++) out[offset + i] = values[i]! * inv;
}

/** `count` unit vectors: uniform on the sphere, or around CLUSTERS Gaussian centres. */
export function makeVectors(
  count: number,
  dist: 'uniform' | 'clustered',
  seed: number,
): Float32Array {
  const next = gaussian(seed);
  const out = new Float32Array(count * DIMS);
  const tmp = new Float64Array(DIMS);
  const centres = new Float32Array(CLUSTERS * DIMS);
  for (let c = 0; c < CLUSTERS; c++) {
    for (let i = 0; i < DIMS; i++) tmp[i] = next();
    normalizeInto(centres, c * DIMS, tmp);
  }
  // Noise of norm ~0.6 around a unit centre: neighbours share a cluster, and are close.
  const sigma = 0.6 / Math.sqrt(DIMS);
  const centreOf = gaussian(seed + 1);
  for (let n = 0; n < count; n++) {
    const c = Math.floor(Math.abs(centreOf() * 1e6)) % CLUSTERS;
    for (let i = 0; i < DIMS; i++) {
      tmp[i] = dist === 'uniform' ? next() : centres[c * DIMS + i]! + sigma * next();
    }
    normalizeInto(out, n * DIMS, tmp);
  }
  return out;
}
