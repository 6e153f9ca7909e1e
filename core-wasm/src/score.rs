//! Batched scoring: one user vector against a range of movie rows.
//!
//! `score[i] = (offset + bias[i]) + dot(user, factors[i])`, unclamped (ranking
//! needs the raw order; prediction clamps). `offset` carries the global mean
//! plus the user's bias. Rows are `stride` floats apart and `k` long.

/// The dot product a scoring pass uses.
type Dot = fn(&[f32], &[f32]) -> f32;

fn score_with(
    dot: Dot,
    user: &[f32],
    factors: &[f32],
    stride: usize,
    bias: Option<&[f32]>,
    offset: f32,
    out: &mut [f32],
) {
    let k = user.len();
    for (i, o) in out.iter_mut().enumerate() {
        let start = i * stride;
        let row = &factors[start..start + k];
        let b = match bias {
            Some(b) => b[i],
            None => 0.0,
        };
        *o = (offset + b) + dot(user, row);
    }
}

/// Scores `out.len()` movies whose rows start at `factors[0]`, with the
/// scalar dot product.
pub fn score_movies_scalar(
    user: &[f32],
    factors: &[f32],
    stride: usize,
    bias: Option<&[f32]>,
    offset: f32,
    out: &mut [f32],
) {
    score_with(crate::vector::scalar::dot, user, factors, stride, bias, offset, out)
}

/// Scores `out.len()` movies whose rows start at `factors[0]`, with the
/// platform's fastest dot product (SIMD on wasm32).
pub fn score_movies(user: &[f32], factors: &[f32], stride: usize, bias: Option<&[f32]>, offset: f32, out: &mut [f32]) {
    score_with(crate::vector::dot, user, factors, stride, bias, offset, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_every_row_with_bias_and_offset() {
        let user = [1.0f32, 2.0, 3.0];
        // Two rows of k = 3 with stride 4 (one padding float each).
        let factors = [1.0f32, 0.0, 0.0, 99.0, 0.0, 1.0, 1.0, 99.0];
        let bias = [0.5f32, -0.25];
        let mut out = [0.0f32; 2];
        score_movies_scalar(&user, &factors, 4, Some(&bias), 3.5, &mut out);
        assert_eq!(out, [3.5 + 0.5 + 1.0, 3.5 - 0.25 + 5.0]);
        score_movies_scalar(&user, &factors, 4, None, 0.0, &mut out);
        assert_eq!(out, [1.0, 5.0]);
    }
}
