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
    /// Per-row AdaGrad, as LIBMF: each row's step is `lr / sqrt(1 + G)`, where `G` sums the row's mean
    /// squared gradients (`su[0]`, `si[0]`; biases in `su[1]`, `si[1]`).
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
    /// With metadata: share of ratings trained as if the movie were new (its own q and b dropped).
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
    /// SGD step of a user row `p` and a movie row `q`, `n` floats each:
    /// `p += lr_p*(e*qm - reg*p)`, `q += lr_q*(e*p_old - reg*q)`, where `qm` is the
    /// movie's effective row: `q` itself, or `q + W·f` with metadata.
    ///
    /// # Safety
    /// `p`, `q` and `qm` hold `n` floats; `p` overlaps neither; `qm` may be `q`
    /// (each lane of `qm` is read before that lane of `q` is written).
    #[allow(clippy::too_many_arguments)]
    unsafe fn sgd(p: *mut f32, q: *mut f32, qm: *const f32, n: usize, e: f32, lr_p: f32, lr_q: f32, reg: f32);
    /// [`RowOps::sgd`] that also returns the squared lengths of the two ascent
    /// gradients it applied, `|e*qm - reg*p|²` and `|e*p - reg*q|²`, summed in four
    /// lanes (element j in lane j mod 4), then `(l0 + l1) + (l2 + l3)`, then the tail.
    ///
    /// # Safety
    /// As for [`RowOps::sgd`].
    #[allow(clippy::too_many_arguments)]
    unsafe fn sgd_sq(
        p: *mut f32,
        q: *mut f32,
        qm: *const f32,
        n: usize,
        e: f32,
        lr_p: f32,
        lr_q: f32,
        reg: f32,
    ) -> (f32, f32);
    /// `out = a + b`.
    fn add(a: &[f32], b: &[f32], out: &mut [f32]);
    /// `y += alpha * x`.
    fn axpy(alpha: f32, x: &[f32], y: &mut [f32]);
    /// Adam step of one row `x` with gradient `e*other - reg*x` (ascent), moments `m`, `v`.
    #[allow(clippy::too_many_arguments)]
    fn adam(x: &mut [f32], other: &[f32], m: &mut [f32], v: &mut [f32], e: f32, h: &Hyper, c1: f32, c2: f32);
}

/// Scalar twin.
pub struct Scalar;

impl RowOps for Scalar {
    fn dot(a: &[f32], b: &[f32]) -> f32 {
        crate::vector::scalar::dot(a, b)
    }

    unsafe fn sgd(p: *mut f32, q: *mut f32, qm: *const f32, n: usize, e: f32, lr_p: f32, lr_q: f32, reg: f32) {
        for j in 0..n {
            let (pj, qj, mj) = (*p.add(j), *q.add(j), *qm.add(j));
            *p.add(j) = pj + lr_p * (e * mj - reg * pj);
            *q.add(j) = qj + lr_q * (e * pj - reg * qj);
        }
    }

    unsafe fn sgd_sq(
        p: *mut f32,
        q: *mut f32,
        qm: *const f32,
        n: usize,
        e: f32,
        lr_p: f32,
        lr_q: f32,
        reg: f32,
    ) -> (f32, f32) {
        let (mut a, mut b) = ([0.0f32; 4], [0.0f32; 4]);
        let lanes = n / 4 * 4;
        let step = |j: usize| {
            let (pj, qj, mj) = (*p.add(j), *q.add(j), *qm.add(j));
            let (gp, gq) = (e * mj - reg * pj, e * pj - reg * qj);
            *p.add(j) = pj + lr_p * gp;
            *q.add(j) = qj + lr_q * gq;
            (gp * gp, gq * gq)
        };
        for j in 0..lanes {
            let (x, y) = step(j);
            a[j % 4] += x;
            b[j % 4] += y;
        }
        let (mut sa, mut sb) = ((a[0] + a[1]) + (a[2] + a[3]), (b[0] + b[1]) + (b[2] + b[3]));
        for j in lanes..n {
            let (x, y) = step(j);
            sa += x;
            sb += y;
        }
        (sa, sb)
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
    unsafe fn sgd(p: *mut f32, q: *mut f32, qm: *const f32, n: usize, e: f32, lr_p: f32, lr_q: f32, reg: f32) {
        use core::arch::wasm32::*;
        let lanes = n / 4 * 4;
        let (ve, vlp, vlq, vreg) = (f32x4_splat(e), f32x4_splat(lr_p), f32x4_splat(lr_q), f32x4_splat(reg));
        let mut j = 0;
        while j < lanes {
            let pv = v128_load(p.add(j) as *const v128);
            let qv = v128_load(q.add(j) as *const v128);
            let mv = v128_load(qm.add(j) as *const v128);
            let np = f32x4_add(pv, f32x4_mul(vlp, f32x4_sub(f32x4_mul(ve, mv), f32x4_mul(vreg, pv))));
            let nq = f32x4_add(qv, f32x4_mul(vlq, f32x4_sub(f32x4_mul(ve, pv), f32x4_mul(vreg, qv))));
            v128_store(p.add(j) as *mut v128, np);
            v128_store(q.add(j) as *mut v128, nq);
            j += 4;
        }
        Scalar::sgd(p.add(lanes), q.add(lanes), qm.add(lanes), n - lanes, e, lr_p, lr_q, reg);
    }

    #[inline]
    unsafe fn sgd_sq(
        p: *mut f32,
        q: *mut f32,
        qm: *const f32,
        n: usize,
        e: f32,
        lr_p: f32,
        lr_q: f32,
        reg: f32,
    ) -> (f32, f32) {
        use core::arch::wasm32::*;
        let lanes = n / 4 * 4;
        let (ve, vlp, vlq, vreg) = (f32x4_splat(e), f32x4_splat(lr_p), f32x4_splat(lr_q), f32x4_splat(reg));
        let (mut va, mut vb) = (f32x4_splat(0.0), f32x4_splat(0.0));
        let mut j = 0;
        while j < lanes {
            let pv = v128_load(p.add(j) as *const v128);
            let qv = v128_load(q.add(j) as *const v128);
            let mv = v128_load(qm.add(j) as *const v128);
            let gp = f32x4_sub(f32x4_mul(ve, mv), f32x4_mul(vreg, pv));
            let gq = f32x4_sub(f32x4_mul(ve, pv), f32x4_mul(vreg, qv));
            v128_store(p.add(j) as *mut v128, f32x4_add(pv, f32x4_mul(vlp, gp)));
            v128_store(q.add(j) as *mut v128, f32x4_add(qv, f32x4_mul(vlq, gq)));
            va = f32x4_add(va, f32x4_mul(gp, gp));
            vb = f32x4_add(vb, f32x4_mul(gq, gq));
            j += 4;
        }
        let lane = |v: v128| {
            (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v))
                + (f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v))
        };
        let (ta, tb) = Scalar::sgd_sq(p.add(lanes), q.add(lanes), qm.add(lanes), n - lanes, e, lr_p, lr_q, reg);
        (lane(va) + ta, lane(vb) + tb)
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
///
/// # Safety
/// `b` must hold buffers of the sizes `s` implies (Adam buffers when the
/// optimiser is Adam), and no other thread may touch the rows these ratings
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
    let mut sse = 0.0f64;
    let n = users.len().min(movies.len()).min(ratings.len());
    for i in 0..n {
        let (u, m) = (users[i] as usize, movies[i] as usize);
        if u >= s.n_users || m >= s.n_movies {
            return Err(i);
        }
        let p = row(b.p, u, s.stride);
        let q = row(b.q, m, s.stride);
        let bu = &mut *b.bu.add(u);
        let bi = &mut *b.bi.add(m);
        if !b.m.is_null() {
            // Metadata: the movie vector is q + m and its bias b_i + mb; m's gradient is summed into g.
            let mrow = row(b.m, m, s.stride);
            let g = row(b.g, m, s.stride);
            let mut qm = [0.0f32; 256];
            let keep = s.stride.min(256);
            let dropped = h.drop > 0.0 && (mix32(h.salt ^ (first + i) as u32) as f32) < h.drop * 4_294_967_296.0;
            if dropped {
                qm[..keep].copy_from_slice(&mrow[..keep]);
            } else {
                O::add(&q[..keep], &mrow[..keep], &mut qm[..keep]);
            }
            let own_bias = if dropped { 0.0 } else { *bi };
            let pred = raw_score(s.mu, *bu, own_bias + *b.mb.add(m), O::dot(p, &qm[..keep]));
            let e = ratings[i] - pred;
            sse += (e as f64) * (e as f64);
            *b.gb.add(m) += e;
            O::axpy(e, p, g);
            if dropped {
                // Train as if the movie were new: the user and W learn, the movie's own row does not.
                if h.optimizer == ADAM {
                    let su = row(b.su, u, 4);
                    adam_bias(bu, su, e, h);
                    let (cu1, cu2) = (1.0 - su[2], 1.0 - su[3]);
                    O::adam(p, &qm[..keep], row(b.mp, u, s.stride), row(b.vp, u, s.stride), e, h, cu1, cu2);
                } else {
                    let mut frozen = [0.0f32; 256];
                    if h.optimizer == ADAGRAD {
                        let su = row(b.su, u, 4);
                        adagrad_bias(bu, su, e, h);
                        adagrad::<O>(p.as_mut_ptr(), frozen.as_mut_ptr(), qm.as_ptr(), keep, e, h, su, None);
                    } else {
                        *bu += h.lr_bias * (e - h.reg_bias * *bu);
                        O::sgd(p.as_mut_ptr(), frozen.as_mut_ptr(), qm.as_ptr(), keep, e, h.lr, 0.0, h.reg);
                    }
                }
                continue;
            }
            if h.optimizer == ADAM {
                let su = row(b.su, u, 4);
                let si = row(b.si, m, 4);
                adam_bias(bu, su, e, h);
                adam_bias(bi, si, e, h);
                let (cu1, cu2) = (1.0 - su[2], 1.0 - su[3]);
                let (ci1, ci2) = (1.0 - si[2], 1.0 - si[3]);
                let mut old_p = [0.0f32; 256];
                old_p[..keep].copy_from_slice(&p[..keep]);
                O::adam(p, &qm[..keep], row(b.mp, u, s.stride), row(b.vp, u, s.stride), e, h, cu1, cu2);
                O::adam(q, &old_p[..keep], row(b.mq, m, s.stride), row(b.vq, m, s.stride), e, h, ci1, ci2);
            } else {
                if h.optimizer == ADAGRAD {
                    let (su, si) = (row(b.su, u, 4), row(b.si, m, 4));
                    adagrad_bias(bu, su, e, h);
                    adagrad_bias(bi, si, e, h);
                    adagrad::<O>(p.as_mut_ptr(), q.as_mut_ptr(), qm.as_ptr(), keep, e, h, su, Some(si));
                } else {
                    *bu += h.lr_bias * (e - h.reg_bias * *bu);
                    *bi += h.lr_bias * (e - h.reg_bias * *bi);
                    O::sgd(p.as_mut_ptr(), q.as_mut_ptr(), qm.as_ptr(), keep, e, h.lr, h.lr, h.reg);
                }
            }
            continue;
        }
        let pred = raw_score(s.mu, *bu, *bi, O::dot(p, q));
        let e = ratings[i] - pred;
        sse += (e as f64) * (e as f64);
        if h.optimizer == ADAM {
            let su = row(b.su, u, 4);
            let si = row(b.si, m, 4);
            adam_bias(bu, su, e, h);
            adam_bias(bi, si, e, h);
            let (cu1, cu2) = (1.0 - su[2], 1.0 - su[3]);
            let (ci1, ci2) = (1.0 - si[2], 1.0 - si[3]);
            // Both rows step from the same old values: q's gradient uses p before its update.
            let mut old_p = [0.0f32; 256];
            let keep = s.stride.min(256);
            old_p[..keep].copy_from_slice(&p[..keep]);
            O::adam(p, q, row(b.mp, u, s.stride), row(b.vp, u, s.stride), e, h, cu1, cu2);
            O::adam(q, &old_p[..keep], row(b.mq, m, s.stride), row(b.vq, m, s.stride), e, h, ci1, ci2);
        } else {
            let qp = q.as_mut_ptr();
            if h.optimizer == ADAGRAD {
                let (su, si) = (row(b.su, u, 4), row(b.si, m, 4));
                adagrad_bias(bu, su, e, h);
                adagrad_bias(bi, si, e, h);
                adagrad::<O>(p.as_mut_ptr(), qp, qp, s.stride, e, h, su, Some(si));
            } else {
                *bu += h.lr_bias * (e - h.reg_bias * *bu);
                *bi += h.lr_bias * (e - h.reg_bias * *bi);
                O::sgd(p.as_mut_ptr(), qp, qp, s.stride, e, h.lr, h.lr, h.reg);
            }
        }
    }
    Ok(sse)
}

/// Mixes a 32-bit value (a splitmix32-style finaliser), for seeded per-rating decisions.
#[inline]
pub fn mix32(x: u32) -> u32 {
    let mut x = x.wrapping_add(0x9e37_79b9);
    x = (x ^ (x >> 16)).wrapping_mul(0x85eb_ca6b);
    x = (x ^ (x >> 13)).wrapping_mul(0xc2b2_ae35);
    x ^ (x >> 16)
}

/// AdaGrad step of a user row and a movie row, as LIBMF orders it: each row
/// steps by `lr / sqrt(1 + sum)` with its running sum so far (`su[0]`, `si[0]`),
/// then adds this rating's mean squared gradient to it. With `si` None (a
/// dropped movie) the movie row does not move and keeps no state.
///
/// # Safety
/// As for [`RowOps::sgd`].
#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn adagrad<O: RowOps>(
    p: *mut f32,
    q: *mut f32,
    qm: *const f32,
    n: usize,
    e: f32,
    h: &Hyper,
    su: &mut [f32],
    si: Option<&mut [f32]>,
) {
    let lp = h.lr / sqrt(1.0 + su[0]);
    let lq = si.as_ref().map_or(0.0, |si| h.lr / sqrt(1.0 + si[0]));
    let (gp, gq) = O::sgd_sq(p, q, qm, n, e, lp, lq, h.reg);
    let k = n as f32;
    su[0] += gp / k;
    if let Some(si) = si {
        si[0] += gq / k;
    }
}

/// AdaGrad step of a bias, the same order; its squared gradients add up in `st[1]`.
#[inline]
fn adagrad_bias(x: &mut f32, st: &mut [f32], e: f32, h: &Hyper) {
    let g = e - h.reg_bias * *x;
    *x += h.lr_bias / sqrt(1.0 + st[1]) * g;
    st[1] += g * g;
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
    fn adagrad_reduces_the_training_error() {
        let (first, last) = fit(ADAGRAD, 0.1, 200);
        assert!(last < first * 0.2, "{first} -> {last}");
    }

    #[test]
    fn sgd_sq_steps_like_sgd_and_sums_both_gradients() {
        let p0 = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let qm = [0.5f32; 8];
        let (mut p, mut q, mut p2, mut q2) = (p0, qm, p0, qm);
        // SAFETY: every pointer holds 8 floats; qm is a separate array.
        let (a, b) = unsafe { Scalar::sgd_sq(p.as_mut_ptr(), q.as_mut_ptr(), qm.as_ptr(), 8, 2.0, 0.1, 0.2, 0.5) };
        unsafe { Scalar::sgd(p2.as_mut_ptr(), q2.as_mut_ptr(), qm.as_ptr(), 8, 2.0, 0.1, 0.2, 0.5) };
        assert_eq!((p, q), (p2, q2));
        let p = p0;
        let ga: f32 = p.iter().map(|&x| (2.0 * 0.5 - 0.5 * x).powi(2)).sum();
        let gb: f32 = p.iter().map(|&x| (2.0 * x - 0.5 * 0.5).powi(2)).sum();
        assert!((a - ga).abs() < 1e-4 && (b - gb).abs() < 1e-3, "{a} {ga} {b} {gb}");
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
