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

/// The training descriptor the host writes (33 little-endian 4-byte words;
/// pointers are wasm32 byte offsets). Word order is part of the ABI.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TrainDesc {
    pub n_users: u32,
    pub n_movies: u32,
    pub k: u32,
    pub stride: u32,
    pub mu: f32,
    pub p: u32,
    pub q: u32,
    pub bu: u32,
    pub bi: u32,
    pub optimizer: u32,
    pub lr: f32,
    pub lr_bias: f32,
    pub reg: f32,
    pub reg_bias: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub mp: u32,
    pub vp: u32,
    pub mq: u32,
    pub vq: u32,
    pub su: u32,
    pub si: u32,
    pub users: u32,
    pub movies: u32,
    pub ratings: u32,
    pub n_ratings: u32,
    pub m: u32,
    pub g: u32,
    pub mb: u32,
    pub gb: u32,
    pub drop: f32,
    pub salt: u32,
}

fn ptr_f32(word: u32) -> *mut f32 {
    word as usize as *mut f32
}

/// Largest stride the kernels accept (the Adam path keeps one row on the stack).
pub const MAX_STRIDE: usize = 256;

/// Checks a descriptor's buffers and shapes; returns the kernel's views.
fn check_desc(d: &TrainDesc) -> Result<(crate::train::Buffers, crate::train::Shape, crate::train::Hyper), i32> {
    let (nu, nm, stride) = (d.n_users as usize, d.n_movies as usize, d.stride as usize);
    if d.k == 0 || stride < d.k as usize || stride % 4 != 0 || stride > MAX_STRIDE {
        return Err(BAD_DIMENSION);
    }
    let pu = nu.checked_mul(stride).ok_or(OVERFLOW)?;
    let pm = nm.checked_mul(stride).ok_or(OVERFLOW)?;
    check(ptr_f32(d.p), pu)?;
    check(ptr_f32(d.q), pm)?;
    check(ptr_f32(d.bu), nu)?;
    check(ptr_f32(d.bi), nm)?;
    let adam = d.optimizer == crate::train::ADAM;
    if adam {
        check(ptr_f32(d.mp), pu)?;
        check(ptr_f32(d.vp), pu)?;
        check(ptr_f32(d.mq), pm)?;
        check(ptr_f32(d.vq), pm)?;
        check(ptr_f32(d.su), nu.checked_mul(4).ok_or(OVERFLOW)?)?;
        check(ptr_f32(d.si), nm.checked_mul(4).ok_or(OVERFLOW)?)?;
    } else if d.optimizer != crate::train::SGD {
        return Err(INVALID_INPUT);
    }
    if d.m != 0 {
        check(ptr_f32(d.m), pm)?;
        check(ptr_f32(d.g), pm)?;
        check(ptr_f32(d.mb), nm)?;
        check(ptr_f32(d.gb), nm)?;
    }
    let b = crate::train::Buffers {
        p: ptr_f32(d.p),
        q: ptr_f32(d.q),
        bu: ptr_f32(d.bu),
        bi: ptr_f32(d.bi),
        mp: ptr_f32(d.mp),
        vp: ptr_f32(d.vp),
        mq: ptr_f32(d.mq),
        vq: ptr_f32(d.vq),
        su: ptr_f32(d.su),
        si: ptr_f32(d.si),
        m: ptr_f32(d.m),
        g: ptr_f32(d.g),
        mb: ptr_f32(d.mb),
        gb: ptr_f32(d.gb),
    };
    let s = crate::train::Shape { n_users: nu, n_movies: nm, stride, mu: d.mu };
    let h = crate::train::Hyper {
        optimizer: d.optimizer,
        lr: d.lr,
        lr_bias: d.lr_bias,
        reg: d.reg,
        reg_bias: d.reg_bias,
        beta1: d.beta1,
        beta2: d.beta2,
        eps: d.eps,
        drop: if d.m != 0 { d.drop } else { 0.0 },
        salt: d.salt,
    };
    Ok((b, s, h))
}

fn rating_range<'a>(d: &TrainDesc, start: usize, end: usize) -> Result<(&'a [u32], &'a [u32], &'a [f32]), i32> {
    let n = d.n_ratings as usize;
    if start > end || end > n {
        return Err(BAD_DIMENSION);
    }
    let users = slice(d.users as usize as *const u32, n)?;
    let movies = slice(d.movies as usize as *const u32, n)?;
    let ratings = slice(d.ratings as usize as *const f32, n)?;
    Ok((&users[start..end], &movies[start..end], &ratings[start..end]))
}

fn train_export(simd: bool, desc: *const TrainDesc, start: u32, end: u32, out_sse: *mut f64) -> i32 {
    status((|| {
        let d = slice(desc, 1)?[0];
        let (b, s, h) = check_desc(&d)?;
        let (users, movies, ratings) = rating_range(&d, start as usize, end as usize)?;
        let out = slice_mut(out_sse, 1)?;
        // SAFETY: buffers checked above; the host's block schedule keeps the
        // rows of this range away from every other thread during the call.
        let sse = unsafe {
            #[cfg(target_arch = "wasm32")]
            {
                if simd {
                    crate::train::train::<crate::train::Simd>(&b, &s, &h, users, movies, ratings, start as usize)
                } else {
                    crate::train::train::<crate::train::Scalar>(&b, &s, &h, users, movies, ratings, start as usize)
                }
            }
            #[cfg(not(target_arch = "wasm32"))]
            {
                let _ = simd;
                crate::train::train::<crate::train::Scalar>(&b, &s, &h, users, movies, ratings, start as usize)
            }
        };
        out[0] = sse.map_err(|_| INVALID_INPUT)?;
        Ok(())
    })())
}

/// Trains on ratings `start..end` of the descriptor's arrays (SIMD);
/// writes the sum of squared errors (before each update) to `out_sse` (f64).
#[no_mangle]
pub extern "C" fn pmf_train_range(desc: *const TrainDesc, start: u32, end: u32, out_sse: *mut f64) -> i32 {
    train_export(true, desc, start, end, out_sse)
}

/// The scalar twin of [`pmf_train_range`]: same result, bit for bit.
#[no_mangle]
pub extern "C" fn pmf_train_range_scalar(desc: *const TrainDesc, start: u32, end: u32, out_sse: *mut f64) -> i32 {
    train_export(false, desc, start, end, out_sse)
}

/// Sums of squared and absolute errors of clamped predictions over ratings
/// `start..end` of the descriptor's arrays; writes two f64 to `out`.
#[no_mangle]
pub extern "C" fn pmf_errors_range(desc: *const TrainDesc, start: u32, end: u32, out: *mut f64) -> i32 {
    status((|| {
        let d = slice(desc, 1)?[0];
        let (b, s, _) = check_desc(&TrainDesc { optimizer: crate::train::SGD, ..d })?;
        let (users, movies, ratings) = rating_range(&d, start as usize, end as usize)?;
        let model = crate::predict::ModelRef {
            p: slice(b.p, s.n_users * s.stride)?,
            q: slice(b.q, s.n_movies * s.stride)?,
            bu: slice(b.bu, s.n_users)?,
            bi: slice(b.bi, s.n_movies)?,
            stride: s.stride,
            mu: s.mu,
            meta: if b.m.is_null() {
                None
            } else {
                Some((slice(b.m as *const f32, s.n_movies * s.stride)?, slice(b.mb as *const f32, s.n_movies)?))
            },
        };
        let (sse, sae) = crate::predict::errors(&model, users, movies, ratings, crate::vector::dot).map_err(|_| INVALID_INPUT)?;
        let out = slice_mut(out, 2)?;
        out[0] = sse;
        out[1] = sae;
        Ok(())
    })())
}

fn csr<'a>(indptr: *const u32, indices: *const u32, values: *const f32, rows: usize, cols: usize) -> Result<crate::meta::Csr<'a>, i32> {
    let indptr = slice(indptr, rows.checked_add(1).ok_or(OVERFLOW)?)?;
    let nnz = indptr[rows] as usize;
    let m = crate::meta::Csr { indptr, indices: slice(indices, nnz)?, values: slice(values, nnz)? };
    if crate::meta::check(&m, rows, cols) { Ok(m) } else { Err(INVALID_INPUT) }
}

/// `m_i = Σ f_ie W[e]`, `mb_i = Σ f_ie wb[e]` for `rows` movies whose features
/// are the CSR (`indptr`, `indices`, `values`) over `cols` features.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_meta_project(
    indptr: *const u32,
    indices: *const u32,
    values: *const f32,
    rows: u32,
    cols: u32,
    stride: u32,
    w: *const f32,
    wb: *const f32,
    m: *mut f32,
    mb: *mut f32,
) -> i32 {
    let (rows, cols, stride) = (rows as usize, cols as usize, stride as usize);
    status((|| {
        if stride == 0 || stride % 4 != 0 || stride > MAX_STRIDE {
            return Err(BAD_DIMENSION);
        }
        let f = csr(indptr, indices, values, rows, cols)?;
        let w = slice(w, cols.checked_mul(stride).ok_or(OVERFLOW)?)?;
        let wb = slice(wb, cols)?;
        let m = slice_mut(m, rows.checked_mul(stride).ok_or(OVERFLOW)?)?;
        crate::meta::project(&f, w, wb, stride, m, slice_mut(mb, rows)?);
        Ok(())
    })())
}

/// `dW += Σ_i f_i ⊗ G_i`, `dwb += Σ_i f_i gb_i`, then zeroes `g` and `gb`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_meta_reduce(
    indptr: *const u32,
    indices: *const u32,
    values: *const f32,
    rows: u32,
    cols: u32,
    stride: u32,
    g: *mut f32,
    gb: *mut f32,
    dw: *mut f32,
    dwb: *mut f32,
) -> i32 {
    let (rows, cols, stride) = (rows as usize, cols as usize, stride as usize);
    status((|| {
        if stride == 0 || stride % 4 != 0 || stride > MAX_STRIDE {
            return Err(BAD_DIMENSION);
        }
        let f = csr(indptr, indices, values, rows, cols)?;
        let g = slice_mut(g, rows.checked_mul(stride).ok_or(OVERFLOW)?)?;
        let gb = slice_mut(gb, rows)?;
        let dw = slice_mut(dw, cols.checked_mul(stride).ok_or(OVERFLOW)?)?;
        crate::meta::reduce(&f, g, gb, stride, dw, slice_mut(dwb, cols)?);
        Ok(())
    })())
}

/// One Adam step on `n` weights from the ascent sum `dw` (see `meta::adam_step`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_meta_adam(
    w: *mut f32,
    dw: *mut f32,
    mw: *mut f32,
    vw: *mut f32,
    n: u32,
    scale: f32,
    lr: f32,
    reg: f32,
    c1: f32,
    c2: f32,
) -> i32 {
    let n = n as usize;
    status((|| {
        let h = crate::train::Hyper { optimizer: crate::train::ADAM, lr, lr_bias: lr, reg, reg_bias: reg, beta1: 0.9, beta2: 0.999, eps: 1e-8, drop: 0.0, salt: 0 };
        crate::meta::adam_step(slice_mut(w, n)?, slice_mut(dw, n)?, slice_mut(mw, n)?, slice_mut(vw, n)?, scale, &h, c1, c2);
        Ok(())
    })())
}

fn hidden_dims(units: u32, stride: u32) -> Result<crate::meta::Hidden, i32> {
    let (units, stride) = (units as usize, stride as usize);
    if units == 0 || units % 4 != 0 || units > MAX_STRIDE || stride == 0 || stride % 4 != 0 || stride > MAX_STRIDE {
        return Err(BAD_DIMENSION);
    }
    Ok(crate::meta::Hidden { units, stride })
}

/// The hidden-layer projection (see `meta::project_hidden`); `params` holds
/// W1 (cols × units), b1 (units), W2 (units × stride) and wb (cols), in that order.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_meta_project_hidden(
    indptr: *const u32,
    indices: *const u32,
    values: *const f32,
    rows: u32,
    cols: u32,
    units: u32,
    stride: u32,
    params: *const f32,
    hidden: *mut f32,
    m: *mut f32,
    mb: *mut f32,
) -> i32 {
    let (rows, cols) = (rows as usize, cols as usize);
    status((|| {
        let d = hidden_dims(units, stride)?;
        let f = csr(indptr, indices, values, rows, cols)?;
        let n1 = cols.checked_mul(d.units).ok_or(OVERFLOW)?;
        let n2 = d.units * d.stride;
        let p = slice(params, n1 + d.units + n2 + cols)?;
        let (w1, rest) = p.split_at(n1);
        let (b1, rest) = rest.split_at(d.units);
        let (w2, wb) = rest.split_at(n2);
        let hidden = slice_mut(hidden, rows.checked_mul(d.units).ok_or(OVERFLOW)?)?;
        let m = slice_mut(m, rows.checked_mul(d.stride).ok_or(OVERFLOW)?)?;
        crate::meta::project_hidden(&f, w1, b1, w2, wb, d, hidden, m, slice_mut(mb, rows)?);
        Ok(())
    })())
}

/// Back-propagates per-movie gradient sums through the hidden layer into
/// `grads` (same layout as `params` in [`pmf_meta_project_hidden`]).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_meta_reduce_hidden(
    indptr: *const u32,
    indices: *const u32,
    values: *const f32,
    rows: u32,
    cols: u32,
    units: u32,
    stride: u32,
    params: *const f32,
    hidden: *const f32,
    g: *mut f32,
    gb: *mut f32,
    grads: *mut f32,
) -> i32 {
    let (rows, cols) = (rows as usize, cols as usize);
    status((|| {
        let d = hidden_dims(units, stride)?;
        let f = csr(indptr, indices, values, rows, cols)?;
        let n1 = cols.checked_mul(d.units).ok_or(OVERFLOW)?;
        let n2 = d.units * d.stride;
        let total = n1 + d.units + n2 + cols;
        let w2 = &slice(params, total)?[n1 + d.units..n1 + d.units + n2];
        let grads = slice_mut(grads, total)?;
        let (dw1, rest) = grads.split_at_mut(n1);
        let (db1, rest) = rest.split_at_mut(d.units);
        let (dw2, dwb) = rest.split_at_mut(n2);
        let hidden = slice(hidden, rows.checked_mul(d.units).ok_or(OVERFLOW)?)?;
        let g = slice_mut(g, rows.checked_mul(d.stride).ok_or(OVERFLOW)?)?;
        crate::meta::reduce_hidden(&f, g, slice_mut(gb, rows)?, hidden, w2, d, dw1, db1, dw2, dwb);
        Ok(())
    })())
}

/// Folds in a new user from `n` ratings on movies whose effective vectors
/// (`n × stride`, first `k` used) and biases are given; writes `p` (`k`
/// floats) and the bias. `scratch` holds `k * k + k` f64.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn pmf_fold_in(
    vectors: *const f32,
    bias: *const f32,
    ratings: *const f32,
    n: u32,
    stride: u32,
    k: u32,
    mu: f32,
    reg: f32,
    reg_bias: f32,
    iterations: u32,
    scratch: *mut f64,
    out_p: *mut f32,
    out_bias: *mut f32,
) -> i32 {
    let (n, stride, k) = (n as usize, stride as usize, k as usize);
    status((|| {
        if k == 0 || stride < k || k > MAX_STRIDE {
            return Err(BAD_DIMENSION);
        }
        let vectors = slice(vectors, n.checked_mul(stride).ok_or(OVERFLOW)?)?;
        let ok = crate::fold_in::fold_in(
            vectors,
            slice(bias, n)?,
            slice(ratings, n)?,
            stride,
            k,
            mu,
            reg,
            reg_bias,
            iterations as usize,
            slice_mut(scratch, k * k + k)?,
            slice_mut(out_p, k)?,
            &mut slice_mut(out_bias, 1)?[0],
        );
        if ok { Ok(()) } else { Err(INVALID_INPUT) }
    })())
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
