//! Folding in a new user: given ratings on some movies (their effective
//! vectors `v_i` and biases `c_i`), find the user's factors `p` and bias `b`
//! minimising `Σ (r_i - μ - b - c_i - p·v_i)² + reg·|p|² + reg_bias·b²`, with
//! movie parameters fixed. Alternates a closed-form bias with a ridge
//! solve for `p` (normal equations, Cholesky in f64).

/// f64 square root, correctly rounded on both paths.
#[inline]
fn sqrt64(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        use core::arch::wasm32::{f64x2_extract_lane, f64x2_splat, f64x2_sqrt};
        f64x2_extract_lane::<0>(f64x2_sqrt(f64x2_splat(x)))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        x.sqrt()
    }
}

/// Solves `A x = y` for a symmetric positive-definite `A` (k × k, row-major),
/// in place: `A` becomes its Cholesky factor, `y` the solution. False if `A`
/// is not positive definite.
pub fn cholesky_solve(a: &mut [f64], y: &mut [f64], k: usize) -> bool {
    for j in 0..k {
        let mut d = a[j * k + j];
        for t in 0..j {
            d -= a[j * k + t] * a[j * k + t];
        }
        if d <= 0.0 {
            return false;
        }
        let d = sqrt64(d);
        a[j * k + j] = d;
        for i in j + 1..k {
            let mut s = a[i * k + j];
            for t in 0..j {
                s -= a[i * k + t] * a[j * k + t];
            }
            a[i * k + j] = s / d;
        }
    }
    for i in 0..k {
        let mut s = y[i];
        for t in 0..i {
            s -= a[i * k + t] * y[t];
        }
        y[i] = s / a[i * k + i];
    }
    for i in (0..k).rev() {
        let mut s = y[i];
        for t in i + 1..k {
            s -= a[t * k + i] * y[t];
        }
        y[i] = s / a[i * k + i];
    }
    true
}

/// Folds in one user; `scratch` holds `k * k + k` f64. Returns false when the
/// system cannot be solved (it cannot happen with `reg > 0`).
#[allow(clippy::too_many_arguments)]
pub fn fold_in(
    vectors: &[f32],
    bias: &[f32],
    ratings: &[f32],
    stride: usize,
    k: usize,
    mu: f32,
    reg: f32,
    reg_bias: f32,
    iterations: usize,
    scratch: &mut [f64],
    out_p: &mut [f32],
    out_bias: &mut f32,
) -> bool {
    let n = ratings.len();
    let (a, y) = scratch.split_at_mut(k * k);
    let y = &mut y[..k];
    for x in out_p.iter_mut() {
        *x = 0.0;
    }
    let mut b = 0.0f64;
    for _ in 0..iterations.max(1) {
        // Bias given p.
        let mut sum = 0.0f64;
        for i in 0..n {
            let v = &vectors[i * stride..i * stride + k];
            let dot: f64 = v.iter().zip(out_p.iter()).map(|(x, p)| *x as f64 * *p as f64).sum();
            sum += ratings[i] as f64 - mu as f64 - bias[i] as f64 - dot;
        }
        b = sum / (reg_bias as f64 + n as f64);
        // p given the bias: (Σ v vᵀ + reg I) p = Σ (r - μ - b - c) v.
        for x in a.iter_mut() {
            *x = 0.0;
        }
        for x in y.iter_mut() {
            *x = 0.0;
        }
        for i in 0..n {
            let v = &vectors[i * stride..i * stride + k];
            let target = ratings[i] as f64 - mu as f64 - b - bias[i] as f64;
            for r in 0..k {
                let vr = v[r] as f64;
                y[r] += target * vr;
                for c in 0..=r {
                    a[r * k + c] += vr * v[c] as f64;
                }
            }
        }
        for r in 0..k {
            for c in 0..r {
                a[c * k + r] = a[r * k + c];
            }
            a[r * k + r] += reg as f64;
        }
        if !cholesky_solve(a, y, k) {
            return false;
        }
        for r in 0..k {
            out_p[r] = y[r] as f32;
        }
    }
    *out_bias = b as f32;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_user_from_noise_free_ratings() {
        // Movies with known vectors; the true user has p = (1, -0.5), b = 0.3.
        let vectors = [1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5, -1.0, -1.0, 0.2];
        let bias = [0.1f32, -0.2, 0.0, 0.3, 0.05];
        let (mu, p, b) = (3.5f32, [1.0f32, -0.5], 0.3f32);
        let ratings: Vec<f32> =
            (0..5).map(|i| mu + b + bias[i] + vectors[i * 2] * p[0] + vectors[i * 2 + 1] * p[1]).collect();
        let mut scratch = vec![0.0f64; 6];
        let (mut out, mut ob) = ([0.0f32; 2], 0.0f32);
        assert!(fold_in(&vectors, &bias, &ratings, 2, 2, mu, 1e-6, 1e-6, 50, &mut scratch, &mut out, &mut ob));
        assert!((out[0] - 1.0).abs() < 1e-3 && (out[1] + 0.5).abs() < 1e-3 && (ob - 0.3).abs() < 1e-3, "{out:?} {ob}");
    }

    #[test]
    fn cholesky_refuses_a_matrix_that_is_not_positive_definite() {
        let mut a = [1.0, 2.0, 2.0, 1.0];
        let mut y = [1.0, 1.0];
        assert!(!cholesky_solve(&mut a, &mut y, 2));
    }
}
