//! Vector kernels over f32 rows: dot product, axpy, and sums of scaled rows.
//!
//! `simd` (wasm32 only) and `scalar` hold twins of the same name that perform
//! the same floating-point operations in the same order, so they agree bit
//! for bit: the dot product keeps two 4-lane accumulators over blocks of 8,
//! folds one more block of 4 into the first, adds the accumulators lane-wise,
//! reduces the lanes as `(l0 + l1) + (l2 + l3)` and adds the remaining
//! elements one by one. No fused multiply-add is used on either path.

/// Scalar twins, used natively and compared with the SIMD path.
pub mod scalar {
    /// `Σ term(i)` over `i < n`, in the documented lane order.
    #[inline(always)]
    fn lane_sum(n: usize, term: impl Fn(usize) -> f32) -> f32 {
        let mut acc0 = [0.0f32; 4];
        let mut acc1 = [0.0f32; 4];
        let mut i = 0;
        while i + 8 <= n {
            for (j, (a0, a1)) in acc0.iter_mut().zip(acc1.iter_mut()).enumerate() {
                *a0 += term(i + j);
                *a1 += term(i + 4 + j);
            }
            i += 8;
        }
        if i + 4 <= n {
            for (j, a0) in acc0.iter_mut().enumerate() {
                *a0 += term(i + j);
            }
            i += 4;
        }
        let s = [acc0[0] + acc1[0], acc0[1] + acc1[1], acc0[2] + acc1[2], acc0[3] + acc1[3]];
        let mut h = (s[0] + s[1]) + (s[2] + s[3]);
        while i < n {
            h += term(i);
            i += 1;
        }
        h
    }

    /// Dot product of the first `min(a.len(), b.len())` elements.
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        lane_sum(n, |i| a[i] * b[i])
    }

    /// `y[i] += alpha * x[i]` for the first `min(x.len(), y.len())` elements.
    pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
        for (yi, xi) in y.iter_mut().zip(x.iter()) {
            *yi += alpha * *xi;
        }
    }

    /// `out = Σ_e weights[e] · table[rows[e]]` (table rows of `stride` floats, `out.len() ≤
    /// stride`), added in order of `e` to a zeroed `out`.
    pub fn combine_rows(rows: &[u32], weights: &[f32], table: &[f32], stride: usize, out: &mut [f32]) {
        out.fill(0.0);
        for (&r, &a) in rows.iter().zip(weights) {
            axpy(a, &table[r as usize * stride..][..out.len()], out);
        }
    }

    /// `table[rows[e]] += weights[e] · x` for every `e` in order (table rows of `stride`
    /// floats, `x.len() ≤ stride`).
    pub fn scatter_rows(rows: &[u32], weights: &[f32], table: &mut [f32], stride: usize, x: &[f32]) {
        for (&r, &a) in rows.iter().zip(weights) {
            axpy(a, x, &mut table[r as usize * stride..][..x.len()]);
        }
    }
}

/// SIMD twins (wasm32 `simd128`), with the arithmetic order of [`scalar`].
#[cfg(target_arch = "wasm32")]
pub mod simd {
    use core::arch::wasm32::{f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, v128, v128_load, v128_store};

    /// `Σ term(i)` over `i < n` in the documented lane order: `quad(i)` gives the terms
    /// `i..i + 4` as one vector, `one(i)` a single term of the tail.
    ///
    /// # Safety
    /// `quad` and `one` must be safe to call for every index below `n`.
    #[inline(always)]
    unsafe fn lane_sum(n: usize, quad: impl Fn(usize) -> v128, one: impl Fn(usize) -> f32) -> f32 {
        let mut acc0 = f32x4_splat(0.0);
        let mut acc1 = f32x4_splat(0.0);
        let mut i = 0;
        while i + 8 <= n {
            acc0 = f32x4_add(acc0, quad(i));
            acc1 = f32x4_add(acc1, quad(i + 4));
            i += 8;
        }
        if i + 4 <= n {
            acc0 = f32x4_add(acc0, quad(i));
            i += 4;
        }
        let s = f32x4_add(acc0, acc1);
        let mut h = (f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s))
            + (f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s));
        while i < n {
            h += one(i);
            i += 1;
        }
        h
    }

    /// Dot product of the first `min(a.len(), b.len())` elements.
    #[inline]
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        // SAFETY: every load reads indices below `n`, within both slices;
        // v128_load has no alignment requirement.
        unsafe {
            lane_sum(
                n,
                |i| f32x4_mul(v128_load(pa.add(i) as *const v128), v128_load(pb.add(i) as *const v128)),
                |i| *pa.add(i) * *pb.add(i),
            )
        }
    }

    /// `y[i] += alpha * x[i]` for the first `min(x.len(), y.len())` elements.
    #[inline]
    pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let px = x.as_ptr();
        let py = y.as_mut_ptr();
        // SAFETY: indices stay below `n`, within both slices.
        unsafe {
            let va = f32x4_splat(alpha);
            let mut i = 0;
            while i + 4 <= n {
                let xv = v128_load(px.add(i) as *const v128);
                let yv = v128_load(py.add(i) as *const v128);
                v128_store(py.add(i) as *mut v128, f32x4_add(yv, f32x4_mul(va, xv)));
                i += 4;
            }
            while i < n {
                *py.add(i) += alpha * *px.add(i);
                i += 1;
            }
        }
    }

    /// Vectors one register block of [`combine_rows`] and [`scatter_rows`] covers: 8 vectors
    /// (32 lanes) stay in registers while the table's rows stream past.
    const BLOCK: usize = 8;

    /// [`super::scalar::combine_rows`] with the output kept in registers, one block of lanes
    /// at a time (each row read once per block, the output written once); the same bits.
    pub fn combine_rows(rows: &[u32], weights: &[f32], table: &[f32], stride: usize, out: &mut [f32]) {
        let n = out.len();
        // Every row's lanes below n, checked once here instead of at every load.
        assert!(rows.iter().all(|&r| (r as usize) * stride + n <= table.len()) && n <= stride);
        let terms = rows.len().min(weights.len());
        let mut j = 0;
        while j + 4 * BLOCK <= n {
            // SAFETY: checked above; lanes j..j + 32 lie within every row and `out`.
            unsafe { combine_block::<BLOCK>(&rows[..terms], weights, table, stride, j, out) };
            j += 4 * BLOCK;
        }
        while j + 4 <= n {
            // SAFETY: as above, lanes j..j + 4.
            unsafe { combine_block::<1>(&rows[..terms], weights, table, stride, j, out) };
            j += 4;
        }
        for (l, o) in out.iter_mut().enumerate().skip(j) {
            *o = 0.0;
            for (&r, &a) in rows.iter().zip(weights) {
                *o += a * table[r as usize * stride + l];
            }
        }
    }

    /// Lanes `j..j + 4V` of [`combine_rows`].
    ///
    /// # Safety
    /// Those lanes must lie within `out` and within every named row of `table`.
    #[inline(always)]
    unsafe fn combine_block<const V: usize>(
        rows: &[u32],
        weights: &[f32],
        table: &[f32],
        stride: usize,
        j: usize,
        out: &mut [f32],
    ) {
        let mut acc = [f32x4_splat(0.0); V];
        for (e, &r) in rows.iter().enumerate() {
            let p = table.as_ptr().add(r as usize * stride + j);
            let a = f32x4_splat(*weights.get_unchecked(e));
            for (k, lane) in acc.iter_mut().enumerate() {
                *lane = f32x4_add(*lane, f32x4_mul(a, v128_load(p.add(4 * k) as *const v128)));
            }
        }
        for (k, lane) in acc.iter().enumerate() {
            v128_store(out.as_mut_ptr().add(j + 4 * k) as *mut v128, *lane);
        }
    }

    /// [`super::scalar::scatter_rows`] with `x` kept in registers, one block of lanes at a
    /// time; the same bits.
    pub fn scatter_rows(rows: &[u32], weights: &[f32], table: &mut [f32], stride: usize, x: &[f32]) {
        let n = x.len();
        assert!(rows.iter().all(|&r| (r as usize) * stride + n <= table.len()) && n <= stride);
        let terms = rows.len().min(weights.len());
        let mut j = 0;
        while j + 4 * BLOCK <= n {
            // SAFETY: checked above; lanes j..j + 32 lie within every row and `x`.
            unsafe { scatter_block::<BLOCK>(&rows[..terms], weights, table, stride, j, x) };
            j += 4 * BLOCK;
        }
        while j + 4 <= n {
            // SAFETY: as above, lanes j..j + 4.
            unsafe { scatter_block::<1>(&rows[..terms], weights, table, stride, j, x) };
            j += 4;
        }
        for (&r, &a) in rows.iter().zip(weights) {
            for l in j..n {
                table[r as usize * stride + l] += a * x[l];
            }
        }
    }

    /// Lanes `j..j + 4V` of [`scatter_rows`].
    ///
    /// # Safety
    /// Those lanes must lie within `x` and within every named row of `table`.
    #[inline(always)]
    unsafe fn scatter_block<const V: usize>(
        rows: &[u32],
        weights: &[f32],
        table: &mut [f32],
        stride: usize,
        j: usize,
        x: &[f32],
    ) {
        let mut xs = [f32x4_splat(0.0); V];
        for (k, lane) in xs.iter_mut().enumerate() {
            *lane = v128_load(x.as_ptr().add(j + 4 * k) as *const v128);
        }
        for (e, &r) in rows.iter().enumerate() {
            let p = table.as_mut_ptr().add(r as usize * stride + j);
            let a = f32x4_splat(*weights.get_unchecked(e));
            for (k, lane) in xs.iter().enumerate() {
                let q = p.add(4 * k) as *mut v128;
                v128_store(q, f32x4_add(v128_load(q), f32x4_mul(a, *lane)));
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use simd::{axpy, combine_rows, dot, scatter_rows};

#[cfg(not(target_arch = "wasm32"))]
pub use scalar::{axpy, combine_rows, dot, scatter_rows};

#[cfg(test)]
mod tests {
    use super::scalar;

    fn sample(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s as f32 / u32::MAX as f32) * 2.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn dot_matches_f64_reference_for_every_length_up_to_70() {
        for n in 0..=70 {
            let a = sample(n, 1 + n as u32);
            let b = sample(n, 1000 + n as u32);
            let reference: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
            let got = scalar::dot(&a, &b) as f64;
            assert!((got - reference).abs() < 1e-5 * (1.0 + reference.abs()), "n={n}");
        }
    }

    #[test]
    fn dot_uses_the_shorter_length() {
        assert_eq!(scalar::dot(&[1.0, 2.0, 3.0], &[4.0, 5.0]), 14.0);
        assert_eq!(scalar::dot(&[], &[1.0]), 0.0);
    }

    #[test]
    fn dot_follows_the_documented_lane_order() {
        // 13 elements: one block of 8, one of 4, one tail element.
        let a: Vec<f32> = (0..13).map(|i| 1.0 + i as f32 * 1e-3).collect();
        let b: Vec<f32> = (0..13).map(|i| 3.0 - i as f32 * 7e-4).collect();
        let mut acc0 = [0.0f32; 4];
        let mut acc1 = [0.0f32; 4];
        for j in 0..4 {
            acc0[j] += a[j] * b[j];
            acc1[j] += a[4 + j] * b[4 + j];
        }
        for j in 0..4 {
            acc0[j] += a[8 + j] * b[8 + j];
        }
        let s: Vec<f32> = (0..4).map(|j| acc0[j] + acc1[j]).collect();
        let expected = ((s[0] + s[1]) + (s[2] + s[3])) + a[12] * b[12];
        assert_eq!(scalar::dot(&a, &b).to_bits(), expected.to_bits());
    }

    #[test]
    fn axpy_adds_scaled_vector() {
        let x = [1.0f32, 2.0, 3.0, 4.0, 5.0];
        let mut y = [10.0f32, 10.0, 10.0, 10.0, 10.0];
        scalar::axpy(0.5, &x, &mut y);
        assert_eq!(y, [10.5, 11.0, 11.5, 12.0, 12.5]);
    }
}
