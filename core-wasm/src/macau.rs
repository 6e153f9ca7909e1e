//! Movie features as the prior mean of movie rows in the Gibbs sampler
//! (Macau, Simm et al. 2015): a movie's row (k factors and the bias, `d = k + 1`
//! coordinates) is `N(μ + βᵀf_i, Λ⁻¹)` with `f_i` its feature row (a CSR row, zero
//! for a movie without features) and the projection β (`n_features × d`) drawn
//! every sweep from its posterior. With the prior `β ~ MN(0, I/λ, Λ⁻¹)` that
//! posterior is matrix normal, `MN(M, A⁻¹, Λ⁻¹)` with `A = FᵀF + λI` and
//! `M = A⁻¹Fᵀ(V − 1μᵀ)`, so one Cholesky factor of A (made once: A does not change)
//! and triangular solves draw it exactly: `β = M + L_A⁻ᵀ Z L_Λ⁻¹`, Z standard normal.
//! A movie nobody rated gets its row from this prior: features tell where it
//! lies, Λ how far it may be from there.

// Dense linear algebra reads clearest with explicit indices.
#![allow(clippy::needless_range_loop)]

use crate::bpmf::{cholesky, solve_upper_t, Rng};
use crate::meta::Csr;

/// Writes the lower Cholesky factor of `FᵀF + λI` (`n_features²` f64, row-major) for the
/// features' first `rows` rows. Returns false if it is not positive definite (λ ≤ 0).
pub fn gram_factor(f: &Csr, rows: usize, n_features: usize, lambda: f64, out: &mut [f64]) -> bool {
    out.fill(0.0);
    for c in 0..n_features {
        out[c * n_features + c] = lambda;
    }
    for r in 0..rows {
        let row = f.indptr[r] as usize..f.indptr[r + 1] as usize;
        for e1 in row.clone() {
            let (c1, v1) = (f.indices[e1] as usize, f.values[e1] as f64);
            for e2 in row.clone() {
                let c2 = f.indices[e2] as usize;
                if c2 <= c1 {
                    out[c1 * n_features + c2] += v1 * f.values[e2] as f64;
                }
            }
        }
    }
    cholesky(out, n_features)
}

/// Solves `L X = B` in place for `m` right-hand sides side by side (`b`: `n × m`
/// row-major), reading `L` (lower, `n × n` row-major) row by row.
fn solve_lower_rows(l: &[f64], n: usize, b: &mut [f64], m: usize) {
    for i in 0..n {
        let (done, rest) = b.split_at_mut(i * m);
        let row = &mut rest[..m];
        for t in 0..i {
            let x = l[i * n + t];
            if x != 0.0 {
                for (r, y) in row.iter_mut().zip(&done[t * m..(t + 1) * m]) {
                    *r -= x * y;
                }
            }
        }
        let inv = 1.0 / l[i * n + i];
        for r in row.iter_mut() {
            *r *= inv;
        }
    }
}

/// Solves `Lᵀ X = B` in place for `m` right-hand sides side by side, reading `L`
/// row by row (column-oriented back substitution: a row of `L` is a column of `Lᵀ`).
fn solve_upper_t_rows(l: &[f64], n: usize, b: &mut [f64], m: usize) {
    for i in (0..n).rev() {
        let (before, rest) = b.split_at_mut(i * m);
        let row = &mut rest[..m];
        let inv = 1.0 / l[i * n + i];
        for r in row.iter_mut() {
            *r *= inv;
        }
        for t in 0..i {
            let x = l[i * n + t];
            if x != 0.0 {
                for (y, r) in before[t * m..(t + 1) * m].iter_mut().zip(row.iter()) {
                    *y -= x * r;
                }
            }
        }
    }
}

/// Shapes of a projection draw.
pub struct Shape {
    /// Movies (feature rows and movie rows).
    pub rows: usize,
    /// Features.
    pub n_features: usize,
    /// Factors (`d = k + 1` coordinates per row).
    pub k: usize,
    /// Floats per movie row.
    pub stride: usize,
}

/// Draws β given the movie rows `v` (`rows × stride` f32) and the movie side's
/// hyperparameters (`mean`, d; `precision`, d×d), with `factor` from
/// [`gram_factor`]. Writes β (`n_features × d` f64), every movie's prior shift
/// `βᵀf_i` into `offsets` (`rows × stride` f32, padding zero) and `λ·βᵀβ` (d×d)
/// into `scatter`. Returns false on a numerical failure.
#[allow(clippy::too_many_arguments)]
pub fn sample_beta(
    f: &Csr,
    shape: &Shape,
    v: &[f32],
    mean: &[f64],
    precision: &[f64],
    factor: &[f64],
    lambda: f64,
    rng: &mut Rng,
    beta: &mut [f64],
    offsets: &mut [f32],
    scatter: &mut [f64],
) -> bool {
    let Shape { rows, n_features: nf, k, stride } = *shape;
    let d = k + 1;
    // R = Fᵀ(V − 1μᵀ).
    beta.fill(0.0);
    for r in 0..rows {
        for e in f.indptr[r] as usize..f.indptr[r + 1] as usize {
            let (c, x) = (f.indices[e] as usize, f.values[e] as f64);
            for j in 0..d {
                beta[c * d + j] += x * (v[r * stride + j] as f64 - mean[j]);
            }
        }
    }
    // M = A⁻¹R = L_A⁻ᵀ(L_A⁻¹R) and the noise L_A⁻ᵀZ: one forward pass over L_A, then one backward
    // pass for both right-hand sides side by side ([L_A⁻¹R | Z], 2d columns).
    let mut lam = precision[..d * d].to_vec();
    if !cholesky(&mut lam, d) {
        return false;
    }
    solve_lower_rows(factor, nf, beta, d);
    let mut both = vec![0.0f64; nf * 2 * d];
    for c in 0..nf {
        both[c * 2 * d..c * 2 * d + d].copy_from_slice(&beta[c * d..(c + 1) * d]);
        for j in 0..d {
            both[c * 2 * d + d + j] = rng.normal();
        }
    }
    solve_upper_t_rows(factor, nf, &mut both, 2 * d);
    // β = M + (L_A⁻ᵀZ)L_Λ⁻¹: each noise row x becomes (L_Λ⁻ᵀxᵀ)ᵀ.
    for c in 0..nf {
        let (m, noise) = both[c * 2 * d..(c + 1) * 2 * d].split_at_mut(d);
        solve_upper_t(&lam, d, noise);
        for j in 0..d {
            beta[c * d + j] = m[j] + noise[j];
        }
    }
    offsets.fill(0.0);
    for r in 0..rows {
        let out = &mut offsets[r * stride..(r + 1) * stride];
        for e in f.indptr[r] as usize..f.indptr[r + 1] as usize {
            let (c, x) = (f.indices[e] as usize, f.values[e] as f64);
            for j in 0..d {
                out[j] += (x * beta[c * d + j]) as f32;
            }
        }
    }
    scatter[..d * d].fill(0.0);
    for c in 0..nf {
        for i in 0..d {
            for j in 0..d {
                scatter[i * d + j] += lambda * beta[c * d + i] * beta[c * d + j];
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_solves_match_the_one_column_solves() {
        let mut a = vec![4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        assert!(cholesky(&mut a, 3));
        let b = [1.0, -2.0, 0.5, 3.0, 2.0, 1.0];
        let (mut rows, mut rows_t) = (b.to_vec(), b.to_vec());
        solve_lower_rows(&a, 3, &mut rows, 2);
        solve_upper_t_rows(&a, 3, &mut rows_t, 2);
        for j in 0..2 {
            let (mut col, mut col_t) = ([b[j], b[2 + j], b[4 + j]], [b[j], b[2 + j], b[4 + j]]);
            crate::bpmf::solve_lower(&a, 3, &mut col);
            solve_upper_t(&a, 3, &mut col_t);
            for i in 0..3 {
                assert!((rows[i * 2 + j] - col[i]).abs() < 1e-12);
                assert!((rows_t[i * 2 + j] - col_t[i]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn beta_recovers_a_projection_the_rows_follow() {
        // 3 features, k = 1 (d = 2); 3,000 movies with one-hot features and rows β_true[c] + small noise.
        let (nf, k, stride, rows) = (3usize, 1usize, 4usize, 3000usize);
        let truth = [[1.0, -0.5], [0.0, 2.0], [-1.5, 0.3]];
        let indptr: Vec<u32> = (0..=rows as u32).collect();
        let indices: Vec<u32> = (0..rows as u32).map(|r| r % 3).collect();
        let values = vec![1.0f32; rows];
        let f = Csr { indptr: &indptr, indices: &indices, values: &values };
        let mut rng = Rng::new(5, 0, 0, 0);
        let mut v = vec![0.0f32; rows * stride];
        for r in 0..rows {
            for j in 0..2 {
                v[r * stride + j] = (truth[r % 3][j] + 0.1 * rng.normal()) as f32;
            }
        }
        let mut factor = vec![0.0; nf * nf];
        assert!(gram_factor(&f, rows, nf, 1.0, &mut factor));
        let (mean, precision) = ([0.0, 0.0], [100.0, 0.0, 0.0, 100.0]);
        let (mut beta, mut offsets, mut scatter) = (vec![0.0; nf * 2], vec![0.0f32; rows * stride], vec![0.0; 4]);
        let shape = Shape { rows, n_features: nf, k, stride };
        assert!(sample_beta(
            &f,
            &shape,
            &v,
            &mean,
            &precision,
            &factor,
            1.0,
            &mut rng,
            &mut beta,
            &mut offsets,
            &mut scatter
        ));
        for c in 0..3 {
            for j in 0..2 {
                assert!((beta[c * 2 + j] - truth[c][j]).abs() < 0.02, "{beta:?}");
            }
        }
        assert!((offsets[stride + 1] as f64 - beta[3]).abs() < 1e-6, "movie 1 has feature 1");
        assert_eq!(offsets[2], 0.0, "padding stays zero");
        assert!(scatter[0] > 0.0 && (scatter[1] - scatter[2]).abs() < 1e-12);
    }
}
