// The spread of a ratio of medians: a percentile bootstrap over the samples of both tools, so a
// "met" or "NOT met" can be told from noise (the interval must stay on one side of the target).
// Deterministic (fixed seed), so two prints of the same samples agree.

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** xorshift32: enough for resampling. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

export interface RatioSpread {
  ratio: number;
  /** 2.5th and 97.5th percentiles of the resampled ratio. */
  low: number;
  high: number;
}

/** median(a) / median(b) and its 95 % bootstrap interval (`resamples` draws, at most 2,000 samples each). */
export function ratioSpread(a: readonly number[], b: readonly number[], resamples = 400): RatioSpread {
  const random = rng(0x9e3779b9);
  const draw = (xs: readonly number[]): number[] => {
    const n = Math.min(xs.length, 2_000);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = xs[Math.floor(random() * xs.length)] ?? NaN;
    return out;
  };
  const rs: number[] = [];
  for (let i = 0; i < resamples; i++) rs.push(median(draw(a)) / median(draw(b)));
  rs.sort((x, y) => x - y);
  return {
    ratio: median(a) / median(b),
    low: rs[Math.floor(0.025 * rs.length)] ?? NaN,
    high: rs[Math.min(rs.length - 1, Math.floor(0.975 * rs.length))] ?? NaN,
  };
}

/** "1.42× (95 % 1.38–1.47; target ≤ 1.5×: met)"; "met" only when the whole interval is under the target. */
export function formatRatio(s: RatioSpread, target: number): string {
  const verdict = s.high <= target ? 'met' : s.low > target ? 'NOT met' : 'not shown: the spread crosses the target';
  return `${s.ratio.toFixed(2)}× (95 % ${s.low.toFixed(2)}–${s.high.toFixed(2)}; target ≤ ${target}×: ${verdict})`;
}

/**
 * For samples taken in pairs (a[i] next to b[i] in time: the same cycle or round): the median of
 * the ratios a[i] / b[i] and its 95 % bootstrap interval over the pairs. A drift of the machine's
 * load between pairs cancels in each ratio, so this interval is narrower than ratioSpread's when
 * the noise is mostly drift.
 */
export function pairedRatioSpread(a: readonly number[], b: readonly number[], resamples = 2_000): RatioSpread {
  const n = Math.min(a.length, b.length);
  const ratios = Array.from({ length: n }, (_, i) => (a[i] ?? NaN) / (b[i] ?? NaN));
  const random = rng(0x85ebca6b);
  const rs: number[] = [];
  for (let k = 0; k < resamples; k++) {
    const draw = new Array<number>(n);
    for (let i = 0; i < n; i++) draw[i] = ratios[Math.floor(random() * n)] ?? NaN;
    rs.push(median(draw));
  }
  rs.sort((x, y) => x - y);
  return {
    ratio: median(ratios),
    low: rs[Math.floor(0.025 * rs.length)] ?? NaN,
    high: rs[Math.min(rs.length - 1, Math.floor(0.975 * rs.length))] ?? NaN,
  };
}
