//! Batched scoring: one user against a range of movie rows, with the model's
//! formula ([`crate::predict::raw_score`]): raw scores for ranking, or
//! predicted ratings (clamped). Rows are `stride` floats apart and `k` long;
//! `bias` holds the movies' effective biases.

use crate::predict::{clamp, raw_score};

/// The dot product a scoring pass uses.
type Dot = fn(&[f32], &[f32]) -> f32;

/// One user: factors (`k` floats), bias, and the global mean.
#[derive(Clone, Copy)]
pub struct User<'a> {
    /// The user's factors.
    pub factors: &'a [f32],
    /// The user's bias.
    pub bias: f32,
    /// The model's global mean.
    pub mu: f32,
}

/// Scores `out.len()` movies whose rows start at `factors[0]`; `clamped`
/// gives predicted ratings instead of raw scores; `scalar` picks the scalar
/// dot product (same bits as the SIMD one on wasm32).
pub fn score_movies(
    user: User,
    factors: &[f32],
    stride: usize,
    bias: Option<&[f32]>,
    clamped: bool,
    scalar: bool,
    out: &mut [f32],
) {
    let dot: Dot = if scalar { crate::vector::scalar::dot } else { crate::vector::dot };
    let k = user.factors.len();
    for (i, o) in out.iter_mut().enumerate() {
        let start = i * stride;
        let row = &factors[start..start + k];
        let b = bias.map_or(0.0, |b| b[i]);
        let raw = raw_score(user.mu, user.bias, b, dot(user.factors, row));
        *o = if clamped { clamp(raw) } else { raw };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_every_row_with_the_biases_raw_or_clamped() {
        let factors3 = [1.0f32, 2.0, 3.0];
        let user = User { factors: &factors3, bias: 0.25, mu: 3.25 };
        // Two rows of k = 3 with stride 4 (one padding float each).
        let factors = [1.0f32, 0.0, 0.0, 99.0, 0.0, 1.0, 1.0, 99.0];
        let bias = [0.5f32, -0.25];
        let mut out = [0.0f32; 2];
        score_movies(user, &factors, 4, Some(&bias), false, true, &mut out);
        assert_eq!(out, [3.5 + 0.5 + 1.0, 3.5 - 0.25 + 5.0]);
        score_movies(user, &factors, 4, Some(&bias), true, true, &mut out);
        assert_eq!(out, [5.0, 5.0]);
        score_movies(User { mu: 0.0, bias: 0.0, ..user }, &factors, 4, None, false, true, &mut out);
        assert_eq!(out, [1.0, 5.0]);
    }
}
