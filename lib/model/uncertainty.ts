/**
 * How sure a Bayesian PMF model is: the posterior variance of every
 * coordinate of every row (factors and bias) and the noise variance, and
 * from them a prediction's standard deviation and 90% interval.
 *
 * The predictive variance of `μ + b_u + b_i + p_u·q_i` treats the rows'
 * coordinates as independent under the posterior:
 * `σ² + var b_u + var b_i + Σ_j (p_j² var q_j + q_j² var p_j + var p_j var q_j)`,
 * with `p`, `q` the posterior means. (The sampler's own intervals use the
 * samples' spread instead; `bpmfOnSplit` reports how well both hold.)
 *
 * @module
 */

/** Posterior variances in the rating model's layout (`stride` floats per row). */
export interface RowVariances {
  /** Per user, the variance of each factor. */
  users: Float32Array;
  /** Per user, the variance of the bias. */
  userBias: Float32Array;
  /** Per movie, the variance of each factor. */
  movies: Float32Array;
  /** Per movie, the variance of the bias. */
  movieBias: Float32Array;
  /** The noise variance (posterior mean of 1/α). */
  noise: number;
  /**
   * With movie features: the movie prior's variances (factors in `stride` floats, and the bias), which a
   * movie nobody rated in training has.
   */
  prior?: { factors: Float32Array; bias: number };
}

/** The central 90% interval of a normal predictive: mean ± Z90·sd. */
export const Z90 = 1.6448536269514722;

/**
 * The predictive standard deviation of user `u`'s rating of movie `m`, `p`
 * and `q` the posterior mean rows (`stride` floats each, `k` used). A user
 * who is not in the model (`u` < 0, folded in) counts the movie's
 * uncertainty and the noise only. A movie past the model's rated ones (`m` ≥ its rows) has the movie
 * prior's variances, or NaN without them. `q` at `qOffset` is the movie's effective row.
 */
export function predictiveSd(
  v: RowVariances,
  p: Float32Array,
  pOffset: number,
  q: Float32Array,
  qOffset: number,
  k: number,
  u: number,
  m: number,
  stride: number,
): number {
  // A movie past the rated ones (no ratings in training) has the prior's variances.
  const unrated = m * stride >= v.movies.length;
  if (unrated && !v.prior) return NaN;
  let variance = v.noise + (unrated ? v.prior!.bias : v.movieBias[m]) + (u >= 0 ? v.userBias[u] : 0);
  for (let j = 0; j < k; j++) {
    const pj = p[pOffset + j], qj = q[qOffset + j];
    const vq = unrated ? v.prior!.factors[j] : v.movies[m * stride + j],
      vp = u >= 0 ? v.users[u * stride + j] : 0;
    variance += pj * pj * vq + qj * qj * vp + vp * vq;
  }
  return Math.sqrt(variance);
}

/** The 90% interval of a prediction, clamped to the rating scale. */
export function interval90(mean: number, sd: number): [number, number] {
  return [Math.max(0.5, mean - Z90 * sd), Math.min(5, mean + Z90 * sd)];
}
