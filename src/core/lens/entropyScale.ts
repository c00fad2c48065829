// How unsure the model was at a position: the entropy (bits) of its next-token distribution, in bins that separate
// near-certain positions (under 1 or 2 bits: syntax the model can predict) from broad uncertainty.

/** Lower edge of each bin in bits; the last bin is open-ended. */
export const ENTROPY_EDGES: readonly number[] = [0, 1, 2, 4, 6, 8];

export function entropyBin(bits: number): number {
  let bin = 0;
  ENTROPY_EDGES.forEach((edge, index) => {
    if (bits >= edge) bin = index;
  });
  return bin;
}
