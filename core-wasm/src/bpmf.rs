//! Bayesian PMF (Salakhutdinov & Mnih 2008) by Gibbs sampling, with biases.
//!
//! Each user row holds `[p_u (k floats), b_u]` and each movie row `[q_i, b_i]`
//! (`stride ≥ k + 1` floats per row, the rest zero). A rating is modelled as
//! `r = μ + b_u + b_i + p_u·q_i + ε`, ε ~ N(0, 1/α). Sampling a user's row is
//! Bayesian linear regression of `r − μ − b_i` on the design `[q_i, 1]` with
//! the Gaussian prior N(μ_U, Λ_U⁻¹) over the `d = k + 1` coordinates (the bias
//! has its own learned prior, as a coordinate of the row); movies the same way
//! with the sides swapped. The hyperparameters `(μ, Λ)` of each side have a
//! Gaussian–Wishart prior (μ₀ = 0, β₀ = 2, ν₀ = d, W₀ = I) and are drawn from
//! their posterior given the side's rows; α has a Gamma(1, 1) prior.
//!
//! Randomness: every row draws from its own stream, seeded by `(seed, sweep,
//! side, row)`, so a sweep gives the same bits whichever thread samples which
//! rows. Arithmetic inside a row is in f64; rows are stored as f32.

// Dense k×k linear algebra reads clearest with explicit indices.
#![allow(clippy::needless_range_loop)]

use core::ops::Range;

/// Largest factor count the sampler accepts (a row solves a (k+1)×(k+1) system).
pub const MAX_K: usize = 128;

/// A seeded stream: splitmix64, with normal and gamma draws.
pub struct Rng {
    state: u64,
}

impl Rng {
    /// The stream of `(seed, a, b, c)`.
    pub fn new(seed: u64, a: u64, b: u64, c: u64) -> Rng {
        let mut r = Rng { state: seed ^ 0x6a09_e667_f3bc_c909 };
        for x in [a, b, c] {
            r.state ^= x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            r.next_u64();
        }
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (core::f64::consts::TAU * v).cos()
    }

    /// Gamma(shape, 1) (Marsaglia & Tsang 2000; shape < 1 by the boost `U^(1/shape)`).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let boost = self.uniform().powf(1.0 / shape);
            return self.gamma(shape + 1.0) * boost;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
}

/// In-place Cholesky factorisation of the symmetric positive definite `d×d`
/// matrix `a` (row-major; the lower triangle is read and becomes `L`, the
/// upper is zeroed). Returns false when `a` is not positive definite.
pub fn cholesky(a: &mut [f64], d: usize) -> bool {
    for j in 0..d {
        let s = a[j * d + j] - dot_f64(&a[j * d..j * d + j], &a[j * d..j * d + j]);
        if s <= 0.0 || !s.is_finite() {
            return false;
        }
        let l = s.sqrt();
        a[j * d + j] = l;
        for i in j + 1..d {
            let s = a[i * d + j] - dot_f64(&a[i * d..i * d + j], &a[j * d..j * d + j]);
            a[i * d + j] = s / l;
        }
        for i in j + 1..d {
            a[j * d + i] = 0.0;
        }
    }
    true
}

/// `a · b` in f64 with four running sums (four short dependency chains: the Cholesky
/// factorisation of a large matrix is this loop).
#[inline]
fn dot_f64(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let mut acc = [0.0f64; 4];
    let mut t = 0;
    while t + 4 <= n {
        for (j, s) in acc.iter_mut().enumerate() {
            *s += a[t + j] * b[t + j];
        }
        t += 4;
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    while t < n {
        s += a[t] * b[t];
        t += 1;
    }
    s
}

/// Solves `L y = b` in place (`L` lower triangular, row-major `d×d`).
pub fn solve_lower(l: &[f64], d: usize, b: &mut [f64]) {
    for i in 0..d {
        let mut s = b[i];
        for t in 0..i {
            s -= l[i * d + t] * b[t];
        }
        b[i] = s / l[i * d + i];
    }
}

/// Solves `Lᵀ x = b` in place.
pub fn solve_upper_t(l: &[f64], d: usize, b: &mut [f64]) {
    for i in (0..d).rev() {
        let mut s = b[i];
        for t in i + 1..d {
            s -= l[t * d + i] * b[t];
        }
        b[i] = s / l[i * d + i];
    }
}

/// One side's rows as a CSR: row r's other-side indices and ratings at `indptr[r]..indptr[r + 1]`.
pub struct Csr<'a> {
    /// Row starts, rows + 1 entries.
    pub indptr: &'a [u32],
    /// The other side's row of each rating.
    pub indices: &'a [u32],
    /// The ratings.
    pub ratings: &'a [f32],
}

/// A side's hyperparameters: prior mean and precision of its rows' `d = k + 1` coordinates.
pub struct Hyper<'a> {
    /// Mean, `d` values.
    pub mean: &'a [f64],
    /// Precision, `d×d` row-major.
    pub precision: &'a [f64],
    /// Per row of the side, a shift of the prior mean (`stride` floats per row, `d` used): with movie
    /// features, `βᵀf_i` (see `crate::macau`); None for none.
    pub offsets: Option<&'a [f32]>,
}

/// Scratch space for one row's solve (`d×d + 2d` f64: the precision, the linear term, the noise).
pub fn scratch_len(k: usize) -> usize {
    let d = k + 1;
    d * d + 2 * d
}

/// Row `r`'s data terms in f32: `g += Σ x xᵀ` over its ratings (`d` rows of `stride`
/// floats; row `i` up to the end of the lane of 4 holding column `i`, the lower
/// triangle the solve reads) and `h += Σ t x` (`stride` floats), where `x` is the other
/// side's row with its bias lane set to 1 and `t = rating − μ − that bias`. Ratings go
/// two at a time (`g += (xₐxₐ + x_b x_b)`, a last odd one paired with zeros), so each
/// accumulator is loaded and stored once per pair; each lane does the same operations
/// in the same order on both paths, with no fused multiply-add: the SIMD path and this
/// scalar twin give the same bits.
#[allow(clippy::too_many_arguments)]
fn data_terms_scalar(
    csr: &Csr,
    r: usize,
    other: &[f32],
    k: usize,
    stride: usize,
    mu: f32,
    g: &mut [f32],
    h: &mut [f32],
) {
    let d = k + 1;
    let (mut xa, mut xb) = ([0.0f32; MAX_K + 4], [0.0f32; MAX_K + 4]);
    let (first, last) = (csr.indptr[r] as usize, csr.indptr[r + 1] as usize);
    let mut e = first;
    while e < last {
        let ta = design(csr, e, other, k, stride, mu, &mut xa);
        let tb = if e + 1 < last {
            design(csr, e + 1, other, k, stride, mu, &mut xb)
        } else {
            xb.fill(0.0);
            0.0
        };
        for i in 0..d {
            for j in 0..(i / 4 + 1) * 4 {
                g[i * stride + j] += xa[i] * xa[j] + xb[i] * xb[j];
            }
        }
        for j in 0..stride {
            h[j] += ta * xa[j] + tb * xb[j];
        }
        e += 2;
    }
}

/// Rating `e`'s design row into `x` (the other side's row, its bias lane set to 1) and its target
/// `t = rating − μ − that bias`.
#[inline(always)]
fn design(csr: &Csr, e: usize, other: &[f32], k: usize, stride: usize, mu: f32, x: &mut [f32]) -> f32 {
    let o = &other[csr.indices[e] as usize * stride..][..stride];
    x[..stride].copy_from_slice(o);
    x[k] = 1.0;
    csr.ratings[e] - mu - o[k]
}

/// [`data_terms_scalar`] on wasm32 SIMD lanes.
#[cfg(target_arch = "wasm32")]
#[allow(clippy::too_many_arguments)]
fn data_terms(csr: &Csr, r: usize, other: &[f32], k: usize, stride: usize, mu: f32, g: &mut [f32], h: &mut [f32]) {
    use core::arch::wasm32::*;
    let d = k + 1;
    let lanes = stride / 4;
    let (mut xa, mut xb) = ([0.0f32; MAX_K + 4], [0.0f32; MAX_K + 4]);
    let (first, last) = (csr.indptr[r] as usize, csr.indptr[r + 1] as usize);
    // SAFETY: every vector access stays below `stride` floats of a row of `g`, `h`, `xa` or `xb`.
    unsafe {
        let mut e = first;
        while e < last {
            let ta = f32x4_splat(design(csr, e, other, k, stride, mu, &mut xa));
            let tb = f32x4_splat(if e + 1 < last {
                design(csr, e + 1, other, k, stride, mu, &mut xb)
            } else {
                xb.fill(0.0);
                0.0
            });
            let (pa, pb) = (xa.as_ptr(), xb.as_ptr());
            for i in 0..d {
                let (ia, ib) = (f32x4_splat(xa[i]), f32x4_splat(xb[i]));
                let row = g.as_mut_ptr().add(i * stride);
                for c in 0..i / 4 + 1 {
                    let at = row.add(4 * c) as *mut v128;
                    let va = v128_load(pa.add(4 * c) as *const v128);
                    let vb = v128_load(pb.add(4 * c) as *const v128);
                    v128_store(at, f32x4_add(v128_load(at), f32x4_add(f32x4_mul(ia, va), f32x4_mul(ib, vb))));
                }
            }
            for c in 0..lanes {
                let at = h.as_mut_ptr().add(4 * c) as *mut v128;
                let va = v128_load(pa.add(4 * c) as *const v128);
                let vb = v128_load(pb.add(4 * c) as *const v128);
                v128_store(at, f32x4_add(v128_load(at), f32x4_add(f32x4_mul(ta, va), f32x4_mul(tb, vb))));
            }
            e += 2;
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
use data_terms_scalar as data_terms;

/// Which implementation of the data terms a draw uses: the scalar twin exists to check the SIMD path's bits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lanes {
    /// wasm32 SIMD when built for it (else the scalar code).
    Simd,
    /// The scalar twin.
    Scalar,
}

/// Draws rows `rows` of one side from their conditional posterior given the
/// other side's rows `other` (all of them), the side's hyperparameters and the
/// noise precision `alpha`. `own` holds just the rows of the range. Returns
/// false if a row's posterior precision is not positive definite (not
/// expected: the prior's precision is).
#[allow(clippy::too_many_arguments)]
pub fn sample_rows(
    csr: &Csr,
    rows: Range<usize>,
    own: &mut [f32],
    other: &[f32],
    k: usize,
    stride: usize,
    mu: f32,
    hyper: &Hyper,
    alpha: f64,
    stream: (u64, u64, u64),
    scratch: &mut [f64],
    lanes: Lanes,
) -> bool {
    let d = k + 1;
    let (a, rest) = scratch.split_at_mut(d * d);
    let (b, z) = rest.split_at_mut(d);
    let z = &mut z[..d];
    let mut g = vec![0.0f32; d * stride];
    let mut h = vec![0.0f32; stride];
    // Λμ, the prior's share of every row's linear term.
    let mut prior_b = [0.0f64; MAX_K + 1];
    for i in 0..d {
        prior_b[i] = (0..d).map(|j| hyper.precision[i * d + j] * hyper.mean[j]).sum();
    }
    for (slot, r) in rows.enumerate() {
        a.copy_from_slice(&hyper.precision[..d * d]);
        b.copy_from_slice(&prior_b[..d]);
        if let Some(offsets) = hyper.offsets {
            let o = &offsets[r * stride..][..d];
            for i in 0..d {
                b[i] += (0..d).map(|j| hyper.precision[i * d + j] * o[j] as f64).sum::<f64>();
            }
        }
        g.fill(0.0);
        h.fill(0.0);
        match lanes {
            Lanes::Simd => data_terms(csr, r, other, k, stride, mu, &mut g, &mut h),
            Lanes::Scalar => data_terms_scalar(csr, r, other, k, stride, mu, &mut g, &mut h),
        }
        for i in 0..d {
            for j in 0..=i {
                a[i * d + j] += alpha * g[i * stride + j] as f64;
            }
            b[i] += alpha * h[i] as f64;
        }
        if !cholesky(a, d) {
            return false;
        }
        // mean = A⁻¹b, draw = mean + L⁻ᵀz.
        solve_lower(a, d, b);
        solve_upper_t(a, d, b);
        let mut rng = Rng::new(stream.0, stream.1, stream.2, r as u64);
        for v in z.iter_mut() {
            *v = rng.normal();
        }
        solve_upper_t(a, d, z);
        let out = &mut own[slot * stride..(slot + 1) * stride];
        for j in 0..d {
            out[j] = (b[j] + z[j]) as f32;
        }
    }
    true
}

/// What the movie features add to the movie side's hyperparameter draw: the prior on the
/// projection β (`n_features × d`, rows N(0, (λΛ)⁻¹)) contributes `λ·βᵀβ` to the scatter and
/// `n_features` degrees of freedom.
pub struct Projection<'a> {
    /// `λ·βᵀβ`, `d×d`.
    pub scatter: &'a [f64],
    /// Rows of β.
    pub n_features: usize,
}

/// Draws a side's hyperparameters `(mean, precision)` from their Gaussian–Wishart
/// posterior given its `n` rows (`d = k + 1` coordinates each), less their prior
/// mean shifts when `offsets` are given. Writes `mean` (d) and `precision` (d×d).
/// Returns false on a numerical failure.
#[allow(clippy::too_many_arguments)]
pub fn sample_hyper(
    rows: &[f32],
    offsets: Option<&[f32]>,
    projection: Option<&Projection>,
    n: usize,
    k: usize,
    stride: usize,
    rng: &mut Rng,
    mean: &mut [f64],
    precision: &mut [f64],
) -> bool {
    let d = k + 1;
    let (beta0, nu0) = (2.0f64, d as f64);
    let nf = n as f64;
    let at = |r: usize, j: usize| rows[r * stride + j] as f64 - offsets.map_or(0.0, |o| o[r * stride + j] as f64);
    let mut xbar = vec![0.0f64; d];
    for r in 0..n {
        for j in 0..d {
            xbar[j] += at(r, j);
        }
    }
    for v in xbar.iter_mut() {
        *v /= nf.max(1.0);
    }
    // W*⁻¹ = W₀⁻¹ + Σ (x − x̄)(x − x̄)ᵀ + β₀N/(β₀+N) x̄x̄ᵀ  (μ₀ = 0, W₀ = I).
    let mut winv = vec![0.0f64; d * d];
    for i in 0..d {
        winv[i * d + i] = 1.0;
    }
    let mut c = vec![0.0f64; d];
    for r in 0..n {
        for j in 0..d {
            c[j] = at(r, j) - xbar[j];
        }
        for i in 0..d {
            for j in 0..=i {
                winv[i * d + j] += c[i] * c[j];
            }
        }
    }
    let shrink = beta0 * nf / (beta0 + nf);
    for i in 0..d {
        for j in 0..=i {
            winv[i * d + j] += shrink * xbar[i] * xbar[j] + projection.map_or(0.0, |p| p.scatter[i * d + j]);
        }
    }
    // W* = (W*⁻¹)⁻¹ through its Cholesky factor: W*⁻¹ = M Mᵀ, so W* = M⁻ᵀM⁻¹ and its
    // Cholesky-like factor is M⁻ᵀ; Bartlett: Λ = M⁻ᵀ A Aᵀ M⁻¹ with A lower triangular,
    // A_ii = sqrt(χ²(ν − i)), A_ij ~ N(0, 1) below the diagonal.
    if !cholesky(&mut winv, d) {
        return false;
    }
    let nu = nu0 + nf + projection.map_or(0, |p| p.n_features) as f64;
    let mut amat = vec![0.0f64; d * d];
    for i in 0..d {
        amat[i * d + i] = (2.0 * rng.gamma((nu - i as f64) / 2.0)).sqrt();
        for j in 0..i {
            amat[i * d + j] = rng.normal();
        }
    }
    // B = M⁻ᵀ A, column by column: solve Mᵀ b_j = a_j.
    let mut bmat = vec![0.0f64; d * d];
    let mut col = vec![0.0f64; d];
    for j in 0..d {
        for i in 0..d {
            col[i] = amat[i * d + j];
        }
        solve_upper_t(&winv, d, &mut col);
        for i in 0..d {
            bmat[i * d + j] = col[i];
        }
    }
    for i in 0..d {
        for j in 0..d {
            precision[i * d + j] = (0..d).map(|t| bmat[i * d + t] * bmat[j * d + t]).sum();
        }
    }
    // μ ~ N(μ*, (βΛ)⁻¹), μ* = N x̄ / (β₀ + N).
    let beta = beta0 + nf;
    let mut lam = vec![0.0f64; d * d];
    for i in 0..d * d {
        lam[i] = beta * precision[i];
    }
    if !cholesky(&mut lam, d) {
        return false;
    }
    let mut z: Vec<f64> = (0..d).map(|_| rng.normal()).collect();
    solve_upper_t(&lam, d, &mut z);
    for j in 0..d {
        mean[j] = nf * xbar[j] / beta + z[j];
    }
    true
}

/// The diagonal of the inverse of the symmetric positive definite `d×d` matrix
/// `precision` (a side's prior variances) into `out`. Returns false if it is not
/// positive definite.
pub fn inverse_diagonal(precision: &[f64], d: usize, out: &mut [f64]) -> bool {
    let mut l = precision[..d * d].to_vec();
    if !cholesky(&mut l, d) {
        return false;
    }
    // (LLᵀ)⁻¹ = L⁻ᵀL⁻¹: entry (i, i) is Σ_j (L⁻¹)_ji², column i of L⁻¹ from L y = e_i.
    let mut col = vec![0.0f64; d];
    for i in 0..d {
        col.fill(0.0);
        col[i] = 1.0;
        solve_lower(&l, d, &mut col);
        out[i] = col.iter().map(|x| x * x).sum();
    }
    true
}

/// The model's raw prediction `μ + b_u + b_i + p_u·q_i` from a user's and a movie's row, in f64.
#[inline]
fn predict(p: &[f32], q: &[f32], k: usize, mu: f32) -> f64 {
    let dot: f64 = (0..k).map(|j| p[j] as f64 * q[j] as f64).sum();
    mu as f64 + p[k] as f64 + q[k] as f64 + dot
}

/// The sum of squared errors of [`predict`] over the ratings of users `rows` (user CSR).
pub fn sse(csr: &Csr, rows: Range<usize>, users: &[f32], movies: &[f32], k: usize, stride: usize, mu: f32) -> f64 {
    let mut s = 0.0f64;
    for u in rows {
        let p = &users[u * stride..][..stride];
        for e in csr.indptr[u] as usize..csr.indptr[u + 1] as usize {
            let q = &movies[csr.indices[e] as usize * stride..][..stride];
            let err = csr.ratings[e] as f64 - predict(p, q, k, mu);
            s += err * err;
        }
    }
    s
}

/// Draws the noise precision α from its Gamma(1 + N/2, 1 + SSE/2) posterior.
pub fn sample_alpha(sse: f64, n: usize, rng: &mut Rng) -> f64 {
    rng.gamma(1.0 + n as f64 / 2.0) / (1.0 + sse / 2.0)
}

/// Adds one sample's raw predictions (unclamped) for ratings `(users[i], movies[i])`
/// to `sum` and their squares to `sum_sq`.
#[allow(clippy::too_many_arguments)]
pub fn accumulate(
    users_idx: &[u32],
    movies_idx: &[u32],
    users: &[f32],
    movies: &[f32],
    k: usize,
    stride: usize,
    mu: f32,
    sum: &mut [f64],
    sum_sq: &mut [f64],
) {
    for i in 0..users_idx.len() {
        let p = &users[users_idx[i] as usize * stride..][..stride];
        let q = &movies[movies_idx[i] as usize * stride..][..stride];
        let y = predict(p, q, k, mu);
        sum[i] += y;
        sum_sq[i] += y * y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_and_solves_invert_a_known_matrix() {
        let mut a = vec![4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let orig = a.clone();
        assert!(cholesky(&mut a, 3));
        let mut x = vec![1.0, 2.0, 3.0];
        solve_lower(&a, 3, &mut x);
        solve_upper_t(&a, 3, &mut x);
        for i in 0..3 {
            let back: f64 = (0..3).map(|j| orig[i * 3 + j] * x[j]).sum();
            assert!((back - (i + 1) as f64).abs() < 1e-12);
        }
        assert!(!cholesky(&mut [1.0, 2.0, 2.0, 1.0], 2));
    }

    #[test]
    fn inverse_diagonal_matches_a_known_inverse() {
        // [[2, 1], [1, 2]]⁻¹ = [[2, -1], [-1, 2]] / 3.
        let mut out = [0.0; 2];
        assert!(inverse_diagonal(&[2.0, 1.0, 1.0, 2.0], 2, &mut out));
        assert!((out[0] - 2.0 / 3.0).abs() < 1e-12 && (out[1] - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn draws_have_their_distributions_moments() {
        let mut rng = Rng::new(7, 1, 2, 3);
        let n = 200_000;
        let (mut s, mut s2, mut g) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let x = rng.normal();
            s += x;
            s2 += x * x;
            g += rng.gamma(2.5);
        }
        assert!((s / n as f64).abs() < 0.01);
        assert!((s2 / n as f64 - 1.0).abs() < 0.01);
        assert!((g / n as f64 - 2.5).abs() < 0.02);
        let small: f64 = (0..n).map(|_| rng.gamma(0.5)).sum::<f64>() / n as f64;
        assert!((small - 0.5).abs() < 0.01, "{small}");
    }

    #[test]
    fn a_row_with_many_ratings_concentrates_on_the_least_squares_answer() {
        // One user, k = 2, 400 movies with known rows; ratings from p = (1, -0.5), b_u = 0.3, α large.
        let (k, stride, n) = (2usize, 4usize, 400usize);
        let mut movies = vec![0.0f32; n * stride];
        let mut rng = Rng::new(1, 0, 0, 0);
        let mut ratings = vec![0.0f32; n];
        for i in 0..n {
            movies[i * stride] = rng.normal() as f32;
            movies[i * stride + 1] = rng.normal() as f32;
            movies[i * stride + 2] = 0.1; // the movie's bias
            ratings[i] = 3.0 + 0.3 + 0.1 + movies[i * stride] - 0.5 * movies[i * stride + 1];
        }
        let indptr = [0u32, n as u32];
        let indices: Vec<u32> = (0..n as u32).collect();
        let csr = Csr { indptr: &indptr, indices: &indices, ratings: &ratings };
        let mean = [0.0f64; 3];
        let precision = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        let hyper = Hyper { mean: &mean, precision: &precision, offsets: None };
        let mut own = vec![0.0f32; stride];
        let mut scratch = vec![0.0f64; scratch_len(k)];
        assert!(sample_rows(
            &csr,
            0..1,
            &mut own,
            &movies,
            k,
            stride,
            3.0,
            &hyper,
            1e4,
            (1, 2, 3),
            &mut scratch,
            Lanes::Simd
        ));
        assert!((own[0] - 1.0).abs() < 0.01 && (own[1] + 0.5).abs() < 0.01 && (own[2] - 0.3).abs() < 0.01, "{own:?}");
        assert_eq!(own[3], 0.0, "padding stays zero");
    }

    #[test]
    fn hyperparameters_follow_the_rows() {
        // 5,000 rows from N((1, -2, 0.5), diag(4, 1, 0.25)): the drawn precision is near diag(1/4, 1, 4).
        let (k, stride, n) = (2usize, 4usize, 5000usize);
        let mut rng = Rng::new(3, 0, 0, 0);
        let sd = [2.0f64, 1.0, 0.5];
        let mu = [1.0f64, -2.0, 0.5];
        let mut rows = vec![0.0f32; n * stride];
        for r in 0..n {
            for j in 0..3 {
                rows[r * stride + j] = (mu[j] + sd[j] * rng.normal()) as f32;
            }
        }
        let (mut mean, mut prec) = (vec![0.0; 3], vec![0.0; 9]);
        assert!(sample_hyper(&rows, None, None, n, k, stride, &mut rng, &mut mean, &mut prec));
        for j in 0..3 {
            // The sample mean and the draw around it each have sd ≈ sd_j/√n.
            assert!((mean[j] - mu[j]).abs() < 6.0 * sd[j] / (n as f64).sqrt(), "{mean:?}");
            let want = 1.0 / (sd[j] * sd[j]);
            assert!((prec[j * 3 + j] / want - 1.0).abs() < 0.1, "{prec:?}");
        }
    }
}
