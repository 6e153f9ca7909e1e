//! The metadata projection: each movie's features `f_i` (a CSR row) map into
//! the factor space through `W` (features × stride) and to a bias through
//! `w_b`: `m_i = Σ f_ie W[e]`, `mb_i = Σ f_ie w_b[e]`.
//!
//! Training keeps W fixed during a round of passes, which sum each movie's
//! gradient into `G_i` (see `train.rs`); between rounds [`reduce`] turns those
//! sums into `dW = Σ_i f_i ⊗ G_i` (in a fixed order, so results are
//! reproducible) and [`adam_step`] updates W.

use core::ops::Range;

/// A CSR matrix: row r's entries are `indptr[r]..indptr[r + 1]`.
pub struct Csr<'a> {
    /// Row starts, rows + 1 entries.
    pub indptr: &'a [u32],
    /// Column of each entry.
    pub indices: &'a [u32],
    /// Value of each entry.
    pub values: &'a [f32],
}

/// Checks that rows are well formed and columns are below `cols`.
pub fn check(csr: &Csr, rows: usize, cols: usize) -> bool {
    if csr.indptr.len() != rows + 1 || csr.indptr[0] != 0 {
        return false;
    }
    let nnz = csr.indptr[rows] as usize;
    nnz <= csr.indices.len()
        && nnz <= csr.values.len()
        && csr.indptr.windows(2).all(|w| w[0] <= w[1])
        && csr.indices[..nnz].iter().all(|&c| (c as usize) < cols)
}

/// `m_i = Σ_e v_e W[c_e]` and `mb_i = Σ_e v_e wb[c_e]` for rows `rows` of the
/// matrix; `m` and `mb` hold just those rows (`stride` floats each). Rows are
/// independent, so ranges can be projected on different threads.
pub fn project(csr: &Csr, rows: Range<usize>, w: &[f32], wb: &[f32], stride: usize, m: &mut [f32], mb: &mut [f32]) {
    for (k, i) in rows.enumerate() {
        let entries = csr.indptr[i] as usize..csr.indptr[i + 1] as usize;
        let (cols, values) = (&csr.indices[entries.clone()], &csr.values[entries]);
        crate::vector::combine_rows(cols, values, w, stride, &mut m[k * stride..(k + 1) * stride]);
        let mut bias = 0.0f32;
        for (&c, &v) in cols.iter().zip(values) {
            bias += v * wb[c as usize];
        }
        mb[k] = bias;
    }
}

/// `dW = Σ_i Σ_e v_e G_i` (into row `c_e`) and `dwb = Σ_i Σ_e v_e gb_i` over rows
/// `rows` (`g` and `gb` hold just those rows), in row order, overwriting `dw` and
/// `dwb`; then zeroes those rows of G and gb. A range's sums are a partial of the
/// whole, added up by the host in a fixed order of ranges.
pub fn reduce(
    csr: &Csr,
    rows: Range<usize>,
    g: &mut [f32],
    gb: &mut [f32],
    stride: usize,
    dw: &mut [f32],
    dwb: &mut [f32],
) {
    dw.fill(0.0);
    dwb.fill(0.0);
    for (k, i) in rows.enumerate() {
        let entries = csr.indptr[i] as usize..csr.indptr[i + 1] as usize;
        let (cols, values) = (&csr.indices[entries.clone()], &csr.values[entries]);
        let gi = &mut g[k * stride..(k + 1) * stride];
        crate::vector::scatter_rows(cols, values, dw, stride, gi);
        for (&c, &v) in cols.iter().zip(values) {
            dwb[c as usize] += v * gb[k];
        }
        gi.fill(0.0);
        gb[k] = 0.0;
    }
}

/// A range of movies as a round of passes sees them: factor rows `q` and biases `b`, their
/// projections `m` and `mb`, and training ratings `counts`; rows of `stride` floats.
pub struct RoundRows<'a> {
    /// Factor rows.
    pub q: &'a mut [f32],
    /// Biases.
    pub b: &'a mut [f32],
    /// Projected rows `W·f`.
    pub m: &'a [f32],
    /// Projected biases.
    pub mb: &'a [f32],
    /// Training ratings of each movie.
    pub counts: &'a [u32],
    /// Floats per row.
    pub stride: usize,
}

/// The rated movies' rows and biases in the form SGD and AdaGrad train them with metadata: `v = q + m`,
/// `bv = b + mb`, regularised toward `m` and `mb` (with W fixed, the same steps as `q` and `b`
/// regularised toward zero, without adding `m` at every rating). `enter` shifts `q += m`,
/// `b += mb` and keeps the result in `vs`, `bvs` (the round's start); movies with no training
/// ratings (`counts` 0) are left as they are.
pub fn enter(rows: RoundRows, vs: &mut [f32], bvs: &mut [f32]) {
    let RoundRows { q, b, m, mb, counts, stride } = rows;
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let r = i * stride..(i + 1) * stride;
        for ((qj, &mj), sj) in q[r.clone()].iter_mut().zip(&m[r.clone()]).zip(&mut vs[r]) {
            *qj += mj;
            *sj = *qj;
        }
        b[i] += mb[i];
        bvs[i] = b[i];
    }
}

/// Coefficients of [`leave`]: `1/lr` of the rows and of the biases, and the rows' and
/// biases' regularisation times the share of each movie's ratings the round trained.
#[derive(Clone, Copy)]
pub struct RoundRates {
    /// `1 / lr` of the rows.
    pub inv_lr: f32,
    /// `1 / lr` of the biases.
    pub inv_lr_bias: f32,
    /// Row regularisation × share.
    pub reg: f32,
    /// Bias regularisation × share.
    pub reg_bias: f32,
}

/// Ends a round that [`enter`] began: adds each rated movie's summed data gradient
/// `Σ e·p` (ascent) to `g` and `Σ e` to `gb` — what W's step needs, recovered from the
/// rows instead of summed at every rating: a step is `v' = v + lr·(e·p − reg·(v − m))`,
/// so `Σ e·p = Δv/lr + reg·Σ(v − m)`, the second sum taken as `c·((vs + v)/2 − m)` with
/// `c` the ratings the round trained — and shifts back `q −= m`, `b −= mb`.
pub fn leave(rows: RoundRows, (vs, bvs): (&[f32], &[f32]), r: RoundRates, g: &mut [f32], gb: &mut [f32]) {
    let RoundRows { q, b, m, mb, counts, stride } = rows;
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let c = c as f32;
        let row = i * stride..(i + 1) * stride;
        let (mi, si) = (&m[row.clone()], &vs[row.clone()]);
        recover(&mut q[row.clone()], &mut g[row], mi, si, r.inv_lr, r.reg * c);
        gb[i] += (b[i] - bvs[i]) * r.inv_lr_bias + (r.reg_bias * c) * (0.5 * (bvs[i] + b[i]) - mb[i]);
        b[i] -= mb[i];
    }
}

/// [`leave`] for AdaGrad, whose step sizes differ from movie to movie and shrink as it
/// learns: the pass summed each movie's row step sizes and kept ratings of the round into
/// `sums[4i + 2]`, `sums[4i + 3]` (its AdaGrad state, 4 floats a movie; zeroed here) and
/// the biases' gradient into W's sums directly. The rows' gradient is recovered as in
/// [`leave`] with the round's mean step size, which moves little within a round (the sum
/// under its square root grows by about `e²/k` a rating). Then the rows and biases shift
/// back.
pub fn leave_adagrad(rows: RoundRows, vs: &[f32], reg: f32, sums: &mut [f32], g: &mut [f32]) {
    let RoundRows { q, b, m, mb, counts, stride } = rows;
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let row = i * stride..(i + 1) * stride;
        let (rates, kept) = (sums[4 * i + 2], sums[4 * i + 3]);
        if kept > 0.0 {
            let (mi, si) = (&m[row.clone()], &vs[row.clone()]);
            recover(&mut q[row.clone()], &mut g[row.clone()], mi, si, kept / rates, reg * kept);
        } else {
            q[row.clone()].iter_mut().zip(&m[row]).for_each(|(qj, &mj)| *qj -= mj);
        }
        sums[4 * i + 2] = 0.0;
        sums[4 * i + 3] = 0.0;
        b[i] -= mb[i];
    }
}

/// One movie's row at the end of a round: adds to `g` the gradient sum of the round's
/// ratings recovered from the row's move from `start` to `q` (steps of size `1/inv_lr`,
/// `reg_n` the weight decay times the ratings: `Σ e·p = Δv/lr + reg·Σ(v - m)`, the sum
/// taken at the midpoint), and shifts `q` back by `m`.
fn recover(q: &mut [f32], g: &mut [f32], m: &[f32], start: &[f32], inv_lr: f32, reg_n: f32) {
    for (((qj, gj), &mj), &sj) in q.iter_mut().zip(g).zip(m).zip(start) {
        *gj += (*qj - sj) * inv_lr + reg_n * (0.5 * (sj + *qj) - mj);
        *qj -= mj;
    }
}

/// One Adam step on `w` from the ascent sum `dw` (zeroed afterwards): the loss
/// gradient is `-scale * dw + reg * w`; `c1`, `c2` are `1 - beta^t`.
#[allow(clippy::too_many_arguments)]
pub fn adam_step(
    w: &mut [f32],
    dw: &mut [f32],
    mw: &mut [f32],
    vw: &mut [f32],
    scale: f32,
    h: &crate::train::Hyper,
    c1: f32,
    c2: f32,
) {
    for j in 0..w.len() {
        let g = h.reg * w[j] - scale * dw[j];
        mw[j] = h.beta1 * mw[j] + (1.0 - h.beta1) * g;
        vw[j] = h.beta2 * vw[j] + (1.0 - h.beta2) * (g * g);
        w[j] -= h.lr * ((mw[j] / c1) / (crate::train::sqrt(vw[j] / c2) + h.eps));
        dw[j] = 0.0;
    }
}

/// Sizes of the hidden-layer projection.
#[derive(Clone, Copy)]
pub struct Hidden {
    /// Hidden units (a multiple of 4).
    pub units: usize,
    /// Floats per factor row.
    pub stride: usize,
}

/// With one hidden layer: `h_i = relu(Σ_e v_e W1[c_e] + b1)` (W1: features × units),
/// `m_i = Σ_j h_ij W2[j]` (W2: units × stride), `mb_i = Σ_e v_e wb[c_e]`. Keeps `h` for [`reduce_hidden`].
#[allow(clippy::too_many_arguments)]
pub fn project_hidden(
    csr: &Csr,
    w1: &[f32],
    b1: &[f32],
    w2: &[f32],
    wb: &[f32],
    d: Hidden,
    hidden: &mut [f32],
    m: &mut [f32],
    mb: &mut [f32],
) {
    let rows = csr.indptr.len() - 1;
    let (h, s) = (d.units, d.stride);
    for i in 0..rows {
        let hi = &mut hidden[i * h..(i + 1) * h];
        let mut bias = 0.0f32;
        let (lo, hi_end) = (csr.indptr[i] as usize, csr.indptr[i + 1] as usize);
        if lo == hi_end {
            // No features: no metadata at all (not relu(b1)).
            for x in hi.iter_mut() {
                *x = 0.0;
            }
        } else {
            hi.copy_from_slice(b1);
            for e in lo..hi_end {
                let (c, v) = (csr.indices[e] as usize, csr.values[e]);
                crate::vector::axpy(v, &w1[c * h..(c + 1) * h], hi);
                bias += v * wb[c];
            }
            for x in hi.iter_mut() {
                if *x < 0.0 {
                    *x = 0.0;
                }
            }
        }
        mb[i] = bias;
        let out = &mut m[i * s..(i + 1) * s];
        for x in out.iter_mut() {
            *x = 0.0;
        }
        for j in 0..h {
            if hi[j] != 0.0 {
                crate::vector::axpy(hi[j], &w2[j * s..(j + 1) * s], out);
            }
        }
    }
}

/// Back-propagates the per-movie sums `G_i`, `gb_i` through the hidden layer
/// into `dW1`, `db1`, `dW2`, `dwb` (ascent sums), then zeroes G and gb.
#[allow(clippy::too_many_arguments)]
pub fn reduce_hidden(
    csr: &Csr,
    g: &mut [f32],
    gb: &mut [f32],
    hidden: &[f32],
    w2: &[f32],
    d: Hidden,
    dw1: &mut [f32],
    db1: &mut [f32],
    dw2: &mut [f32],
    dwb: &mut [f32],
) {
    let rows = csr.indptr.len() - 1;
    let (h, s) = (d.units, d.stride);
    let mut dh = [0.0f32; 256];
    for i in 0..rows {
        let gi = &mut g[i * s..(i + 1) * s];
        let hi = &hidden[i * h..(i + 1) * h];
        for j in 0..h {
            dh[j] = if hi[j] > 0.0 {
                crate::vector::axpy(hi[j], gi, &mut dw2[j * s..(j + 1) * s]);
                crate::vector::dot(&w2[j * s..(j + 1) * s], gi)
            } else {
                0.0
            };
        }
        let (lo, hi_end) = (csr.indptr[i] as usize, csr.indptr[i + 1] as usize);
        if lo < hi_end {
            crate::vector::axpy(1.0, &dh[..h], db1);
        }
        for e in lo..hi_end {
            let (c, v) = (csr.indices[e] as usize, csr.values[e]);
            crate::vector::axpy(v, &dh[..h], &mut dw1[c * h..(c + 1) * h]);
            dwb[c] += v * gb[i];
        }
        for x in gi.iter_mut() {
            *x = 0.0;
        }
        gb[i] = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_recovers_the_summed_gradient_and_restores_the_rows() {
        // Two movies of 4 floats: movie 0 takes three SGD steps against its metadata row,
        // movie 1 has no ratings.
        let (stride, lr, reg) = (4, 0.05f32, 0.1f32);
        let mut q = vec![0.3, -0.2, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0];
        let mut b = vec![0.2, 0.0];
        let (m, mb) = (vec![0.5, 0.1, -0.3, 0.2, 0.7, 0.7, 0.7, 0.7], vec![0.4, 0.3]);
        let counts = [3, 0];
        let (q0, b0) = (q.clone(), b.clone());
        let (mut vs, mut bvs) = (vec![0.0; 8], vec![0.0; 2]);
        enter(RoundRows { q: &mut q, b: &mut b, m: &m, mb: &mb, counts: &counts, stride }, &mut vs, &mut bvs);
        assert_eq!(&q[4..], &[0.0; 4], "a movie without ratings stays as it is");
        let (mut want, mut want_b) = ([0.0f32; 4], 0.0f32);
        for (e, p) in [(0.5f32, [1.0f32, 0.5, -0.5, 0.2]), (-0.3, [0.2, 0.1, 0.4, -1.0]), (0.8, [0.3, -0.6, 0.2, 0.5])]
        {
            for j in 0..4 {
                want[j] += e * p[j];
                q[j] += lr * (e * p[j] - reg * (q[j] - m[j]));
            }
            want_b += e;
            b[0] += lr * (e - reg * (b[0] - mb[0]));
        }
        let (mut g, mut gb) = (vec![0.0; 8], vec![0.0; 2]);
        let rates = RoundRates { inv_lr: 1.0 / lr, inv_lr_bias: 1.0 / lr, reg, reg_bias: reg };
        leave(
            RoundRows { q: &mut q, b: &mut b, m: &m, mb: &mb, counts: &counts, stride },
            (&vs, &bvs),
            rates,
            &mut g,
            &mut gb,
        );
        // Exact but for the regularisation's sum, taken by the trapezoid rule:
        // at most reg · steps · max |Δv| = 0.1 · 3 · 0.04 off.
        for j in 0..4 {
            assert!((g[j] - want[j]).abs() < 0.012, "lane {j}: {} vs {}", g[j], want[j]);
            // Back in the model's form: the own part moved by the steps only.
            assert!((q[j] - (vs[j] - m[j])).abs() < 0.2 && (q[j] - q0[j]).abs() < 0.2);
        }
        assert!((gb[0] - want_b).abs() < 0.012, "{} vs {want_b}", gb[0]);
        assert!((b[0] - b0[0]).abs() < 0.1);
        assert_eq!((&g[4..], gb[1], b[1]), (&[0.0f32; 4][..], 0.0, 0.0));
    }

    #[test]
    fn an_adagrad_round_recovers_the_gradient_with_the_mean_step_size() {
        // Movie 0 takes three steps of shrinking size against its metadata row, as AdaGrad
        // does; movie 1 was entered but kept no ratings this round; movie 2 has none at all.
        let (stride, reg) = (4, 0.1f32);
        let mut q = vec![0.3, -0.2, 0.1, 0.0, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0, 0.0, 0.0];
        let mut b = vec![0.2, -0.1, 0.0];
        let m = vec![0.5, 0.1, -0.3, 0.2, 0.7, 0.7, 0.7, 0.7, 0.9, 0.9, 0.9, 0.9];
        let mb = vec![0.4, 0.3, 0.2];
        let counts = [3, 2, 0];
        let (q0, b0) = (q.clone(), b.clone());
        let (mut vs, mut bvs) = (vec![0.0; 12], vec![0.0; 3]);
        enter(RoundRows { q: &mut q, b: &mut b, m: &m, mb: &mb, counts: &counts, stride }, &mut vs, &mut bvs);
        let mut sums = vec![0.0f32; 12];
        sums[0] = 7.0; // AdaGrad's own sum, left alone
        let mut want = [0.0f32; 4];
        let steps = [
            (0.05f32, 0.5f32, [1.0f32, 0.5, -0.5, 0.2]),
            (0.048, -0.3, [0.2, 0.1, 0.4, -1.0]),
            (0.046, 0.8, [0.3, -0.6, 0.2, 0.5]),
        ];
        for (lr, e, p) in steps {
            for j in 0..4 {
                want[j] += e * p[j];
                q[j] += lr * (e * p[j] - reg * (q[j] - m[j]));
            }
            sums[2] += lr;
            sums[3] += 1.0;
        }
        let mut g = vec![0.0; 12];
        leave_adagrad(
            RoundRows { q: &mut q, b: &mut b, m: &m, mb: &mb, counts: &counts, stride },
            &vs,
            reg,
            &mut sums,
            &mut g,
        );
        // Off by the steps' spread around their mean (±4%) and the trapezoid rule.
        for j in 0..4 {
            assert!((g[j] - want[j]).abs() < 0.03, "lane {j}: {} vs {}", g[j], want[j]);
        }
        assert_eq!(&g[4..], &[0.0f32; 8], "no kept ratings, no gradient");
        assert_eq!(&sums, &[7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], "the round's sums are zeroed");
        let near = |a: &[f32], c: &[f32], tol: f32| a.iter().zip(c).all(|(x, y)| (x - y).abs() <= tol);
        assert!(near(&q[4..], &q0[4..], 1e-6), "rows without kept ratings are back where they were");
        assert!(near(&q[..4], &q0[..4], 0.1));
        assert!(near(&b, &b0, 1e-6), "the biases shift back (their gradient was summed in the pass)");
    }

    #[test]
    fn projects_reduces_and_learns_a_linear_map() {
        // Two features, three movies, stride 4: movie i = f_i · W.
        let csr = Csr { indptr: &[0, 1, 2, 4], indices: &[0, 1, 0, 1], values: &[1.0, 1.0, 0.5, 0.5] };
        assert!(check(&csr, 3, 2));
        assert!(!check(&csr, 3, 1));
        let mut w = vec![1.0, 2.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0];
        let (mut m, mut mb) = (vec![0.0; 12], vec![0.0; 3]);
        project(&csr, 0..3, &w, &[1.0, -1.0], 4, &mut m, &mut mb);
        assert_eq!(&m[8..10], &[2.0, 3.0]);
        assert_eq!(mb, vec![1.0, -1.0, 0.0]);
        let (mut g, mut gb) = (vec![1.0; 12], vec![1.0, 2.0, 4.0]);
        let (mut dw, mut dwb) = (vec![9.0; 8], vec![9.0; 2]);
        reduce(&csr, 0..3, &mut g, &mut gb, 4, &mut dw, &mut dwb);
        assert_eq!(&dw[..4], &[1.5, 1.5, 1.5, 1.5]);
        assert_eq!(dwb, vec![3.0, 4.0]);
        assert!(g.iter().all(|&x| x == 0.0) && gb.iter().all(|&x| x == 0.0));
        // Two ranges give partials that add up to the whole; a range projects just its rows.
        let (mut g, mut gb) = (vec![1.0; 12], vec![1.0, 2.0, 4.0]);
        let (mut d0, mut b0, mut d1, mut b1) = (vec![0.0; 8], vec![0.0; 2], vec![0.0; 8], vec![0.0; 2]);
        let (g0, g1) = g.split_at_mut(4);
        let (gb0, gb1) = gb.split_at_mut(1);
        reduce(&csr, 0..1, g0, gb0, 4, &mut d0, &mut b0);
        reduce(&csr, 1..3, g1, gb1, 4, &mut d1, &mut b1);
        let summed: Vec<f32> = d0.iter().zip(&d1).map(|(a, b)| a + b).collect();
        assert_eq!((&summed[..4], b0[0] + b1[0], b0[1] + b1[1]), (&dw[..4], dwb[0], dwb[1]));
        let (mut m2, mut mb2) = (vec![0.0; 4], vec![0.0; 1]);
        project(&csr, 2..3, &w, &[1.0, -1.0], 4, &mut m2, &mut mb2);
        assert_eq!((&m2[..], mb2[0]), (&m[8..12], mb[2]));
        let h = crate::train::Hyper {
            optimizer: 1,
            lr: 0.1,
            lr_bias: 0.1,
            reg: 0.0,
            reg_bias: 0.0,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            drop: 0.0,
            salt: 0,
        };
        let (mut mw, mut vw) = (vec![0.0; 8], vec![0.0; 8]);
        let before = w[0];
        adam_step(&mut w, &mut dw, &mut mw, &mut vw, 1.0, &h, 0.1, 0.001);
        assert!(w[0] > before, "an ascent sum moves w up");
        assert!(dw.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn hidden_layer_projects_and_backpropagates_like_finite_differences() {
        let csr = Csr { indptr: &[0, 2, 2], indices: &[0, 1], values: &[1.0, 0.5] };
        let d = Hidden { units: 4, stride: 4 };
        let w1: Vec<f32> = vec![0.5, -0.2, 0.1, 0.3, 0.4, 0.6, -0.5, 0.2];
        let b1 = vec![0.1, 0.1, -0.1, 0.0];
        let w2: Vec<f32> = (0..16).map(|x| (x as f32 * 0.37).sin()).collect();
        let mut hidden = vec![0.0; 8];
        let (mut m, mut mb) = (vec![0.0; 8], vec![0.0; 2]);
        project_hidden(&csr, &w1, &b1, &w2, &[0.0, 0.0], d, &mut hidden, &mut m, &mut mb);
        assert!(m[4..].iter().all(|&x| x == 0.0), "a movie without features gets no metadata");
        // Loss L = sum(m_0): its gradient sums are G_0 = 1 (ascent direction -1 is irrelevant for the check).
        let loss = |w1: &[f32]| {
            let (mut h, mut mm, mut bb) = (vec![0.0; 8], vec![0.0; 8], vec![0.0; 2]);
            project_hidden(&csr, w1, &b1, &w2, &[0.0, 0.0], d, &mut h, &mut mm, &mut bb);
            mm[..4].iter().sum::<f32>()
        };
        let (mut g, mut gb) = (vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], vec![0.0; 2]);
        let (mut dw1, mut db1, mut dw2, mut dwb) = (vec![0.0; 8], vec![0.0; 4], vec![0.0; 16], vec![0.0; 2]);
        reduce_hidden(&csr, &mut g, &mut gb, &hidden, &w2, d, &mut dw1, &mut db1, &mut dw2, &mut dwb);
        for k in 0..8 {
            let mut plus = w1.clone();
            plus[k] += 1e-3;
            let mut minus = w1.clone();
            minus[k] -= 1e-3;
            let numeric = (loss(&plus) - loss(&minus)) / 2e-3;
            assert!((numeric - dw1[k]).abs() < 1e-2, "dW1[{k}]: {numeric} vs {}", dw1[k]);
        }
    }
}
