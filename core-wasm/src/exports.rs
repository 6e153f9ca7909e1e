//! The C-ABI exports: the only place the host calls into.
//!
//! Every export takes pointers, lengths and counts into the shared linear
//! memory, re-checks them (null, alignment, overflow, end of memory) and
//! returns a status code from [`crate::status`]. Results go to out-pointers.
//! Names share the prefix `pmf_`.

use crate::status::{
    ABI_VERSION, BAD_DIMENSION, MISALIGNED, NULL_POINTER, OK, OUT_OF_BOUNDS, OVERFLOW,
};
use core::slice;

/// Bytes of linear memory currently addressable.
#[cfg(target_arch = "wasm32")]
fn memory_bytes() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65536
}

#[cfg(not(target_arch = "wasm32"))]
fn memory_bytes() -> u64 {
    u64::MAX
}

/// Checks that `len` elements of `T` at `ptr` are a valid region.
fn check<T>(ptr: *const T, len: usize) -> Result<(), i32> {
    if ptr.is_null() {
        return Err(NULL_POINTER);
    }
    let align = core::mem::align_of::<T>();
    if (ptr as usize) % align != 0 {
        return Err(MISALIGNED);
    }
    let bytes = (len as u64)
        .checked_mul(core::mem::size_of::<T>() as u64)
        .ok_or(OVERFLOW)?;
    let end = (ptr as usize as u64).checked_add(bytes).ok_or(OVERFLOW)?;
    if end > memory_bytes() {
        return Err(OUT_OF_BOUNDS);
    }
    Ok(())
}

fn status(result: Result<(), i32>) -> i32 {
    match result {
        Ok(()) => OK,
        Err(code) => code,
    }
}

/// Returns the ABI version; the host checks it before anything else.
#[no_mangle]
pub extern "C" fn pmf_abi_version() -> u32 {
    ABI_VERSION
}

fn dot_export(dot: fn(&[f32], &[f32]) -> f32, a: *const f32, b: *const f32, n: u32, out: *mut f32) -> i32 {
    let n = n as usize;
    status((|| {
        check(a, n)?;
        check(b, n)?;
        check(out as *const f32, 1)?;
        // SAFETY: regions checked above; the host guarantees no other thread
        // writes them during the call.
        unsafe { *out = dot(slice::from_raw_parts(a, n), slice::from_raw_parts(b, n)) };
        Ok(())
    })())
}

/// `*out = dot(a[0..n], b[0..n])` (SIMD on wasm32).
#[no_mangle]
pub extern "C" fn pmf_dot(a: *const f32, b: *const f32, n: u32, out: *mut f32) -> i32 {
    dot_export(crate::vector::dot, a, b, n, out)
}

/// The scalar twin of [`pmf_dot`]: same result, bit for bit.
#[no_mangle]
pub extern "C" fn pmf_dot_scalar(a: *const f32, b: *const f32, n: u32, out: *mut f32) -> i32 {
    dot_export(crate::vector::scalar::dot, a, b, n, out)
}

/// `y[i] += alpha * x[i]` for `i < n` (SIMD on wasm32).
#[no_mangle]
pub extern "C" fn pmf_axpy(alpha: f32, x: *const f32, y: *mut f32, n: u32) -> i32 {
    let n = n as usize;
    status((|| {
        check(x, n)?;
        check(y as *const f32, n)?;
        // SAFETY: regions checked above.
        unsafe { crate::vector::axpy(alpha, slice::from_raw_parts(x, n), slice::from_raw_parts_mut(y, n)) };
        Ok(())
    })())
}

type ScoreFn = fn(&[f32], &[f32], usize, Option<&[f32]>, f32, &mut [f32]);

#[allow(clippy::too_many_arguments)]
fn score_export(
    score: ScoreFn,
    user: *const f32,
    factors: *const f32,
    stride: u32,
    k: u32,
    bias: *const f32,
    offset: f32,
    first: u32,
    count: u32,
    out: *mut f32,
) -> i32 {
    let (stride, k, first, count) = (stride as usize, k as usize, first as usize, count as usize);
    status((|| {
        if k == 0 || stride < k {
            return Err(BAD_DIMENSION);
        }
        check(user, k)?;
        let end = first.checked_add(count).ok_or(OVERFLOW)?;
        let rows = end.checked_mul(stride).ok_or(OVERFLOW)?;
        check(factors, rows)?;
        check(out as *const f32, end)?;
        if !bias.is_null() {
            check(bias, end)?;
        }
        if count == 0 {
            return Ok(());
        }
        // SAFETY: every region checked above; rows of the range lie within
        // `factors[0..end * stride]`.
        unsafe {
            let user = slice::from_raw_parts(user, k);
            let factors = slice::from_raw_parts(factors.add(first * stride), count * stride);
            let bias = if bias.is_null() { None } else { Some(slice::from_raw_parts(bias.add(first), count)) };
            let out = slice::from_raw_parts_mut(out.add(first), count);
            score(user, factors, stride, bias, offset, out);
        }
        Ok(())
    })())
}

/// Scores movies `first..first + count` for one user:
/// `out[i] = (offset + bias[i]) + dot(user[0..k], factors[i * stride..][0..k])`.
/// `bias` may be null (no movie bias). `out` and `bias` are indexed by movie,
/// so Workers can fill disjoint ranges of one output buffer.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_score_movies(
    user: *const f32,
    factors: *const f32,
    stride: u32,
    k: u32,
    bias: *const f32,
    offset: f32,
    first: u32,
    count: u32,
    out: *mut f32,
) -> i32 {
    score_export(crate::score::score_movies, user, factors, stride, k, bias, offset, first, count, out)
}

/// The scalar twin of [`pmf_score_movies`]: same result, bit for bit.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_score_movies_scalar(
    user: *const f32,
    factors: *const f32,
    stride: u32,
    k: u32,
    bias: *const f32,
    offset: f32,
    first: u32,
    count: u32,
    out: *mut f32,
) -> i32 {
    score_export(crate::score::score_movies_scalar, user, factors, stride, k, bias, offset, first, count, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_misaligned_and_overflowing_buffers_are_refused() {
        let a = [1.0f32; 8];
        let mut out = 0.0f32;
        assert_eq!(pmf_dot(core::ptr::null(), a.as_ptr(), 8, &mut out), NULL_POINTER);
        let misaligned = (a.as_ptr() as usize + 1) as *const f32;
        assert_eq!(pmf_dot(misaligned, a.as_ptr(), 4, &mut out), MISALIGNED);
        assert_eq!(pmf_dot(a.as_ptr(), a.as_ptr(), 8, &mut out), OK);
        assert_eq!(out, 8.0);
    }

    #[test]
    fn score_refuses_bad_dimensions_and_scores_a_range() {
        let user = [1.0f32, 1.0];
        let factors = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut out = [0.0f32; 3];
        let p = out.as_mut_ptr();
        assert_eq!(pmf_score_movies(user.as_ptr(), factors.as_ptr(), 1, 2, core::ptr::null(), 0.0, 0, 3, p), BAD_DIMENSION);
        assert_eq!(pmf_score_movies(user.as_ptr(), factors.as_ptr(), 2, 0, core::ptr::null(), 0.0, 0, 3, p), BAD_DIMENSION);
        assert_eq!(pmf_score_movies(user.as_ptr(), factors.as_ptr(), 2, 2, core::ptr::null(), 1.0, 1, 2, p), OK);
        assert_eq!(out, [0.0, 8.0, 12.0]);
    }
}
