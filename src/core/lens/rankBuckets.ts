// GLTR's rank buckets: was the token the model's first choice, in its top 10, top 100, top 1000, or further down?

export interface RankBucket {
  label: string;
  /** The largest rank in the bucket (ranks start at 1). */
  maxRank: number;
}

export const RANK_BUCKETS: readonly RankBucket[] = [
  { label: 'top 1', maxRank: 1 },
  { label: 'top 10', maxRank: 10 },
  { label: 'top 100', maxRank: 100 },
  { label: 'top 1000', maxRank: 1000 },
  { label: 'beyond 1000', maxRank: Number.POSITIVE_INFINITY },
];

/** The bucket of a rank (1 = the model's first choice); a rank below 1 or NaN counts as the first bucket. */
export function rankBucket(rank: number): number {
  const index = RANK_BUCKETS.findIndex((bucket) => rank <= bucket.maxRank);
  return index === -1 ? RANK_BUCKETS.length - 1 : index;
}
