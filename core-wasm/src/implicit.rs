//! Implicit-feedback matrix factorisation: *which* movies a user rates, not
//! how (Hu, Koren & Volinsky 2008, in the form of Rendle et al. 2021,
//! "Revisiting the performance of iALS on item recommendation benchmarks").
//!
//! With `S` the observed (user, movie) pairs, user rows `p_u` and movie rows
//! `q_i`, the loss is
//!
//! ```text
//! Σ_{(u,i)∈S} (p_u·q_i − 1)²  +  α0 Σ_u Σ_i (p_u·q_i)²
//!   + λ Σ_u (|S_u| + α0·|I|)^ν |p_u|²  +  λ Σ_i (|S_i| + α0·|U|)^ν |q_i|²
//! ```
//!
//! Alternating least squares: with the other side fixed, each row solves
//! `(Σ_{j∈S_r} y_j y_jᵀ + α0 G + λ_r I) x = Σ_{j∈S_r} y_j`, `G = Σ_all y yᵀ`
//! (the Gram matrix of the other side). Rows are solved approximately by a few
//! conjugate-gradient steps warm-started from the current row (Takács, Pilászy
//! & Tikk 2011), which costs `O(|S_r|·k)` per step instead of a `k³`
//! factorisation. Every row works in `stride` lanes; padding lanes stay zero.

use crate::vector::{axpy, dot};

/// The observed movies of each row (or users of each movie) as a CSR; each
/// observation's weight `w` (default 1) scales its term, `w (p·q − 1)²`.
#[derive(Clone, Copy)]
pub struct Observed<'a> {
    /// `rows + 1` offsets into `indices`.
    pub indptr: &'a [u32],
    /// The other side's row indices.
    pub indices: &'a [u32],
    /// Per-observation weights, or None for all ones.
    pub weights: Option<&'a [f32]>,
}

/// The fit's settings.
#[derive(Clone, Copy)]
pub struct Fit {
    /// Weight of the unobserved pairs, `α0`.
    pub alpha0: f32,
    /// Regularisation `λ`.
    pub reg: f32,
    /// Exponent `ν` of the frequency-scaled regularisation.
    pub nu: f32,
    /// Conjugate-gradient steps per row.
    pub steps: usize,
    /// Rows of the other side (`|I|` when solving users).
    pub n_other: usize,
}

/// Adds `Σ x xᵀ` over the rows in `rows` (`stride` floats each) to `out`
/// (`stride × stride`, row-major).
pub fn gram_add(rows: &[f32], stride: usize, out: &mut [f32]) {
    for x in rows.chunks_exact(stride) {
        for (i, &xi) in x.iter().enumerate() {
            if xi != 0.0 {
                axpy(xi, x, &mut out[i * stride..(i + 1) * stride]);
            }
        }
    }
}

/// One row's observed items and their weights (None: all ones).
#[derive(Clone, Copy)]
struct Row<'a> {
    items: &'a [u32],
    weights: Option<&'a [f32]>,
}

impl Row<'_> {
    fn weight(&self, n: usize) -> f32 {
        self.weights.map_or(1.0, |w| w[n])
    }
}

/// `out = α0 G v + λ v + Σ_{j∈row} w_j y_j (y_j·v)`: the row's system matrix times `v`.
#[allow(clippy::too_many_arguments)]
fn apply(v: &[f32], row: Row, other: &[f32], gram: &[f32], stride: usize, alpha0: f32, lambda: f32, out: &mut [f32]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = alpha0 * dot(&gram[i * stride..(i + 1) * stride], v) + lambda * v[i];
    }
    for (n, &j) in row.items.iter().enumerate() {
        let y = &other[j as usize * stride..(j as usize + 1) * stride];
        axpy(row.weight(n) * dot(y, v), y, out);
    }
}

/// Solves rows `first..first + x.len() / stride` of one side in place (`x`
/// holds exactly those rows), with the other side's rows `other`, their Gram
/// matrix `gram` and each row's observed items in `observed` (indexed by the
/// absolute row number). Returns the squared residual norm summed over rows
/// after the last step (a convergence measure).
pub fn solve_rows(
    x: &mut [f32],
    first: usize,
    observed: Observed,
    other: &[f32],
    gram: &[f32],
    stride: usize,
    fit: &Fit,
) -> f64 {
    let mut buf = [[0.0f32; 256]; 3];
    let [r, p, ap] = &mut buf;
    let (r, p, ap) = (&mut r[..stride], &mut p[..stride], &mut ap[..stride]);
    let mut residual = 0.0f64;
    for (n, row) in x.chunks_exact_mut(stride).enumerate() {
        let at = first + n;
        let span = observed.indptr[at] as usize..observed.indptr[at + 1] as usize;
        let obs = Row { items: &observed.indices[span.clone()], weights: observed.weights.map(|w| &w[span]) };
        let lambda = fit.reg * (obs.items.len() as f32 + fit.alpha0 * fit.n_other as f32).powf(fit.nu);
        // r = b - A x, with b = Σ w_j y_j.
        apply(row, obs, other, gram, stride, fit.alpha0, lambda, ap);
        for (ri, a) in r.iter_mut().zip(ap.iter()) {
            *ri = -a;
        }
        for (n, &j) in obs.items.iter().enumerate() {
            axpy(obs.weight(n), &other[j as usize * stride..(j as usize + 1) * stride], r);
        }
        p.copy_from_slice(r);
        let mut rs = dot(r, r);
        for _ in 0..fit.steps {
            if rs <= 1e-20 {
                break;
            }
            apply(p, obs, other, gram, stride, fit.alpha0, lambda, ap);
            let pap = dot(p, ap);
            if pap <= 0.0 {
                break;
            }
            let a = rs / pap;
            axpy(a, p, row);
            axpy(-a, ap, r);
            let next = dot(r, r);
            let beta = next / rs;
            for (pi, ri) in p.iter_mut().zip(r.iter()) {
                *pi = ri + beta * *pi;
            }
            rs = next;
        }
        residual += rs as f64;
    }
    residual
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact solution of the row's system by Gaussian elimination (f64), for comparison.
    fn exact(items: &[u32], other: &[f32], gram: &[f32], stride: usize, alpha0: f32, lambda: f32) -> Vec<f64> {
        let k = stride;
        let mut a = vec![0.0f64; k * (k + 1)];
        for i in 0..k {
            for j in 0..k {
                a[i * (k + 1) + j] = alpha0 as f64 * gram[i * k + j] as f64 + if i == j { lambda as f64 } else { 0.0 };
            }
        }
        for &t in items {
            let y = &other[t as usize * k..(t as usize + 1) * k];
            for i in 0..k {
                for j in 0..k {
                    a[i * (k + 1) + j] += y[i] as f64 * y[j] as f64;
                }
                a[i * (k + 1) + k] += y[i] as f64;
            }
        }
        for c in 0..k {
            for r in c + 1..k {
                let f = a[r * (k + 1) + c] / a[c * (k + 1) + c];
                for j in c..=k {
                    a[r * (k + 1) + j] -= f * a[c * (k + 1) + j];
                }
            }
        }
        let mut x = vec![0.0f64; k];
        for r in (0..k).rev() {
            let mut s = a[r * (k + 1) + k];
            for j in r + 1..k {
                s -= a[r * (k + 1) + j] * x[j];
            }
            x[r] = s / a[r * (k + 1) + r];
        }
        x
    }

    fn other_side(rows: usize, stride: usize) -> Vec<f32> {
        (0..rows * stride).map(|i| ((i * 7919 % 101) as f32 / 101.0 - 0.5) * 0.6).collect()
    }

    #[test]
    fn gram_add_sums_outer_products() {
        let rows = [1.0f32, 2.0, 0.0, 3.0];
        let mut g = [0.0f32; 4];
        gram_add(&rows, 2, &mut g);
        assert_eq!(g, [1.0, 2.0, 2.0, 13.0]);
    }

    #[test]
    fn conjugate_gradient_reaches_the_exact_row() {
        let stride = 8;
        let other = other_side(20, stride);
        let mut gram = vec![0.0f32; stride * stride];
        gram_add(&other, stride, &mut gram);
        let indices = [1u32, 4, 5, 9, 13, 17];
        let observed = Observed { indptr: &[0, 6], indices: &indices, weights: None };
        let fit = Fit { alpha0: 0.1, reg: 0.01, nu: 1.0, steps: stride, n_other: 20 };
        let mut x = vec![0.0f32; stride];
        let left = solve_rows(&mut x, 0, observed, &other, &gram, stride, &fit);
        let lambda = 0.01 * (6.0 + 0.1 * 20.0);
        let want = exact(&indices, &other, &gram, stride, 0.1, lambda);
        for (a, b) in x.iter().zip(&want) {
            assert!((*a as f64 - b).abs() < 1e-3, "{x:?} vs {want:?}");
        }
        assert!(left < 1e-6, "{left}");
    }

    #[test]
    fn warm_steps_lower_the_residual_and_padding_stays_zero() {
        let stride = 8;
        let mut other = other_side(30, stride);
        for row in other.chunks_exact_mut(stride) {
            row[6] = 0.0;
            row[7] = 0.0;
        }
        let mut gram = vec![0.0f32; stride * stride];
        gram_add(&other, stride, &mut gram);
        let indices = [0u32, 2, 3, 8, 11, 12, 20, 29, 5, 7];
        let indptr = [0u32, 4, 10];
        let observed = Observed { indptr: &indptr, indices: &indices, weights: None };
        let fit = Fit { alpha0: 0.05, reg: 0.02, nu: 0.5, steps: 1, n_other: 30 };
        let mut x = vec![0.0f32; 2 * stride];
        let mut last = f64::INFINITY;
        for _ in 0..6 {
            let now = solve_rows(&mut x, 0, observed, &other, &gram, stride, &fit);
            assert!(now < last, "{now} !< {last}");
            last = now;
        }
        for row in x.chunks_exact(stride) {
            assert_eq!((row[6], row[7]), (0.0, 0.0));
        }
        // Solving the second row alone (first = 1) gives the same bits.
        let mut alone = vec![0.0f32; stride];
        for _ in 0..6 {
            solve_rows(&mut alone, 1, observed, &other, &gram, stride, &fit);
        }
        assert_eq!(alone, x[stride..]);
    }
}
