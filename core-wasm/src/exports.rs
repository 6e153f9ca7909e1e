//! The C-ABI exports: the only place the host calls into.
//!
//! Every export takes pointers, lengths and counts into the shared linear
//! memory, re-checks them (null, alignment, overflow, end of memory) and
//! returns a status code from [`crate::status`]. Results go to out-pointers.
//! Names share the prefix `pmf_`.

use crate::ratings_csv::{Columns, ParseResult};
use crate::status::{
    ABI_VERSION, BAD_DIMENSION, INVALID_INPUT, MISALIGNED, NULL_POINTER, OK, OUT_OF_BOUNDS, OVERFLOW,
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

/// A checked shared slice of `len` elements at `ptr`.
///
/// SAFETY (of the callers): the host guarantees that no other thread writes
/// the region during the call; `check` guarantees it lies within memory.
fn slice<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], i32> {
    check(ptr, len)?;
    Ok(unsafe { slice::from_raw_parts(ptr, len) })
}

/// A checked mutable slice; see [`slice`]. Regions passed to one call must
/// not overlap, which the host guarantees.
fn slice_mut<'a, T>(ptr: *mut T, len: usize) -> Result<&'a mut [T], i32> {
    check(ptr as *const T, len)?;
    Ok(unsafe { slice::from_raw_parts_mut(ptr, len) })
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

/// Parses whole lines of a ratings CSV (no header) into columns of
/// `capacity` rows, writing from row `start`; see `ratings_csv::parse`.
/// `times` may be null when `has_time` is 0. `result` is a `ParseResult`
/// (eight u32) whose `max_user`/`max_movie` are carried in and out.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_parse_ratings(
    input: *const u8,
    len: u32,
    has_time: u32,
    users: *mut u32,
    movies: *mut u32,
    ratings: *mut f32,
    times: *mut u32,
    start: u32,
    capacity: u32,
    result: *mut ParseResult,
) -> i32 {
    let (len, cap, start) = (len as usize, capacity as usize, start as usize);
    let has_time = has_time != 0;
    status((|| {
        if start > cap {
            return Err(BAD_DIMENSION);
        }
        let input = slice(input, len)?;
        let result = &mut slice_mut(result, 1)?[0];
        let mut out = Columns {
            users: slice_mut(users, cap)?,
            movies: slice_mut(movies, cap)?,
            ratings: slice_mut(ratings, cap)?,
            times: if has_time { slice_mut(times, cap)? } else { &mut [] },
        };
        crate::ratings_csv::parse(input, has_time, &mut out, start, result);
        Ok(())
    })())
}

/// Marks `n` raw ids in a lookup table of `table_len` i32 (see `ids`).
#[no_mangle]
pub extern "C" fn pmf_ids_mark(ids: *const u32, n: u32, table: *mut i32, table_len: u32) -> i32 {
    status((|| {
        let ok = crate::ids::mark(slice(ids, n as usize)?, slice_mut(table, table_len as usize)?);
        if ok { Ok(()) } else { Err(INVALID_INPUT) }
    })())
}

/// Turns marks into dense ranks; writes the number of distinct ids to `count`.
#[no_mangle]
pub extern "C" fn pmf_ids_assign(table: *mut i32, table_len: u32, count: *mut u32) -> i32 {
    status((|| {
        let table = slice_mut(table, table_len as usize)?;
        slice_mut(count, 1)?[0] = crate::ids::assign(table);
        Ok(())
    })())
}

/// Writes the raw id of each of `n_out` dense indices to `out`.
#[no_mangle]
pub extern "C" fn pmf_ids_list(table: *const i32, table_len: u32, out: *mut u32, n_out: u32) -> i32 {
    status((|| {
        crate::ids::list(slice(table, table_len as usize)?, slice_mut(out, n_out as usize)?);
        Ok(())
    })())
}

/// Replaces `n` raw ids in place by their dense indices.
#[no_mangle]
pub extern "C" fn pmf_ids_remap(ids: *mut u32, n: u32, table: *const i32, table_len: u32) -> i32 {
    status((|| {
        let ok = crate::ids::remap(slice_mut(ids, n as usize)?, slice(table, table_len as usize)?);
        if ok { Ok(()) } else { Err(INVALID_INPUT) }
    })())
}

/// Writes 1 to `out` if the `n` rows are in (user, movie) order, else 0.
#[no_mangle]
pub extern "C" fn pmf_is_sorted(users: *const u32, movies: *const u32, n: u32, out: *mut u32) -> i32 {
    status((|| {
        let sorted = crate::order::is_sorted(slice(users, n as usize)?, slice(movies, n as usize)?);
        slice_mut(out, 1)?[0] = sorted as u32;
        Ok(())
    })())
}

/// Stable counting sort of row numbers by key; `perm_in` may be null (0..n).
/// `counts` has `n_keys + 1` u32 of scratch.
#[no_mangle]
pub extern "C" fn pmf_counting_order(
    keys: *const u32,
    n: u32,
    n_keys: u32,
    counts: *mut u32,
    perm_in: *const u32,
    perm_out: *mut u32,
) -> i32 {
    let (n, n_keys) = (n as usize, n_keys as usize);
    status((|| {
        let keys = slice(keys, n)?;
        let counts = slice_mut(counts, n_keys.checked_add(1).ok_or(OVERFLOW)?)?;
        let perm_in = if perm_in.is_null() { None } else { Some(slice(perm_in, n)?) };
        if let Some(p) = perm_in {
            if p.iter().any(|&row| row as usize >= n) {
                return Err(INVALID_INPUT);
            }
        }
        let ok = crate::order::counting_order(keys, n_keys, counts, perm_in, slice_mut(perm_out, n)?);
        if ok { Ok(()) } else { Err(INVALID_INPUT) }
    })())
}

/// `dst[i] = src[perm[i]]` for `n` 4-byte elements; every `perm[i] < n`.
#[no_mangle]
pub extern "C" fn pmf_gather32(src: *const u32, perm: *const u32, n: u32, dst: *mut u32) -> i32 {
    let n = n as usize;
    status((|| {
        let perm = slice(perm, n)?;
        if perm.iter().any(|&p| p as usize >= n) {
            return Err(INVALID_INPUT);
        }
        crate::order::gather(slice(src, n)?, perm, slice_mut(dst, n)?);
        Ok(())
    })())
}

/// Drops duplicate (user, movie) rows from sorted columns, keeping the last;
/// writes the number kept to `kept`. `times` may be null.
#[no_mangle]
pub extern "C" fn pmf_dedupe(
    users: *mut u32,
    movies: *mut u32,
    ratings: *mut f32,
    times: *mut u32,
    n: u32,
    kept: *mut u32,
) -> i32 {
    let n = n as usize;
    status((|| {
        let times = if times.is_null() { None } else { Some(slice_mut(times, n)?) };
        let k = crate::order::dedupe(slice_mut(users, n)?, slice_mut(movies, n)?, slice_mut(ratings, n)?, times);
        slice_mut(kept, 1)?[0] = k as u32;
        Ok(())
    })())
}

/// Per-user offsets (`n_users + 1` u32) of user-sorted rows.
#[no_mangle]
pub extern "C" fn pmf_user_offsets(users: *const u32, n: u32, n_users: u32, offsets: *mut u32) -> i32 {
    let n_users = n_users as usize;
    status((|| {
        let out = slice_mut(offsets, n_users.checked_add(1).ok_or(OVERFLOW)?)?;
        if crate::order::offsets(slice(users, n as usize)?, n_users, out) { Ok(()) } else { Err(INVALID_INPUT) }
    })())
}

fn checksum_export(f: fn(&[u32]) -> u64, words: *const u32, n: u32, out: *mut u32) -> i32 {
    status((|| {
        let h = f(slice(words, n as usize)?);
        let out = slice_mut(out, 2)?;
        out[0] = h as u32;
        out[1] = (h >> 32) as u32;
        Ok(())
    })())
}

/// 64-bit checksum of `n` words, written as (low, high) u32 to `out` (SIMD).
#[no_mangle]
pub extern "C" fn pmf_checksum(words: *const u32, n: u32, out: *mut u32) -> i32 {
    checksum_export(crate::checksum::checksum, words, n, out)
}

/// The scalar twin of [`pmf_checksum`].
#[no_mangle]
pub extern "C" fn pmf_checksum_scalar(words: *const u32, n: u32, out: *mut u32) -> i32 {
    checksum_export(crate::checksum::checksum_scalar, words, n, out)
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
