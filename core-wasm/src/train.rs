//! Training kernels: one pass of SGD or Adam over a range of ratings.
//!
//! Model: the raw score of [`crate::predict::raw_score`] (the gradient uses
//! the unclamped value; with metadata the movie's vector is `q + m` and its
//! bias `b_i + mb`). Loss per rating: squared error plus
//! L2 weight decay on the rows it touches. Rows are `stride` floats (a
//! multiple of 4, zero-padded), so every vector loop runs over whole f32x4
//! lanes; padding stays zero because its gradient is zero.
//!
//! Threads: a range must not share a user or movie row with a range another
//! thread trains at the same time (the host's block schedule guarantees it);
//! kernels only form references to the rows of the rating at hand.
//!
//! The SIMD path (wasm32) and the scalar twin perform the same f32 operations
//! in the same order, so they produce the same bits.

use crate::predict::raw_score;

use wasm_bindgen::prelude::wasm_bindgen;

/// The optimisers; the host names them through this generated enum.
#[wasm_bindgen]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Optimizer {
    /// Plain SGD with the host's learning-rate schedule.
    #[default]
    Sgd = 0,
    /// Adam with per-row ("lazy") moments and bias correction.
    Adam = 1,
    /// Per-row AdaGrad, as LIBMF: each row's step is `lr / sqrt(1 + G)` ([`inv_sqrt`]) with its sum `G` so far
    /// (`su[0]`, `si[0]`; biases in `su[1]`, `si[1]`), then `G` grows by the rating's squared error over
    /// the row length, `e²/k` (LIBMF adds the row's mean squared gradient, `|e·q − λ·p|²/k`; see
    /// [`adagrad`] for why not).
    Adagrad = 2,
}

/// Optimiser ids (`Hyper::optimizer`).
pub const SGD: u32 = Optimizer::Sgd as u32;
/// See [`Optimizer::Adam`].
pub const ADAM: u32 = Optimizer::Adam as u32;
/// See [`Optimizer::Adagrad`].
pub const ADAGRAD: u32 = Optimizer::Adagrad as u32;

/// Hyper-parameters for one pass.
#[derive(Clone, Copy, Debug)]
pub struct Hyper {
    /// [`SGD`], [`ADAM`] or [`ADAGRAD`].
    pub optimizer: u32,
    /// Learning rate of the factor rows.
    pub lr: f32,
    /// Learning rate of the biases.
    pub lr_bias: f32,
    /// L2 weight decay of the factor rows.
    pub reg: f32,
    /// L2 weight decay of the biases.
    pub reg_bias: f32,
    /// Adam's first-moment decay.
    pub beta1: f32,
    /// Adam's second-moment decay.
    pub beta2: f32,
    /// Adam's epsilon.
    pub eps: f32,
    /// With metadata: share of movies in a range trained as if they were new (their own q and b
    /// dropped), see [`dropped`].
    pub drop: f32,
    /// Salt of the drop decision (the host changes it every epoch).
    pub salt: u32,
}

/// Raw model and optimiser buffers (row-major, `stride` floats per row).
#[derive(Clone, Copy)]
pub struct Buffers {
    /// User factors, `n_users * stride`.
    pub p: *mut f32,
    /// Movie factors, `n_movies * stride`.
    pub q: *mut f32,
    /// User biases.
    pub bu: *mut f32,
    /// Movie biases.
    pub bi: *mut f32,
    /// Adam moments (first, second) of P, Q: `n * stride` each; null for SGD.
    pub mp: *mut f32,
    /// Second moment of P.
    pub vp: *mut f32,
    /// First moment of Q.
    pub mq: *mut f32,
    /// Second moment of Q.
    pub vq: *mut f32,
    /// Per user: (m, v) of the bias, then (beta1^t, beta2^t): 4 floats.
    pub su: *mut f32,
    /// Per movie: the same 4 floats.
    pub si: *mut f32,
    /// Metadata vectors `W·f_i`, `n_movies * stride`, read-only during a pass; null without metadata.
    pub m: *mut f32,
    /// Per-movie gradient sums for the metadata vectors (`e * p_u` per rating), `n_movies * stride`.
    pub g: *mut f32,
    /// Metadata biases `w_b·f_i`, per movie.
    pub mb: *mut f32,
    /// Per-movie gradient sums for the metadata biases (`e` per rating).
    pub gb: *mut f32,
}

/// Shapes and the global mean.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Number of users.
    pub n_users: usize,
    /// Number of movies.
    pub n_movies: usize,
    /// Floats per row (multiple of 4).
    pub stride: usize,
    /// Global mean rating.
    pub mu: f32,
}

/// Square root that is correctly rounded on both paths.
#[inline]
pub fn sqrt(x: f32) -> f32 {
    #[cfg(target_arch = "wasm32")]
    {
        use core::arch::wasm32::{f32x4_extract_lane, f32x4_splat, f32x4_sqrt};
        f32x4_extract_lane::<0>(f32x4_sqrt(f32x4_splat(x)))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        x.sqrt()
    }
}

/// One rating's worth of vector updates: a SIMD and a scalar implementation.
pub trait RowOps {
    /// Dot product of two rows of `n` floats (n a multiple of 4).
    fn dot(a: &[f32], b: &[f32]) -> f32;
    /// One step of a user row `p` and a movie row `q`, `n` floats each, every lane as
    /// `p = (ap*p) + (bp*qm)` and `q = (aq*q) + (bq*p_old)`, where `qm` is the movie's
    /// effective row (`q` itself, or `q + W·f` with metadata). With `a = 1 - lr*reg` and
    /// `b = lr*e` this is the SGD step `x += lr*(e*other - reg*x)`.
    ///
    /// # Safety
    /// `p`, `q` and `qm` hold `n` floats; `p` overlaps neither; `qm` may be `q`
    /// (each lane of `qm` is read before that lane of `q` is written).
    #[allow(clippy::too_many_arguments)]
    unsafe fn step(p: *mut f32, q: *mut f32, qm: *const f32, n: usize, ap: f32, bp: f32, aq: f32, bq: f32);
    /// A step of a user row `p` and a movie row `v` regularised toward its metadata row `m`
    /// instead of zero: with `[ap, bp, aq, bq] = k`, every lane as `p = (ap*p) + (bp*v)` and
    /// `v = ((aq*v) + (bq*p_old)) + (c*m)`. With `ap = aq = 1 - lr*reg`, `bp = bq = lr*e` and
    /// `c = lr*reg` this is SGD's `v += lr*(e*p - reg*(v - m))`; AdaGrad's rows have their own rates.
    /// Without `OWN_RATES` both rows take `k[0]`, `k[1]` (SGD): two constants fewer in the loop,
    /// which measured 10% of a metadata epoch.
    ///
    /// # Safety
    /// `p`, `v` and `m` hold `n` floats each and do not overlap.
    unsafe fn step_prior<const OWN_RATES: bool>(p: *mut f32, v: *mut f32, m: *const f32, n: usize, k: [f32; 4], c: f32);
    /// A rating seen as if its movie were new: every lane as `g += e*p_old`, then
    /// `p = (a*p) + (s*m)`; the bits of [`RowOps::axpy`] into `g` followed by
    /// [`RowOps::step`] of `p` against `m` alone.
    ///
    /// # Safety
    /// `p`, `m` and `g` hold `n` floats each and do not overlap.
    unsafe fn step_new(p: *mut f32, m: *const f32, g: *mut f32, n: usize, a: f32, s: f32, e: f32);
    /// `out = a + b`.
    fn add(a: &[f32], b: &[f32], out: &mut [f32]);
    /// `y += alpha * x`.
    fn axpy(alpha: f32, x: &[f32], y: &mut [f32]);
    /// Adam step of one row `x` with gradient `e*other - reg*x` (ascent), moments `m`, `v`.
    #[allow(clippy::too_many_arguments)]
    fn adam(x: &mut [f32], other: &[f32], m: &mut [f32], v: &mut [f32], e: f32, h: &Hyper, c1: f32, c2: f32);
    /// AdaGrad's bookkeeping of one rating with error `e` (see [`adagrad`]): the step sizes
    /// `lr · inv_sqrt(1 + G)` from the sums so far (`su[0..2]`, `si[0..2]`: rows, biases), both
    /// biases' steps, the sums grown by `[e²·inv_n, g_bu², e²·inv_n, g_bi²]`; returns the rows'
    /// step coefficients `[ap, bp, aq, bq]` for [`RowOps::step`] and the movie row's step size.
    ///
    /// # Safety
    /// `su` and `si` hold 2 floats each and do not overlap.
    #[allow(clippy::too_many_arguments)]
    unsafe fn adagrad_update(
        e: f32,
        h: &Hyper,
        inv_n: f32,
        bu: &mut f32,
        su: *mut f32,
        bi: &mut f32,
        si: *mut f32,
    ) -> ([f32; 4], f32);
}

/// Scalar twin.
pub struct Scalar;

impl RowOps for Scalar {
    fn dot(a: &[f32], b: &[f32]) -> f32 {
        crate::vector::scalar::dot(a, b)
    }

    unsafe fn step(p: *mut f32, q: *mut f32, qm: *const f32, n: usize, ap: f32, bp: f32, aq: f32, bq: f32) {
        for j in 0..n {
            let (pj, qj, mj) = (*p.add(j), *q.add(j), *qm.add(j));
            *p.add(j) = ap * pj + bp * mj;
            *q.add(j) = aq * qj + bq * pj;
        }
    }

    unsafe fn step_prior<const OWN_RATES: bool>(
        p: *mut f32,
        v: *mut f32,
        m: *const f32,
        n: usize,
        k: [f32; 4],
        c: f32,
    ) {
        let [ap, bp, aq, bq] = if OWN_RATES { k } else { [k[0], k[1], k[0], k[1]] };
        for j in 0..n {
            let (pj, vj, mj) = (*p.add(j), *v.add(j), *m.add(j));
            *p.add(j) = ap * pj + bp * vj;
            *v.add(j) = (aq * vj + bq * pj) + c * mj;
        }
    }

    unsafe fn step_new(p: *mut f32, m: *const f32, g: *mut f32, n: usize, a: f32, s: f32, e: f32) {
        for j in 0..n {
            let (pj, mj) = (*p.add(j), *m.add(j));
            *g.add(j) += e * pj;
            *p.add(j) = a * pj + s * mj;
        }
    }

    fn add(a: &[f32], b: &[f32], out: &mut [f32]) {
        for j in 0..out.len().min(a.len()).min(b.len()) {
            out[j] = a[j] + b[j];
        }
    }

    fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
        crate::vector::scalar::axpy(alpha, x, y)
    }

    fn adam(x: &mut [f32], other: &[f32], m: &mut [f32], v: &mut [f32], e: f32, h: &Hyper, c1: f32, c2: f32) {
        for j in 0..x.len() {
            let g = reg_grad(x[j], other[j], e, h.reg);
            m[j] = h.beta1 * m[j] + (1.0 - h.beta1) * g;
            v[j] = h.beta2 * v[j] + (1.0 - h.beta2) * (g * g);
            let mhat = m[j] / c1;
            let vhat = v[j] / c2;
            x[j] -= h.lr * (mhat / (sqrt(vhat) + h.eps));
        }
    }

    unsafe fn adagrad_update(
        e: f32,
        h: &Hyper,
        inv_n: f32,
        bu: &mut f32,
        su: *mut f32,
        bi: &mut f32,
        si: *mut f32,
    ) -> ([f32; 4], f32) {
        let (su, si) = (core::slice::from_raw_parts_mut(su, 2), core::slice::from_raw_parts_mut(si, 2));
        let [lp, rbu, lq, rbi] = [(h.lr, su[0]), (h.lr_bias, su[1]), (h.lr, si[0]), (h.lr_bias, si[1])]
            .map(|(lr, g)| lr * inv_sqrt(1.0 + g));
        let (gbu, gbi) = (e - h.reg_bias * *bu, e - h.reg_bias * *bi);
        let g = (e * e) * inv_n;
        su[0] += g;
        su[1] += gbu * gbu;
        si[0] += g;
        si[1] += gbi * gbi;
        *bu += rbu * gbu;
        *bi += rbi * gbi;
        ([1.0 - lp * h.reg, lp * e, 1.0 - lq * h.reg, lq * e], lq)
    }
}

/// `1/√x` for `x ≥ 1`: the bit-level first guess (magic constant 0x5f375a86) and one Newton
/// step, within 0.18% of the exact value; the same bits on every machine (LIBMF steps with
/// the processor's approximate reciprocal square root, which differs between processors).
/// A square root and a division per AdaGrad step cost 6% of an epoch.
#[inline(always)]
pub fn inv_sqrt(x: f32) -> f32 {
    let y = f32::from_bits(0x5f37_5a86 - (x.to_bits() >> 1));
    y * (1.5 - (0.5 * x) * (y * y))
}

/// Gradient of the loss with respect to one weight: `-(e*other) + reg*x`.
#[inline]
fn reg_grad(x: f32, other: f32, e: f32, reg: f32) -> f32 {
    reg * x - e * other
}

/// SIMD implementation (wasm32).
#[cfg(target_arch = "wasm32")]
pub struct Simd;

#[cfg(target_arch = "wasm32")]
impl RowOps for Simd {
    #[inline]
    fn dot(a: &[f32], b: &[f32]) -> f32 {
        crate::vector::simd::dot(a, b)
    }

    #[inline]
    unsafe fn step(p: *mut f32, q: *mut f32, qm: *const f32, n: usize, ap: f32, bp: f32, aq: f32, bq: f32) {
        use core::arch::wasm32::*;
        let lanes = n / 4 * 4;
        let (vap, vbp, vaq, vbq) = (f32x4_splat(ap), f32x4_splat(bp), f32x4_splat(aq), f32x4_splat(bq));
        let mut j = 0;
        while j < lanes {
            let pv = v128_load(p.add(j) as *const v128);
            let qv = v128_load(q.add(j) as *const v128);
            let mv = v128_load(qm.add(j) as *const v128);
            v128_store(p.add(j) as *mut v128, f32x4_add(f32x4_mul(vap, pv), f32x4_mul(vbp, mv)));
            v128_store(q.add(j) as *mut v128, f32x4_add(f32x4_mul(vaq, qv), f32x4_mul(vbq, pv)));
            j += 4;
        }
        Scalar::step(p.add(lanes), q.add(lanes), qm.add(lanes), n - lanes, ap, bp, aq, bq);
    }

    #[inline]
    unsafe fn step_prior<const OWN_RATES: bool>(
        p: *mut f32,
        v: *mut f32,
        m: *const f32,
        n: usize,
        k: [f32; 4],
        c: f32,
    ) {
        use core::arch::wasm32::*;
        let lanes = n / 4 * 4;
        let (vap, vbp) = (f32x4_splat(k[0]), f32x4_splat(k[1]));
        let (vaq, vbq) = if OWN_RATES { (f32x4_splat(k[2]), f32x4_splat(k[3])) } else { (vap, vbp) };
        let vc = f32x4_splat(c);
        let mut j = 0;
        while j < lanes {
            let pv = v128_load(p.add(j) as *const v128);
            let vv = v128_load(v.add(j) as *const v128);
            let mv = v128_load(m.add(j) as *const v128);
            v128_store(p.add(j) as *mut v128, f32x4_add(f32x4_mul(vap, pv), f32x4_mul(vbp, vv)));
            let own = f32x4_add(f32x4_mul(vaq, vv), f32x4_mul(vbq, pv));
            v128_store(v.add(j) as *mut v128, f32x4_add(own, f32x4_mul(vc, mv)));
            j += 4;
        }
        Scalar::step_prior::<OWN_RATES>(p.add(lanes), v.add(lanes), m.add(lanes), n - lanes, k, c);
    }

    #[inline]
    unsafe fn step_new(p: *mut f32, m: *const f32, g: *mut f32, n: usize, a: f32, s: f32, e: f32) {
        use core::arch::wasm32::*;
        let lanes = n / 4 * 4;
        let (va, vs, ve) = (f32x4_splat(a), f32x4_splat(s), f32x4_splat(e));
        let mut j = 0;
        while j < lanes {
            let pv = v128_load(p.add(j) as *const v128);
            let mv = v128_load(m.add(j) as *const v128);
            let gv = v128_load(g.add(j) as *const v128);
            v128_store(g.add(j) as *mut v128, f32x4_add(gv, f32x4_mul(ve, pv)));
            v128_store(p.add(j) as *mut v128, f32x4_add(f32x4_mul(va, pv), f32x4_mul(vs, mv)));
            j += 4;
        }
        Scalar::step_new(p.add(lanes), m.add(lanes), g.add(lanes), n - lanes, a, s, e);
    }

    #[inline]
    fn add(a: &[f32], b: &[f32], out: &mut [f32]) {
        use core::arch::wasm32::*;
        let n = out.len().min(a.len()).min(b.len()) / 4 * 4;
        // SAFETY: lanes stay below n, within every slice.
        unsafe {
            let mut j = 0;
            while j < n {
                let v =
                    f32x4_add(v128_load(a.as_ptr().add(j) as *const v128), v128_load(b.as_ptr().add(j) as *const v128));
                v128_store(out.as_mut_ptr().add(j) as *mut v128, v);
                j += 4;
            }
        }
        Scalar::add(&a[n..], &b[n..], &mut out[n..]);
    }

    #[inline]
    fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
        crate::vector::simd::axpy(alpha, x, y)
    }

    #[inline]
    fn adam(x: &mut [f32], other: &[f32], m: &mut [f32], v: &mut [f32], e: f32, h: &Hyper, c1: f32, c2: f32) {
        use core::arch::wasm32::*;
        let n = x.len().min(other.len()).min(m.len()).min(v.len()) / 4 * 4;
        // SAFETY: lanes stay below n, within every row.
        unsafe {
            let (xp, op, mp, vp) = (x.as_mut_ptr(), other.as_ptr(), m.as_mut_ptr(), v.as_mut_ptr());
            let (ve, vreg) = (f32x4_splat(e), f32x4_splat(h.reg));
            let (b1, b2) = (f32x4_splat(h.beta1), f32x4_splat(h.beta2));
            let (ob1, ob2) = (f32x4_splat(1.0 - h.beta1), f32x4_splat(1.0 - h.beta2));
            let (vc1, vc2) = (f32x4_splat(c1), f32x4_splat(c2));
            let (vlr, veps) = (f32x4_splat(h.lr), f32x4_splat(h.eps));
            let mut j = 0;
            while j < n {
                let xv = v128_load(xp.add(j) as *const v128);
                let ov = v128_load(op.add(j) as *const v128);
                let g = f32x4_sub(f32x4_mul(vreg, xv), f32x4_mul(ve, ov));
                let mv = f32x4_add(f32x4_mul(b1, v128_load(mp.add(j) as *const v128)), f32x4_mul(ob1, g));
                let vv = f32x4_add(f32x4_mul(b2, v128_load(vp.add(j) as *const v128)), f32x4_mul(ob2, f32x4_mul(g, g)));
                v128_store(mp.add(j) as *mut v128, mv);
                v128_store(vp.add(j) as *mut v128, vv);
                let step = f32x4_div(f32x4_div(mv, vc1), f32x4_add(f32x4_sqrt(f32x4_div(vv, vc2)), veps));
                v128_store(xp.add(j) as *mut v128, f32x4_sub(xv, f32x4_mul(vlr, step)));
                j += 4;
            }
        }
        Scalar::adam(&mut x[n..], &other[n..], &mut m[n..], &mut v[n..], e, h, c1, c2);
    }

    /// The scalar twin's formulas, lane by lane over `[user row, user bias, movie row, movie
    /// bias]`: the state's pairs move as two 64-bit lanes, the step sizes come from one vector.
    #[inline(always)]
    unsafe fn adagrad_update(
        e: f32,
        h: &Hyper,
        inv_n: f32,
        bu: &mut f32,
        su: *mut f32,
        bi: &mut f32,
        si: *mut f32,
    ) -> ([f32; 4], f32) {
        use core::arch::wasm32::*;
        let sums = v128_load64_lane::<1>(v128_load64_zero(su as *const u64), si as *const u64);
        // inv_sqrt, lane by lane.
        let x = f32x4_add(f32x4_splat(1.0), sums);
        let y = i32x4_sub(i32x4_splat(0x5f37_5a86), u32x4_shr(x, 1));
        let y = f32x4_mul(y, f32x4_sub(f32x4_splat(1.5), f32x4_mul(f32x4_mul(f32x4_splat(0.5), x), f32x4_mul(y, y))));
        let rates = f32x4_mul(f32x4(h.lr, h.lr_bias, h.lr, h.lr_bias), y);
        // Gradients [e, g_bu, e, g_bi]: the row lanes see a zero bias.
        let biases = f32x4(0.0, *bu, 0.0, *bi);
        let ev = f32x4_splat(e);
        let grad = f32x4_sub(ev, f32x4_mul(f32x4(0.0, h.reg_bias, 0.0, h.reg_bias), biases));
        let sq = f32x4_mul(f32x4_mul(grad, grad), f32x4(inv_n, 1.0, inv_n, 1.0));
        let sums = f32x4_add(sums, sq);
        v128_store64_lane::<0>(sums, su as *mut u64);
        v128_store64_lane::<1>(sums, si as *mut u64);
        let biases = f32x4_add(biases, f32x4_mul(rates, grad));
        *bu = f32x4_extract_lane::<1>(biases);
        *bi = f32x4_extract_lane::<3>(biases);
        let a = f32x4_sub(f32x4_splat(1.0), f32x4_mul(rates, f32x4_splat(h.reg)));
        let b = f32x4_mul(rates, ev);
        let k = [
            f32x4_extract_lane::<0>(a),
            f32x4_extract_lane::<0>(b),
            f32x4_extract_lane::<2>(a),
            f32x4_extract_lane::<2>(b),
        ];
        (k, f32x4_extract_lane::<2>(rates))
    }
}

/// Mutable row `r` of a `stride`-wide matrix.
///
/// SAFETY: the caller guarantees `ptr` holds at least `(r + 1) * stride`
/// floats and that no other live reference covers this row.
#[inline]
unsafe fn row<'a>(ptr: *mut f32, r: usize, stride: usize) -> &'a mut [f32] {
    core::slice::from_raw_parts_mut(ptr.add(r * stride), stride)
}

/// Trains on ratings `users[i], movies[i], ratings[i]` for every i in the
/// given slices, in order. Returns the sum of squared errors (before each
/// update) or `Err(index)` for a rating whose user or movie is out of range.
/// `first` is the index of `users[0]` in the whole training set (with the
/// pass's salt it seeds metadata training's choice of movies seen as new).
///
/// # Safety
/// `b` must hold buffers of the sizes `s` implies (the optimiser's buffers
/// when it keeps state), and no other thread may touch the rows these ratings
/// name during the call.
pub unsafe fn train<O: RowOps>(
    b: &Buffers,
    s: &Shape,
    h: &Hyper,
    users: &[u32],
    movies: &[u32],
    ratings: &[f32],
    first: usize,
) -> Result<f64, usize> {
    // Common row widths get a loop whose width the compiler knows (fully unrolled row
    // operations); every width computes the same bits.
    if !b.m.is_null() && h.optimizer == SGD {
        return match s.stride {
            32 => train_meta_prior::<O, 32, false>(b, s, h, users, movies, ratings, first),
            64 => train_meta_prior::<O, 64, false>(b, s, h, users, movies, ratings, first),
            128 => train_meta_prior::<O, 128, false>(b, s, h, users, movies, ratings, first),
            _ => train_meta_prior::<O, 0, false>(b, s, h, users, movies, ratings, first),
        };
    }
    if !b.m.is_null() && h.optimizer == ADAGRAD {
        return match s.stride {
            32 => train_meta_prior::<O, 32, true>(b, s, h, users, movies, ratings, first),
            64 => train_meta_prior::<O, 64, true>(b, s, h, users, movies, ratings, first),
            128 => train_meta_prior::<O, 128, true>(b, s, h, users, movies, ratings, first),
            _ => train_meta_prior::<O, 0, true>(b, s, h, users, movies, ratings, first),
        };
    }
    if !b.m.is_null() {
        return match s.stride {
            32 => train_meta::<O, 32>(b, s, h, users, movies, ratings, first),
            64 => train_meta::<O, 64>(b, s, h, users, movies, ratings, first),
            128 => train_meta::<O, 128>(b, s, h, users, movies, ratings, first),
            _ => train_meta::<O, 0>(b, s, h, users, movies, ratings, first),
        };
    }
    match s.stride {
        32 => train_plain::<O, 32>(b, s, h, users, movies, ratings),
        64 => train_plain::<O, 64>(b, s, h, users, movies, ratings),
        128 => train_plain::<O, 128>(b, s, h, users, movies, ratings),
        _ => train_plain::<O, 0>(b, s, h, users, movies, ratings),
    }
}

/// [`train`] without metadata, for rows of `N` floats (`N` = 0: `s.stride`).
///
/// # Safety
/// As for [`train`].
unsafe fn train_plain<O: RowOps, const N: usize>(
    b: &Buffers,
    s: &Shape,
    h: &Hyper,
    users: &[u32],
    movies: &[u32],
    ratings: &[f32],
) -> Result<f64, usize> {
    let n = if N == 0 { s.stride } else { N };
    let mut sse = 0.0f64;
    let len = users.len().min(movies.len()).min(ratings.len());
    for i in 0..len {
        let (u, m) = (users[i] as usize, movies[i] as usize);
        if u >= s.n_users || m >= s.n_movies {
            return Err(i);
        }
        let (p, q) = (b.p.add(u * n), b.q.add(m * n));
        let (bu, bi) = (&mut *b.bu.add(u), &mut *b.bi.add(m));
        if h.optimizer == ADAGRAD {
            let pq = O::dot(core::slice::from_raw_parts(p, n), core::slice::from_raw_parts(q, n));
            let e = ratings[i] - raw_score(s.mu, *bu, *bi, pq);
            sse += (e as f64) * (e as f64);
            adagrad::<O>(p, q, n, e, h, (bu, b.su.add(u * 4)), (bi, b.si.add(m * 4)));
        } else if h.optimizer == ADAM {
            let (p, q) = (row(b.p, u, n), row(b.q, m, n));
            let e = ratings[i] - raw_score(s.mu, *bu, *bi, O::dot(p, q));
            sse += (e as f64) * (e as f64);
            let (su, si) = (row(b.su, u, 4), row(b.si, m, 4));
            adam_bias(bu, su, e, h);
            adam_bias(bi, si, e, h);
            let (cu1, cu2) = (1.0 - su[2], 1.0 - su[3]);
            let (ci1, ci2) = (1.0 - si[2], 1.0 - si[3]);
            // Both rows step from the same old values: q's gradient uses p before its update.
            let mut old_p = [0.0f32; 256];
            let keep = n.min(256);
            old_p[..keep].copy_from_slice(&p[..keep]);
            O::adam(p, q, row(b.mp, u, n), row(b.vp, u, n), e, h, cu1, cu2);
            O::adam(q, &old_p[..keep], row(b.mq, m, n), row(b.vq, m, n), e, h, ci1, ci2);
        } else {
            let dot = O::dot(core::slice::from_raw_parts(p, n), core::slice::from_raw_parts(q, n));
            let e = ratings[i] - raw_score(s.mu, *bu, *bi, dot);
            sse += (e as f64) * (e as f64);
            *bu += h.lr_bias * (e - h.reg_bias * *bu);
            *bi += h.lr_bias * (e - h.reg_bias * *bi);
            let (a, step) = (1.0 - h.lr * h.reg, h.lr * e);
            O::step(p, q, q, n, a, step, a, step);
        }
    }
    Ok(sse)
}

/// [`train`] with metadata and SGD or AdaGrad. The movie rows and biases hold `v = q + m`
/// and `b_i + mb` during the pass (the host shifts them, see `meta::enter`), so a rating's
/// step is a plain one whose regularisation pulls toward the metadata instead of zero;
/// W's gradient of those ratings is recovered from how the rows moved (`meta::leave`;
/// AdaGrad also sums each movie's row step sizes and kept ratings of the round into
/// `si[2]`, `si[3]`, and its bias gradient into `gb`, for `meta::leave_adagrad`).
/// The ratings of the movies seen as if they were new in this range (see [`dropped`]) sum
/// their gradient into `g` and `gb` instead.
///
/// # Safety
/// As for [`train`].
unsafe fn train_meta_prior<O: RowOps, const N: usize, const USE_ADAGRAD: bool>(
    b: &Buffers,
    s: &Shape,
    h: &Hyper,
    users: &[u32],
    movies: &[u32],
    ratings: &[f32],
    first: usize,
) -> Result<f64, usize> {
    let n = if N == 0 { s.stride } else { N };
    let mut sse = 0.0f64;
    let len = users.len().min(movies.len()).min(ratings.len());
    let rows = |x: *const f32| core::slice::from_raw_parts(x, n);
    let a = 1.0 - h.lr * h.reg;
    let inv_n = 1.0 / n as f32;
    let salt = range_salt(h.salt, first);
    for i in 0..len {
        let (u, m) = (users[i] as usize, movies[i] as usize);
        if u >= s.n_users || m >= s.n_movies {
            return Err(i);
        }
        let (p, mrow, bu, mb) = (b.p.add(u * n), b.m.add(m * n), &mut *b.bu.add(u), *b.mb.add(m));
        if dropped(m, salt, h.drop) {
            let e = ratings[i] - raw_score(s.mu, *bu, mb, O::dot(rows(p), rows(mrow)));
            sse += (e as f64) * (e as f64);
            let (ap, bp) = if USE_ADAGRAD {
                // The movie's lanes go to scratch: its own row and bias do not learn.
                let (mut bi, mut si) = (0.0f32, [0.0f32; 2]);
                let ([ap, bp, _, _], _) = O::adagrad_update(e, h, inv_n, bu, b.su.add(u * 4), &mut bi, si.as_mut_ptr());
                (ap, bp)
            } else {
                *bu += h.lr_bias * (e - h.reg_bias * *bu);
                (a, h.lr * e)
            };
            *b.gb.add(m) += e;
            O::step_new(p, mrow, b.g.add(m * n), n, ap, bp, e);
            continue;
        }
        let (v, bi) = (b.q.add(m * n), &mut *b.bi.add(m));
        let e = ratings[i] - raw_score(s.mu, *bu, *bi, O::dot(rows(p), rows(v)));
        sse += (e as f64) * (e as f64);
        let (k, c) = if USE_ADAGRAD {
            // The bias's own part `b_i` is regularised toward zero, the row's toward `m`.
            let (si, mut own) = (b.si.add(m * 4), *bi - mb);
            let (k, lq) = O::adagrad_update(e, h, inv_n, bu, b.su.add(u * 4), &mut own, si);
            *bi = own + mb;
            *si.add(2) += lq;
            *si.add(3) += 1.0;
            *b.gb.add(m) += e;
            (k, lq * h.reg)
        } else {
            *bu += h.lr_bias * (e - h.reg_bias * *bu);
            *bi += h.lr_bias * (e - h.reg_bias * (*bi - mb));
            let s = h.lr * e;
            ([a, s, a, s], h.lr * h.reg)
        };
        O::step_prior::<USE_ADAGRAD>(p, v, mrow, n, k, c);
    }
    Ok(sse)
}

/// [`train`] with metadata for Adam (SGD, AdaGrad: [`train_meta_prior`]): the movie's
/// vector is `q + m` and its bias `b_i + mb`; every rating's gradient of `m` is summed
/// into `g`, `mb`'s into `gb`.
///
/// # Safety
/// As for [`train`].
unsafe fn train_meta<O: RowOps, const N: usize>(
    b: &Buffers,
    s: &Shape,
    h: &Hyper,
    users: &[u32],
    movies: &[u32],
    ratings: &[f32],
    first: usize,
) -> Result<f64, usize> {
    let n = if N == 0 { s.stride } else { N };
    let mut sse = 0.0f64;
    let len = users.len().min(movies.len()).min(ratings.len());
    let keep = n.min(256);
    let salt = range_salt(h.salt, first);
    for i in 0..len {
        let (u, m) = (users[i] as usize, movies[i] as usize);
        if u >= s.n_users || m >= s.n_movies {
            return Err(i);
        }
        let dropped = dropped(m, salt, h.drop);
        let p = row(b.p, u, n);
        let q = row(b.q, m, n);
        let bu = &mut *b.bu.add(u);
        let bi = &mut *b.bi.add(m);
        let mrow = row(b.m, m, n);
        let g = row(b.g, m, n);
        // The effective row, every lane written below before it is read.
        let mut qm_buf = core::mem::MaybeUninit::<[f32; 256]>::uninit();
        let qm = core::slice::from_raw_parts_mut(qm_buf.as_mut_ptr() as *mut f32, keep);
        if dropped {
            qm.copy_from_slice(&mrow[..keep]);
        } else {
            O::add(&q[..keep], &mrow[..keep], qm);
        }
        let own_bias = if dropped { 0.0 } else { *bi };
        let e = ratings[i] - raw_score(s.mu, *bu, own_bias + *b.mb.add(m), O::dot(p, qm));
        sse += (e as f64) * (e as f64);
        *b.gb.add(m) += e;
        O::axpy(e, p, g);
        let su = row(b.su, u, 4);
        adam_bias(bu, su, e, h);
        let (cu1, cu2) = (1.0 - su[2], 1.0 - su[3]);
        let mut old_p = [0.0f32; 256];
        old_p[..keep].copy_from_slice(&p[..keep]);
        O::adam(p, qm, row(b.mp, u, n), row(b.vp, u, n), e, h, cu1, cu2);
        if !dropped {
            // As if the movie were new: the user and W learn, the movie's own row does not.
            let si = row(b.si, m, 4);
            adam_bias(bi, si, e, h);
            let (ci1, ci2) = (1.0 - si[2], 1.0 - si[3]);
            O::adam(q, &old_p[..keep], row(b.mq, m, n), row(b.vq, m, n), e, h, ci1, ci2);
        }
    }
    Ok(sse)
}

/// The salt of [`dropped`] for the range of ratings that starts at index `first` of the
/// training set, in the epoch whose salt is `pass_salt`.
#[inline]
pub fn range_salt(pass_salt: u32, first: usize) -> u32 {
    mix32(pass_salt ^ mix32(first as u32))
}

/// Whether `movie`'s ratings in a range of ratings (a block of the DSGD grid) are seen as if
/// it were new (its own row and bias left out; the users and W learn from them), for the
/// range's salt `salt` (see [`range_salt`]): a share `drop` of the movies in every block, a
/// new choice every epoch. A movie's ratings are spread over every block, so over an epoch it
/// loses about that share of its ratings, as if they were chosen one by one; chosen by movie
/// within a block, though, the movie's gradient row `g` is as warm in the cache as its own
/// row would have been (chosen by rating, a tenth of the ratings dropped cost about a seventh
/// of the metadata epoch, nearly all of it in the cold `g` rows).
#[inline]
pub fn dropped(movie: usize, salt: u32, drop: f32) -> bool {
    drop > 0.0 && (mix32(salt ^ movie as u32) as f32) < drop * 4_294_967_296.0
}

/// Mixes a 32-bit value (a splitmix32-style finaliser), for seeded decisions.
#[inline]
pub fn mix32(x: u32) -> u32 {
    let mut x = x.wrapping_add(0x9e37_79b9);
    x = (x ^ (x >> 16)).wrapping_mul(0x85eb_ca6b);
    x = (x ^ (x >> 13)).wrapping_mul(0xc2b2_ae35);
    x ^ (x >> 16)
}

/// AdaGrad step of a user and a movie (biases, then rows), as LIBMF orders it:
/// each parameter steps by `lr / sqrt(1 + sum)` with its running sum so far
/// (rows: `su[0]`, `si[0]`; biases: `su[1]`, `si[1]`), then adds this rating's
/// squared gradient to it: a bias's own, and for both rows `e²/n`. LIBMF adds the
/// row's mean squared gradient `|e·y − λ·x|²/n`, which needs both rows' lengths every
/// rating; `e²/n` is that with the other row's length taken as 1 and the weight decay's
/// small share left out. Measured on the ML-20M shape (k = 64, one thread): 12% off an
/// AdaGrad epoch, a validation RMSE as good or better from the third epoch on; within
/// 0.1% on ml-latest-small's cv and the generated default's test RMSE. `1/sqrt` is
/// [`inv_sqrt`]'s approximation.
///
/// # Safety
/// As for [`RowOps::step`]; `su` and `si` hold 2 floats each.
#[inline(always)]
unsafe fn adagrad<O: RowOps>(
    p: *mut f32,
    q: *mut f32,
    n: usize,
    e: f32,
    h: &Hyper,
    (bu, su): (&mut f32, *mut f32),
    (bi, si): (&mut f32, *mut f32),
) {
    let ([ap, bp, aq, bq], _) = O::adagrad_update(e, h, 1.0 / n as f32, bu, su, bi, si);
    O::step(p, q, q, n, ap, bp, aq, bq);
}

/// Adam step for one bias with its 4-float state (m, v, beta1^t, beta2^t);
/// advances the row's step count.
#[inline]
fn adam_bias(x: &mut f32, st: &mut [f32], e: f32, h: &Hyper) {
    st[2] = if st[2] == 0.0 { h.beta1 } else { st[2] * h.beta1 };
    st[3] = if st[3] == 0.0 { h.beta2 } else { st[3] * h.beta2 };
    let g = h.reg_bias * *x - e;
    st[0] = h.beta1 * st[0] + (1.0 - h.beta1) * g;
    st[1] = h.beta2 * st[1] + (1.0 - h.beta2) * (g * g);
    let mhat = st[0] / (1.0 - st[2]);
    let vhat = st[1] / (1.0 - st[3]);
    *x -= h.lr_bias * (mhat / (sqrt(vhat) + h.eps));
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        p: Vec<f32>,
        q: Vec<f32>,
        bu: Vec<f32>,
        bi: Vec<f32>,
        adam: Vec<Vec<f32>>,
    }

    impl Fixture {
        fn new(nu: usize, nm: usize, stride: usize) -> Self {
            let init = |n: usize, s: f32| (0..n).map(|i| ((i as f32 * 0.37 + s).sin()) * 0.1).collect::<Vec<_>>();
            let mut p = init(nu * stride, 1.0);
            let mut q = init(nm * stride, 2.0);
            for r in 0..nu {
                for j in 3..stride {
                    p[r * stride + j] = 0.0;
                }
            }
            for r in 0..nm {
                for j in 3..stride {
                    q[r * stride + j] = 0.0;
                }
            }
            let adam = vec![
                vec![0.0; nu * stride],
                vec![0.0; nu * stride],
                vec![0.0; nm * stride],
                vec![0.0; nm * stride],
                vec![0.0; nu * 4],
                vec![0.0; nm * 4],
            ];
            Fixture { p, q, bu: vec![0.0; nu], bi: vec![0.0; nm], adam }
        }

        fn buffers(&mut self) -> Buffers {
            Buffers {
                p: self.p.as_mut_ptr(),
                q: self.q.as_mut_ptr(),
                bu: self.bu.as_mut_ptr(),
                bi: self.bi.as_mut_ptr(),
                mp: self.adam[0].as_mut_ptr(),
                vp: self.adam[1].as_mut_ptr(),
                mq: self.adam[2].as_mut_ptr(),
                vq: self.adam[3].as_mut_ptr(),
                su: self.adam[4].as_mut_ptr(),
                si: self.adam[5].as_mut_ptr(),
                m: core::ptr::null_mut(),
                g: core::ptr::null_mut(),
                mb: core::ptr::null_mut(),
                gb: core::ptr::null_mut(),
            }
        }
    }

    /// A rank-3 problem with a known answer: training drives the error down.
    fn fit(optimizer: u32, lr: f32, epochs: usize) -> (f64, f64) {
        let (nu, nm, stride) = (30, 20, 4);
        let mut f = Fixture::new(nu, nm, stride);
        let (mut users, mut movies, mut ratings) = (vec![], vec![], vec![]);
        for u in 0..nu {
            for m in 0..nm {
                if (u * 7 + m * 3) % 4 != 0 {
                    users.push(u as u32);
                    movies.push(m as u32);
                    let a = [(u % 3) as f32, (u % 5) as f32 * 0.2, 1.0];
                    let b = [(m % 2) as f32 * 0.5, (m % 4) as f32 * 0.25, 0.3];
                    ratings.push(3.0 + a[0] * b[0] + a[1] * b[1] - a[2] * b[2]);
                }
            }
        }
        let s = Shape { n_users: nu, n_movies: nm, stride, mu: 3.0 };
        let h = Hyper {
            optimizer,
            lr,
            lr_bias: lr,
            reg: 0.001,
            reg_bias: 0.001,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            drop: 0.0,
            salt: 0,
        };
        let b = f.buffers();
        let n = ratings.len() as f64;
        let first = unsafe { train::<Scalar>(&b, &s, &h, &users, &movies, &ratings, 0) }.unwrap();
        let mut last = first;
        for _ in 1..epochs {
            last = unsafe { train::<Scalar>(&b, &s, &h, &users, &movies, &ratings, 0) }.unwrap();
        }
        ((first / n).sqrt(), (last / n).sqrt())
    }

    #[test]
    fn sgd_reduces_the_training_error() {
        let (first, last) = fit(SGD, 0.05, 200);
        assert!(last < first * 0.2, "{first} -> {last}");
    }

    #[test]
    fn adam_reduces_the_training_error() {
        let (first, last) = fit(ADAM, 0.01, 200);
        assert!(last < first * 0.2, "{first} -> {last}");
    }

    #[test]
    fn each_range_sees_its_own_tenth_of_the_movies_as_new() {
        let (n, drop) = (20_000usize, 0.1f32);
        let chosen = |first: usize| -> Vec<bool> { (0..n).map(|m| dropped(m, range_salt(42, first), drop)).collect() };
        let (a, b) = (chosen(0), chosen(1 << 20));
        for set in [&a, &b] {
            let share = set.iter().filter(|&&x| x).count() as f64 / n as f64;
            assert!((share - 0.1).abs() < 0.01, "share {share}");
        }
        // Two ranges (blocks) choose independently: about a hundredth of the movies in both.
        let both = a.iter().zip(&b).filter(|(x, y)| **x && **y).count() as f64 / n as f64;
        assert!((both - 0.01).abs() < 0.004, "both {both}");
        assert_eq!(chosen(0), a, "the same range and salt choose the same movies");
        assert!((0..n).all(|m| !dropped(m, range_salt(42, 0), 0.0)));
    }

    #[test]
    fn inv_sqrt_is_within_its_bound() {
        let mut x = 1.0f32;
        while x < 1e9 {
            let (got, want) = (inv_sqrt(x) as f64, 1.0 / (x as f64).sqrt());
            assert!((got - want).abs() <= 0.0018 * want, "{x}: {got} {want}");
            x *= 1.0137;
        }
    }

    #[test]
    fn adagrad_reduces_the_training_error() {
        let (first, last) = fit(ADAGRAD, 0.1, 200);
        assert!(last < first * 0.2, "{first} -> {last}");
    }

    #[test]
    fn step_is_the_sgd_step() {
        let p0 = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let qm = [0.5f32; 8];
        let (mut p, mut q) = (p0, [0.25f32; 8]);
        let (e, lr, reg) = (2.0f32, 0.1f32, 0.5f32);
        // SAFETY: every pointer holds 8 floats; qm is a separate array.
        unsafe { Scalar::step(p.as_mut_ptr(), q.as_mut_ptr(), qm.as_ptr(), 8, 1.0 - lr * reg, lr * e, 1.0, 0.0) };
        for j in 0..8 {
            let want = p0[j] + lr * (e * qm[j] - reg * p0[j]);
            assert!((p[j] - want).abs() < 1e-6, "{j}: {} {want}", p[j]);
            assert_eq!(q[j], 0.25);
        }
    }

    #[test]
    fn padding_lanes_stay_zero() {
        let mut f = Fixture::new(2, 2, 8);
        let b = f.buffers();
        let s = Shape { n_users: 2, n_movies: 2, stride: 8, mu: 3.0 };
        for optimizer in [SGD, ADAM] {
            let h = Hyper {
                optimizer,
                lr: 0.1,
                lr_bias: 0.1,
                reg: 0.1,
                reg_bias: 0.1,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                drop: 0.0,
                salt: 0,
            };
            unsafe { train::<Scalar>(&b, &s, &h, &[0, 1, 1], &[1, 0, 1], &[5.0, 1.0, 4.0], 0) }.unwrap();
        }
        for r in 0..2 {
            assert!(f.p[r * 8 + 3..r * 8 + 8].iter().all(|&x| x == 0.0));
            assert!(f.q[r * 8 + 3..r * 8 + 8].iter().all(|&x| x == 0.0));
        }
    }

    #[test]
    fn out_of_range_indices_are_reported() {
        let mut f = Fixture::new(2, 2, 4);
        let b = f.buffers();
        let s = Shape { n_users: 2, n_movies: 2, stride: 4, mu: 3.0 };
        let h = Hyper {
            optimizer: SGD,
            lr: 0.1,
            lr_bias: 0.1,
            reg: 0.1,
            reg_bias: 0.1,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            drop: 0.0,
            salt: 0,
        };
        assert_eq!(unsafe { train::<Scalar>(&b, &s, &h, &[0, 2], &[0, 0], &[3.0, 3.0], 0) }, Err(1));
    }
}
