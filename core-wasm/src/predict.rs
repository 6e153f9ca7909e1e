//! The model's formula, written once: the raw score
//! `((mu + b_u) + b_i) + p_u·v_i` (see [`raw_score`]) and the prediction, its
//! clamp to 0.5–5. Here `v_i` and `b_i` are the movie's effective vector and
//! bias: `q_i + W·f_i` and `b_i + w_b·f_i` for a model with metadata. Training,
//! evaluation, scoring and top-N all call these functions.

/// Lowest rating a prediction is clamped to.
pub const MIN_RATING: f32 = 0.5;
/// Highest rating a prediction is clamped to.
pub const MAX_RATING: f32 = 5.0;

/// The raw score of a user for a movie, unclamped (ranking uses its order,
/// the gradient its error): `((mu + user_bias) + movie_bias) + dot`, with
/// `dot = p_u·v_i`. The only place the model's formula is written.
#[inline(always)]
pub fn raw_score(mu: f32, user_bias: f32, movie_bias: f32, dot: f32) -> f32 {
    ((mu + user_bias) + movie_bias) + dot
}

/// Clamps a raw score to the rating scale: the predicted rating.
#[inline]
pub fn clamp(x: f32) -> f32 {
    x.clamp(MIN_RATING, MAX_RATING)
}

/// A read-only view of the model.
pub struct ModelRef<'a> {
    /// User factors.
    pub p: &'a [f32],
    /// Movie factors.
    pub q: &'a [f32],
    /// User biases.
    pub bu: &'a [f32],
    /// Movie biases.
    pub bi: &'a [f32],
    /// Floats per row.
    pub stride: usize,
    /// Global mean.
    pub mu: f32,
    /// Metadata vectors and biases per movie (`W·f_i`, `w_b·f_i`), when the model has metadata.
    pub meta: Option<(&'a [f32], &'a [f32])>,
}

impl ModelRef<'_> {
    /// The clamped prediction for (u, m), or None when either is out of range.
    #[inline]
    pub fn predict(&self, u: usize, m: usize, dot: fn(&[f32], &[f32]) -> f32) -> Option<f32> {
        let p = self.p.get(u * self.stride..(u + 1) * self.stride)?;
        let q = self.q.get(m * self.stride..(m + 1) * self.stride)?;
        let (bu, bi) = (*self.bu.get(u)?, *self.bi.get(m)?);
        match self.meta {
            None => Some(clamp(raw_score(self.mu, bu, bi, dot(p, q)))),
            Some((mv, mb)) => {
                // The effective movie vector and bias, as in training: q + m and b_i + mb.
                let mrow = mv.get(m * self.stride..(m + 1) * self.stride)?;
                let mut qm = [0.0f32; 256];
                let keep = self.stride.min(256);
                for j in 0..keep {
                    qm[j] = q[j] + mrow[j];
                }
                Some(clamp(raw_score(self.mu, bu, bi + *mb.get(m)?, dot(p, &qm[..keep]))))
            }
        }
    }
}

/// Sum of squared and of absolute errors of clamped predictions; `Err(i)` at a bad index.
pub fn errors(
    model: &ModelRef,
    users: &[u32],
    movies: &[u32],
    ratings: &[f32],
    dot: fn(&[f32], &[f32]) -> f32,
) -> Result<(f64, f64), usize> {
    let (mut sse, mut sae) = (0.0f64, 0.0f64);
    for i in 0..users.len().min(movies.len()).min(ratings.len()) {
        let pred = model.predict(users[i] as usize, movies[i] as usize, dot).ok_or(i)?;
        let e = (ratings[i] - pred) as f64;
        sse += e * e;
        sae += if e < 0.0 { -e } else { e };
    }
    Ok((sse, sae))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predictions_are_clamped_and_errors_summed() {
        let m = ModelRef {
            p: &[1.0, 0.0, 0.0, 0.0],
            q: &[3.0, 0.0, 0.0, 0.0, -9.0, 0.0, 0.0, 0.0],
            bu: &[0.5],
            bi: &[0.0, 0.0],
            stride: 4,
            mu: 3.5,
            meta: None,
        };
        let dot = crate::vector::scalar::dot;
        assert_eq!(m.predict(0, 0, dot), Some(5.0));
        assert_eq!(m.predict(0, 1, dot), Some(0.5));
        assert_eq!(m.predict(1, 0, dot), None);
        let (sse, sae) = errors(&m, &[0, 0], &[0, 1], &[4.0, 1.0], dot).unwrap();
        assert_eq!((sse, sae), (1.25, 1.5));
        assert_eq!(errors(&m, &[0, 3], &[0, 0], &[4.0, 1.0], dot), Err(1));
    }
}
