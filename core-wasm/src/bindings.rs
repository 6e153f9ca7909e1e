//! The boundary: every `#[wasm_bindgen]` export of the core, and nothing else.
//!
//! Bulk arrays live in the shared memory, allocated here ([`alloc`]) and
//! filled by the host through views, so kernels take byte offsets and
//! lengths. Every export re-checks its buffers (alignment, overflow, end of
//! memory) and its shapes, and fails with an error whose message names the
//! kernel and what was wrong: a trap means a bug in this crate, never bad
//! input. Small results are returned as values.

use crate::memory;
use crate::ratings_csv::{Columns, ParseResult};
use crate::train::{Buffers, Hyper, Optimizer, Shape, ADAM};
use std::slice;
use wasm_bindgen::prelude::*;

/// Largest row stride (floats) the kernels accept: the Adam and metadata
/// paths keep one row on the stack.
pub const MAX_STRIDE: usize = 256;

type Check<T> = Result<T, String>;

/// Runs `f`, turning its failure into an error that names the kernel.
fn run<T>(kernel: &str, f: impl FnOnce() -> Check<T>) -> Result<T, JsError> {
    f().map_err(|detail| JsError::new(&format!("Cannot run core kernel \"{kernel}\": {detail}")))
}

/// Bytes of linear memory currently addressable.
#[cfg(target_arch = "wasm32")]
fn memory_bytes() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65536
}

#[cfg(not(target_arch = "wasm32"))]
fn memory_bytes() -> u64 {
    u64::MAX
}

/// Checks that `len` elements of `T` at byte offset `ptr` are a valid region.
fn check<T>(name: &str, ptr: usize, len: usize) -> Check<()> {
    if ptr == 0 {
        return Err(format!("buffer \"{name}\" is null"));
    }
    if ptr % std::mem::align_of::<T>() != 0 {
        return Err(format!("buffer \"{name}\" at {ptr} is not aligned to {} bytes", std::mem::align_of::<T>()));
    }
    let bytes = (len as u64).checked_mul(std::mem::size_of::<T>() as u64);
    let end = bytes.and_then(|b| (ptr as u64).checked_add(b));
    match end {
        Some(end) if end <= memory_bytes() => Ok(()),
        _ => Err(format!("buffer \"{name}\" ({len} elements at {ptr}) reaches past the end of memory")),
    }
}

/// A checked shared slice. SAFETY (of callers): the host guarantees that no
/// other thread writes the region during the call.
fn view<'a, T>(name: &str, ptr: usize, len: usize) -> Check<&'a [T]> {
    check::<T>(name, ptr, len)?;
    Ok(unsafe { slice::from_raw_parts(ptr as *const T, len) })
}

/// A checked mutable slice; regions passed to one call must not overlap,
/// which the host guarantees.
#[allow(clippy::mut_from_ref)]
fn view_mut<'a, T>(name: &str, ptr: usize, len: usize) -> Check<&'a mut [T]> {
    check::<T>(name, ptr, len)?;
    Ok(unsafe { slice::from_raw_parts_mut(ptr as *mut T, len) })
}

fn product(a: usize, b: usize) -> Check<usize> {
    a.checked_mul(b).ok_or_else(|| format!("{a} × {b} overflows"))
}

fn check_stride(stride: usize) -> Check<()> {
    if stride == 0 || stride % 4 != 0 || stride > MAX_STRIDE {
        return Err(format!("stride {stride} is not a multiple of 4 in 4–{MAX_STRIDE}"));
    }
    Ok(())
}

// --- memory ---------------------------------------------------------------------

/// Allocates `bytes` zeroed bytes aligned to `align` (a power of two, at
/// least 16) and returns the byte offset; free it with [`free`].
#[wasm_bindgen]
pub fn alloc(bytes: usize, align: usize) -> Result<usize, JsError> {
    let layout = memory::layout(bytes, align).map_err(|e| JsError::new(&format!("Cannot allocate: {e}")))?;
    memory::alloc_zeroed(layout).ok_or_else(|| {
        JsError::new(&format!(
            "Cannot allocate {bytes} bytes: WebAssembly memory is full (4 GiB); use a smaller data set or fewer factors"
        ))
    })
}

/// Frees a block from [`alloc`]; `bytes` and `align` must be the ones it was allocated with.
#[wasm_bindgen]
pub fn free(ptr: usize, bytes: usize, align: usize) -> Result<(), JsError> {
    let layout = memory::layout(bytes, align).map_err(|e| JsError::new(&format!("Cannot free: {e}")))?;
    // SAFETY: the host frees each block once, with the layout it allocated.
    unsafe { memory::free(ptr, layout) };
    Ok(())
}

/// Bytes the core's heap holds (every thread's allocations).
#[wasm_bindgen(js_name = bytesInUse)]
pub fn bytes_in_use() -> usize {
    memory::bytes_in_use()
}

// --- vectors and scoring ---------------------------------------------------------

/// `dot(a[0..n], b[0..n])`; `scalar` picks the scalar twin (same bits).
#[wasm_bindgen]
pub fn dot(a: usize, b: usize, n: usize, scalar: bool) -> Result<f32, JsError> {
    run("dot", || {
        let (a, b) = (view::<f32>("a", a, n)?, view::<f32>("b", b, n)?);
        Ok(if scalar { crate::vector::scalar::dot(a, b) } else { crate::vector::dot(a, b) })
    })
}

/// `y[i] += alpha * x[i]` for `i < n`.
#[wasm_bindgen]
pub fn axpy(alpha: f32, x: usize, y: usize, n: usize) -> Result<(), JsError> {
    run("axpy", || {
        crate::vector::axpy(alpha, view("x", x, n)?, view_mut("y", y, n)?);
        Ok(())
    })
}

/// Scores movies `first..first + count` for one user with the model's formula
/// (`predict::raw_score`): the user's `k` factors at `user`, its bias and the
/// global mean `mu`; the movies' effective rows in `factors` (`stride` apart)
/// and biases in `bias` (0: none), both indexed by movie. `clamped` writes
/// predicted ratings (0.5–5) instead of raw scores. `out` receives `count`
/// values, movie `first` first.
#[wasm_bindgen(js_name = scoreMovies)]
#[allow(clippy::too_many_arguments)]
pub fn score_movies(
    user: usize,
    user_bias: f32,
    mu: f32,
    factors: usize,
    stride: usize,
    k: usize,
    bias: usize,
    first: usize,
    count: usize,
    out: usize,
    clamped: bool,
    scalar: bool,
) -> Result<(), JsError> {
    run("scoreMovies", || {
        if k == 0 || stride < k {
            return Err(format!("k {k} must be positive and at most the stride {stride}"));
        }
        let end = first.checked_add(count).ok_or("first + count overflows")?;
        let factors = view::<f32>("factors", factors, product(end, stride)?)?;
        let user = crate::score::User { factors: view::<f32>("user", user, k)?, bias: user_bias, mu };
        let out = view_mut::<f32>("out", out, count)?;
        let bias = if bias == 0 { None } else { Some(&view::<f32>("bias", bias, end)?[first..]) };
        if count > 0 {
            let rows = &factors[first * stride..];
            crate::score::score_movies(user, rows, stride, bias, clamped, scalar, out);
        }
        Ok(())
    })
}

/// The `n` best movies of `0..count` for one user (same inputs as
/// [`score_movies`]), skipping the `n_excluded` movie indices at `excluded`
/// (increasing order); writes their indices to `out_movies` and predicted
/// ratings to `out_ratings`, best first, and returns how many it wrote.
#[wasm_bindgen(js_name = topMovies)]
#[allow(clippy::too_many_arguments)]
pub fn top_movies(
    user: usize,
    user_bias: f32,
    mu: f32,
    factors: usize,
    stride: usize,
    k: usize,
    bias: usize,
    count: usize,
    excluded: usize,
    n_excluded: usize,
    n: usize,
    out_movies: usize,
    out_ratings: usize,
) -> Result<usize, JsError> {
    run("topMovies", || {
        if k == 0 || stride < k {
            return Err(format!("k {k} must be positive and at most the stride {stride}"));
        }
        let factors = view::<f32>("factors", factors, product(count, stride)?)?;
        let user = crate::score::User { factors: view::<f32>("user", user, k)?, bias: user_bias, mu };
        let bias = if bias == 0 { None } else { Some(view::<f32>("bias", bias, count)?) };
        let excluded = if n_excluded == 0 { &[][..] } else { view::<u32>("excluded", excluded, n_excluded)? };
        if excluded.windows(2).any(|w| w[0] >= w[1]) {
            return Err("the excluded movies are not in increasing order".to_string());
        }
        let out_movies = view_mut::<u32>("out_movies", out_movies, n)?;
        let out_ratings = view_mut::<f32>("out_ratings", out_ratings, n)?;
        let top = crate::score::top_movies(user, factors, stride, bias, count, excluded, n, false);
        for (i, &(m, r)) in top.iter().enumerate() {
            out_movies[i] = m;
            out_ratings[i] = r;
        }
        Ok(top.len())
    })
}

/// Top-`n` lists by the dot product for users `first..last` of `n_users`
/// (see `score::top_movies_batch`): each user's excluded movies are its row
/// of the CSR `excluded_ptr` (`n_users + 1` offsets) / `excluded`, increasing.
/// `out_movies` and `out_scores` hold `n` entries for each of the `n_users`
/// users; rows `first..last` are written.
#[wasm_bindgen(js_name = topMoviesBatch)]
#[allow(clippy::too_many_arguments)]
pub fn top_movies_batch(
    users: usize,
    n_users: usize,
    first: usize,
    last: usize,
    stride: usize,
    k: usize,
    movies: usize,
    count: usize,
    excluded_ptr: usize,
    excluded: usize,
    n: usize,
    out_movies: usize,
    out_scores: usize,
) -> Result<(), JsError> {
    run("topMoviesBatch", || {
        check_stride(stride)?;
        if k == 0 || k > stride {
            return Err(format!("k {k} must be positive and at most the stride {stride}"));
        }
        let range = row_range(first, last, n_users)?;
        if n == 0 || range.is_empty() {
            return Ok(());
        }
        let ptr = view::<u32>("excluded_ptr", excluded_ptr, n_users.checked_add(1).ok_or("users overflow")?)?;
        let total = ptr[n_users] as usize;
        let excl = if total == 0 { &[][..] } else { view::<u32>("excluded", excluded, total)? };
        for u in range.clone() {
            let (a, b) = (ptr[u] as usize, ptr[u + 1] as usize);
            if a > b || b > total || excl[a..b].windows(2).any(|w| w[0] >= w[1]) {
                return Err(format!("user {u}'s excluded movies are not an increasing row of the CSR"));
            }
        }
        let cells = product(range.len(), n)?;
        crate::score::top_movies_batch(
            view("users", users, product(n_users, stride)?)?,
            first,
            k,
            stride,
            view("movies", movies, product(count, stride)?)?,
            count,
            ptr,
            excl,
            n,
            view_mut("out_movies", element(out_movies, product(first, n)?)?, cells)?,
            view_mut("out_scores", element(out_scores, product(first, n)?)?, cells)?,
        );
        Ok(())
    })
}

// --- ratings ingestion -------------------------------------------------------------

/// Parses whole lines of a ratings CSV (no header) at `input` (`len` bytes)
/// into columns of `capacity` rows, writing from row `start`; see
/// `ratings_csv::parse`. `times` may be 0 when `has_time` is false.
/// `max_user` and `max_movie` carry the running maxima from the last call.
#[wasm_bindgen(js_name = parseRatings)]
#[allow(clippy::too_many_arguments)]
pub fn parse_ratings(
    input: usize,
    len: usize,
    has_time: bool,
    users: usize,
    movies: usize,
    ratings: usize,
    times: usize,
    start: usize,
    capacity: usize,
    max_user: u32,
    max_movie: u32,
) -> Result<ParseResult, JsError> {
    run("parseRatings", || {
        if start > capacity {
            return Err(format!("start row {start} is past the capacity {capacity}"));
        }
        let input = view::<u8>("input", input, len)?;
        let mut out = Columns {
            users: view_mut("users", users, capacity)?,
            movies: view_mut("movies", movies, capacity)?,
            ratings: view_mut("ratings", ratings, capacity)?,
            times: if has_time { view_mut("times", times, capacity)? } else { &mut [] },
        };
        let mut result = ParseResult { max_user, max_movie, ..ParseResult::default() };
        crate::ratings_csv::parse(input, has_time, &mut out, start, &mut result);
        Ok(result)
    })
}

/// Marks `n` raw ids in a lookup table of `table_len` i32 (see `ids`).
#[wasm_bindgen(js_name = idsMark)]
pub fn ids_mark(ids: usize, n: usize, table: usize, table_len: usize) -> Result<(), JsError> {
    run("idsMark", || {
        if crate::ids::mark(view("ids", ids, n)?, view_mut("table", table, table_len)?) {
            Ok(())
        } else {
            Err(format!("an id is outside the table of {table_len} entries"))
        }
    })
}

/// Turns marks into dense ranks; returns the number of distinct ids.
#[wasm_bindgen(js_name = idsAssign)]
pub fn ids_assign(table: usize, table_len: usize) -> Result<u32, JsError> {
    run("idsAssign", || Ok(crate::ids::assign(view_mut("table", table, table_len)?)))
}

/// Writes the raw id of each of `n_out` dense indices to `out`.
#[wasm_bindgen(js_name = idsList)]
pub fn ids_list(table: usize, table_len: usize, out: usize, n_out: usize) -> Result<(), JsError> {
    run("idsList", || {
        crate::ids::list(view("table", table, table_len)?, view_mut("out", out, n_out)?);
        Ok(())
    })
}

/// Replaces `n` raw ids in place by their dense indices.
#[wasm_bindgen(js_name = idsRemap)]
pub fn ids_remap(ids: usize, n: usize, table: usize, table_len: usize) -> Result<(), JsError> {
    run("idsRemap", || {
        if crate::ids::remap(view_mut("ids", ids, n)?, view("table", table, table_len)?) {
            Ok(())
        } else {
            Err(format!("an id is outside the table of {table_len} entries or unmarked"))
        }
    })
}

/// Stable counting sort of row numbers by key; `perm_in` may be 0 (0..n).
/// `counts` has `n_keys + 1` u32 of scratch.
#[wasm_bindgen(js_name = countingOrder)]
pub fn counting_order(
    keys: usize,
    n: usize,
    n_keys: usize,
    counts: usize,
    perm_in: usize,
    perm_out: usize,
) -> Result<(), JsError> {
    run("countingOrder", || {
        let keys = view("keys", keys, n)?;
        let counts = view_mut("counts", counts, n_keys.checked_add(1).ok_or("n_keys overflows")?)?;
        let perm_in = if perm_in == 0 { None } else { Some(view::<u32>("perm_in", perm_in, n)?) };
        if perm_in.is_some_and(|p| p.iter().any(|&row| row as usize >= n)) {
            return Err(format!("a permutation entry is not below {n}"));
        }
        if crate::order::counting_order(keys, n_keys, counts, perm_in, view_mut("perm_out", perm_out, n)?) {
            Ok(())
        } else {
            Err(format!("a key is not below {n_keys}"))
        }
    })
}

/// Copies `n` 4-byte elements from `src` to `dst` (the ranges may overlap), as one bulk
/// memory copy: a typed array's `set` between views of shared memory is many times slower.
#[wasm_bindgen]
pub fn copy32(src: usize, dst: usize, n: usize) -> Result<(), JsError> {
    run("copy32", || {
        check::<u32>("src", src, n)?;
        check::<u32>("dst", dst, n)?;
        // SAFETY: both ranges were checked to lie in memory, aligned; `copy` allows overlap.
        unsafe { core::ptr::copy(src as *const u32, dst as *mut u32, n) };
        Ok(())
    })
}

/// `dst[i] = src[perm[i]]` for `n` 4-byte elements; every `perm[i] < n`.
#[wasm_bindgen]
pub fn gather32(src: usize, perm: usize, n: usize, dst: usize) -> Result<(), JsError> {
    run("gather32", || {
        let perm = view::<u32>("perm", perm, n)?;
        if perm.iter().any(|&p| p as usize >= n) {
            return Err(format!("a permutation entry is not below {n}"));
        }
        crate::order::gather(view("src", src, n)?, perm, view_mut("dst", dst, n)?);
        Ok(())
    })
}

/// Drops duplicate (user, movie) rows from sorted columns, keeping the last;
/// returns the number kept. `times` may be 0.
#[wasm_bindgen]
pub fn dedupe(users: usize, movies: usize, ratings: usize, times: usize, n: usize) -> Result<u32, JsError> {
    run("dedupe", || {
        let times = if times == 0 { None } else { Some(view_mut("times", times, n)?) };
        let kept = crate::order::dedupe(
            view_mut("users", users, n)?,
            view_mut("movies", movies, n)?,
            view_mut("ratings", ratings, n)?,
            times,
        );
        Ok(kept as u32)
    })
}

/// Rows `from..to` of `n` in one pass (see `order::scan`; call it for slices from 0 to
/// `n` in order, `state` — 4 u32 — carried between them and reset when `from` is 0):
/// -1 when the rows are not sorted by (user, movie), else the first row whose pair the
/// next repeats so far (`n` when none; after the last slice `offsets`, `n_users + 1`
/// u32, holds the per-user offsets).
#[wasm_bindgen(js_name = scanRows)]
#[allow(clippy::too_many_arguments)]
pub fn scan_rows(
    users: usize,
    movies: usize,
    n: usize,
    from: usize,
    to: usize,
    n_users: usize,
    offsets: usize,
    state: usize,
) -> Result<f64, JsError> {
    run("scanRows", || {
        let out = view_mut("offsets", offsets, n_users.checked_add(1).ok_or("n_users overflows")?)?;
        let words = view_mut::<u32>("state", state, 4)?;
        let mut st = if from == 0 {
            crate::order::ScanState::START
        } else {
            crate::order::ScanState {
                prev: (u64::from(words[0]) << 32) | u64::from(words[1]),
                cur: words[2],
                first_duplicate: words[3],
            }
        };
        let range = row_range(from, to, n)?;
        let found =
            crate::order::scan(view("users", users, n)?, view("movies", movies, n)?, range, n_users, out, &mut st);
        words.copy_from_slice(&[(st.prev >> 32) as u32, st.prev as u32, st.cur, st.first_duplicate]);
        match found {
            crate::order::Scan::Unsorted => Ok(-1.0),
            crate::order::Scan::Sorted(first) => Ok(first as f64),
            crate::order::Scan::UserRange => Err(format!("a user index is not below {n_users}")),
        }
    })
}

/// Per-user offsets (`n_users + 1` u32) of user-sorted rows.
#[wasm_bindgen(js_name = userOffsets)]
pub fn user_offsets(users: usize, n: usize, n_users: usize, offsets: usize) -> Result<(), JsError> {
    run("userOffsets", || {
        let out = view_mut("offsets", offsets, n_users.checked_add(1).ok_or("n_users overflows")?)?;
        if crate::order::offsets(view("users", users, n)?, n_users, out) {
            Ok(())
        } else {
            Err(format!("rows are not sorted by user or a user is not below {n_users}"))
        }
    })
}

/// 64-bit checksum of `n` 4-byte words at `words`, as 16 hex digits;
/// `scalar` picks the scalar twin (same value).
#[wasm_bindgen]
pub fn checksum(words: usize, n: usize, scalar: bool) -> Result<String, JsError> {
    run("checksum", || {
        let w = view("words", words, n)?;
        let h = if scalar { crate::checksum::checksum_scalar(w) } else { crate::checksum::checksum(w) };
        Ok(format!("{h:016x}"))
    })
}

/// The checksums (16 hex digits each) of `n` arrays of 4-byte words: array i
/// has `lens[i]` words at `ptrs[i]`. Each equals [`checksum`] of it; their
/// chains run side by side, several times faster than one after another.
#[wasm_bindgen(js_name = checksumMany)]
pub fn checksum_many(ptrs: usize, lens: usize, n: usize) -> Result<Vec<String>, JsError> {
    run("checksumMany", || {
        let (ptrs, lens) = (view::<u32>("ptrs", ptrs, n)?, view::<u32>("lens", lens, n)?);
        let mut arrays = Vec::with_capacity(n);
        for i in 0..n {
            arrays.push(view::<u32>(&format!("array {i}"), ptrs[i] as usize, lens[i] as usize)?);
        }
        Ok(crate::checksum::checksum_many(&arrays).iter().map(|h| format!("{h:016x}")).collect())
    })
}

// --- training ------------------------------------------------------------------

/// Everything one training or evaluation pass reads: shapes, the model's and
/// the optimiser's buffers (byte offsets), the ratings and the
/// hyper-parameters. The host fills it by field name; Workers get its
/// [`TrainPass::address`]. Buffers that a pass does not use are 0.
#[wasm_bindgen]
#[derive(Clone, Copy, Default)]
pub struct TrainPass {
    /// Number of users.
    pub n_users: usize,
    /// Number of movies.
    pub n_movies: usize,
    /// Number of factors.
    pub k: usize,
    /// Floats per row (k rounded up to 4).
    pub stride: usize,
    /// Global mean rating.
    pub mu: f32,
    /// User factors.
    pub p: usize,
    /// Movie factors.
    pub q: usize,
    /// User biases.
    pub bu: usize,
    /// Movie biases.
    pub bi: usize,
    /// The optimiser.
    pub optimizer: Optimizer,
    /// Learning rate of the factors.
    pub lr: f32,
    /// Learning rate of the biases.
    pub lr_bias: f32,
    /// L2 weight decay of the factors.
    pub reg: f32,
    /// L2 weight decay of the biases.
    pub reg_bias: f32,
    /// Adam's moments of P, Q and the per-row bias state (see `train::Buffers`).
    pub mp: usize,
    /// Second moment of P.
    pub vp: usize,
    /// First moment of Q.
    pub mq: usize,
    /// Second moment of Q.
    pub vq: usize,
    /// Per user bias moments and step powers (4 floats).
    pub su: usize,
    /// Per movie bias moments and step powers (4 floats).
    pub si: usize,
    /// Dense user index per rating.
    pub users: usize,
    /// Dense movie index per rating.
    pub movies: usize,
    /// Rating values.
    pub ratings: usize,
    /// Number of ratings.
    pub n_ratings: usize,
    /// Metadata vectors `W·f_i` per movie (0 without metadata).
    pub m: usize,
    /// Per-movie gradient sums of the metadata vectors.
    pub g: usize,
    /// Metadata biases per movie.
    pub mb: usize,
    /// Per-movie gradient sums of the metadata biases.
    pub gb: usize,
    /// Share of the movies in each range of ratings trained as if they were new (metadata only;
    /// about that share of the ratings, see `train::dropped`).
    pub drop: f32,
    /// Salt of the drop decision.
    pub salt: u32,
}

#[wasm_bindgen]
impl TrainPass {
    /// An empty pass (every buffer 0).
    #[wasm_bindgen(constructor)]
    pub fn new() -> TrainPass {
        TrainPass::default()
    }

    /// Byte offset of this pass in the shared memory, for Workers; valid until it is freed.
    pub fn address(&self) -> usize {
        self as *const TrainPass as usize
    }
}

/// Reads the pass at `address` (from [`TrainPass::address`]).
fn read_pass(address: usize) -> Check<TrainPass> {
    Ok(view::<TrainPass>("pass", address, 1)?[0])
}

/// Checks a pass's buffers and shapes; returns the kernel's views.
fn check_pass(d: &TrainPass, training: bool) -> Check<(Buffers, Shape, Hyper)> {
    let (nu, nm, stride) = (d.n_users, d.n_movies, d.stride);
    if d.k == 0 || stride < d.k {
        return Err(format!("k {} must be positive and at most the stride {stride}", d.k));
    }
    check_stride(stride)?;
    let (pu, pm) = (product(nu, stride)?, product(nm, stride)?);
    check::<f32>("p", d.p, pu)?;
    check::<f32>("q", d.q, pm)?;
    check::<f32>("bu", d.bu, nu)?;
    check::<f32>("bi", d.bi, nm)?;
    let adam = training && d.optimizer == Optimizer::Adam;
    // Per-row state: Adam's bias moments and step powers, AdaGrad's sums of squared gradients.
    let rows = training && d.optimizer != Optimizer::Sgd;
    if adam {
        for (name, ptr, len) in [("mp", d.mp, pu), ("vp", d.vp, pu), ("mq", d.mq, pm), ("vq", d.vq, pm)] {
            check::<f32>(name, ptr, len)?;
        }
    }
    if rows {
        check::<f32>("su", d.su, product(nu, 4)?)?;
        check::<f32>("si", d.si, product(nm, 4)?)?;
    }
    let meta = d.m != 0;
    if meta {
        check::<f32>("m", d.m, pm)?;
        check::<f32>("mb", d.mb, nm)?;
        if training {
            check::<f32>("g", d.g, pm)?;
            check::<f32>("gb", d.gb, nm)?;
        }
    }
    let ptr = |word: usize, used: bool| if used { word as *mut f32 } else { std::ptr::null_mut() };
    let b = Buffers {
        p: ptr(d.p, true),
        q: ptr(d.q, true),
        bu: ptr(d.bu, true),
        bi: ptr(d.bi, true),
        mp: ptr(d.mp, adam),
        vp: ptr(d.vp, adam),
        mq: ptr(d.mq, adam),
        vq: ptr(d.vq, adam),
        su: ptr(d.su, rows),
        si: ptr(d.si, rows),
        m: ptr(d.m, meta),
        g: ptr(d.g, meta && training),
        mb: ptr(d.mb, meta),
        gb: ptr(d.gb, meta && training),
    };
    let s = Shape { n_users: nu, n_movies: nm, stride, mu: d.mu };
    let h = Hyper {
        optimizer: if training { d.optimizer as u32 } else { crate::train::SGD },
        lr: d.lr,
        lr_bias: d.lr_bias,
        reg: d.reg,
        reg_bias: d.reg_bias,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        drop: if meta { d.drop } else { 0.0 },
        salt: d.salt,
    };
    Ok((b, s, h))
}

type RatingRange<'a> = (&'a [u32], &'a [u32], &'a [f32]);

fn rating_range<'a>(d: &TrainPass, start: usize, end: usize) -> Check<RatingRange<'a>> {
    let n = d.n_ratings;
    if start > end || end > n {
        return Err(format!("rating range {start}..{end} is not within 0..{n}"));
    }
    let users = view::<u32>("users", d.users, n)?;
    let movies = view::<u32>("movies", d.movies, n)?;
    let ratings = view::<f32>("ratings", d.ratings, n)?;
    Ok((&users[start..end], &movies[start..end], &ratings[start..end]))
}

/// Trains on ratings `start..end` of the pass at `pass` (see
/// [`TrainPass::address`]); returns the sum of squared errors measured
/// before each update. `scalar` picks the scalar twin (same bits).
#[wasm_bindgen(js_name = trainRange)]
pub fn train_range(pass: usize, start: usize, end: usize, scalar: bool) -> Result<f64, JsError> {
    run("trainRange", || {
        let d = read_pass(pass)?;
        let (b, s, h) = check_pass(&d, true)?;
        let (users, movies, ratings) = rating_range(&d, start, end)?;
        // SAFETY: buffers checked above; the host's block schedule keeps the
        // rows of this range away from every other thread during the call.
        let sse = unsafe {
            #[cfg(target_arch = "wasm32")]
            {
                if scalar {
                    crate::train::train::<crate::train::Scalar>(&b, &s, &h, users, movies, ratings, start)
                } else {
                    crate::train::train::<crate::train::Simd>(&b, &s, &h, users, movies, ratings, start)
                }
            }
            #[cfg(not(target_arch = "wasm32"))]
            {
                let _ = scalar;
                crate::train::train::<crate::train::Scalar>(&b, &s, &h, users, movies, ratings, start)
            }
        };
        sse.map_err(|i| format!("rating {} names a user or movie outside the model", start + i))
    })
}

/// Sums of squared and absolute errors of clamped predictions over ratings
/// `start..end` of the pass at `pass`, as `[sse, sae]`.
#[wasm_bindgen(js_name = errorsRange)]
pub fn errors_range(pass: usize, start: usize, end: usize) -> Result<Vec<f64>, JsError> {
    run("errorsRange", || {
        let d = read_pass(pass)?;
        let (b, s, _) = check_pass(&d, false)?;
        let (users, movies, ratings) = rating_range(&d, start, end)?;
        let (pu, pm) = (s.n_users * s.stride, s.n_movies * s.stride);
        let model = crate::predict::ModelRef {
            p: view("p", d.p, pu)?,
            q: view("q", d.q, pm)?,
            bu: view("bu", d.bu, s.n_users)?,
            bi: view("bi", d.bi, s.n_movies)?,
            stride: s.stride,
            mu: s.mu,
            meta: if b.m.is_null() { None } else { Some((view("m", d.m, pm)?, view("mb", d.mb, s.n_movies)?)) },
        };
        let (sse, sae) = crate::predict::errors(&model, users, movies, ratings, crate::vector::dot)
            .map_err(|i| format!("rating {} names a user or movie outside the model", start + i))?;
        Ok(vec![sse, sae])
    })
}

// --- metadata projection -----------------------------------------------------------

fn csr<'a>(indptr: usize, indices: usize, values: usize, rows: usize, cols: usize) -> Check<crate::meta::Csr<'a>> {
    let indptr = view::<u32>("indptr", indptr, rows.checked_add(1).ok_or("rows overflows")?)?;
    let nnz = indptr[rows] as usize;
    let m = crate::meta::Csr { indptr, indices: view("indices", indices, nnz)?, values: view("values", values, nnz)? };
    if crate::meta::check(&m, rows, cols) {
        Ok(m)
    } else {
        Err(format!("the feature matrix is not a valid CSR of {rows} × {cols}"))
    }
}

/// `m_i = Σ f_ie W[e]`, `mb_i = Σ f_ie wb[e]` for movies `first..last` of the
/// `rows` movies whose features are the CSR (`indptr`, `indices`, `values`) over
/// `cols` features; `m` and `mb` are the arrays of all rows (only the range is
/// written, so Workers can project disjoint ranges at once).
#[wasm_bindgen(js_name = metaProject)]
#[allow(clippy::too_many_arguments)]
pub fn meta_project(
    indptr: usize,
    indices: usize,
    values: usize,
    rows: usize,
    cols: usize,
    stride: usize,
    w: usize,
    wb: usize,
    m: usize,
    mb: usize,
    first: usize,
    last: usize,
) -> Result<(), JsError> {
    run("metaProject", || {
        check_stride(stride)?;
        let f = csr(indptr, indices, values, rows, cols)?;
        let range = row_range(first, last, rows)?;
        let w = view("w", w, product(cols, stride)?)?;
        let wb = view("wb", wb, cols)?;
        let n = range.len();
        let m = view_mut("m", element(m, product(first, stride)?)?, product(n, stride)?)?;
        crate::meta::project(&f, range, w, wb, stride, m, view_mut("mb", element(mb, first)?, n)?);
        Ok(())
    })
}

/// Views of movies `first..last` of the movie rows and biases, their projections and training
/// counts that `metaEnter`, `metaLeave` and `metaLeaveAdagrad` take, checked: `rows` movies of
/// `stride` floats.
fn movie_rows<'a>(
    (q, b, m, mb, counts): (usize, usize, usize, usize, usize),
    rows: usize,
    stride: usize,
    (first, last): (usize, usize),
) -> Check<crate::meta::RoundRows<'a>> {
    check_stride(stride)?;
    let n = row_range(first, last, rows)?.len();
    let (at, len) = (product(first, stride)?, product(n, stride)?);
    Ok(crate::meta::RoundRows {
        q: view_mut("q", element(q, at)?, len)?,
        b: view_mut("b", element(b, first)?, n)?,
        m: view("m", element(m, at)?, len)?,
        mb: view("mb", element(mb, first)?, n)?,
        counts: view("counts", element(counts, first)?, n)?,
        stride,
    })
}

/// Views of movies `first..last` (checked by `movie_rows`) of a per-movie array of rows and
/// one of scalars, named `names`: the round's start (`vs`, `bvs`) or the gradient sums (`g`, `gb`).
fn row_pair<'a>(
    names: (&str, &str),
    (rows, scalars): (usize, usize),
    stride: usize,
    (first, last): (usize, usize),
) -> Check<(&'a mut [f32], &'a mut [f32])> {
    let n = last - first;
    Ok((
        view_mut(names.0, element(rows, product(first, stride)?)?, product(n, stride)?)?,
        view_mut(names.1, element(scalars, first)?, n)?,
    ))
}

/// Begins a round of SGD or AdaGrad with metadata for movies `first..last` of `rows`: the rated
/// movies' rows and biases shifted to `q + m`, `b + mb` and kept in `vs`, `bvs` (see
/// `meta::enter`). Movies are independent, so Workers can take disjoint ranges at once.
#[wasm_bindgen(js_name = metaEnter)]
#[allow(clippy::too_many_arguments)]
pub fn meta_enter(
    q: usize,
    b: usize,
    m: usize,
    mb: usize,
    counts: usize,
    rows: usize,
    stride: usize,
    vs: usize,
    bvs: usize,
    first: usize,
    last: usize,
) -> Result<(), JsError> {
    run("metaEnter", || {
        let movies = movie_rows((q, b, m, mb, counts), rows, stride, (first, last))?;
        let (vs, bvs) = row_pair(("vs", "bvs"), (vs, bvs), stride, (first, last))?;
        crate::meta::enter(movies, vs, bvs);
        Ok(())
    })
}

/// Ends a round of SGD with metadata for movies `first..last` of `rows`: W's gradient sums
/// from the rows' change, and the rows shifted back (see `meta::leave`). `inv_lr`,
/// `inv_lr_bias`: 1/lr of the rows and of the biases; `reg`, `reg_bias`: their
/// regularisations times the round's share of ratings.
#[wasm_bindgen(js_name = metaLeave)]
#[allow(clippy::too_many_arguments)]
pub fn meta_leave(
    q: usize,
    b: usize,
    m: usize,
    mb: usize,
    counts: usize,
    rows: usize,
    stride: usize,
    vs: usize,
    bvs: usize,
    inv_lr: f32,
    inv_lr_bias: f32,
    reg: f32,
    reg_bias: f32,
    g: usize,
    gb: usize,
    first: usize,
    last: usize,
) -> Result<(), JsError> {
    run("metaLeave", || {
        let movies = movie_rows((q, b, m, mb, counts), rows, stride, (first, last))?;
        let (vs, bvs) = row_pair(("vs", "bvs"), (vs, bvs), stride, (first, last))?;
        let (g, gb) = row_pair(("g", "gb"), (g, gb), stride, (first, last))?;
        let r = crate::meta::RoundRates { inv_lr, inv_lr_bias, reg, reg_bias };
        crate::meta::leave(movies, (vs, bvs), r, g, gb);
        Ok(())
    })
}

/// [`meta_leave`] for AdaGrad (see `meta::leave_adagrad`): `reg` the rows' weight decay,
/// `sums` the movies' AdaGrad state (4 floats a movie) with the round's step sizes and kept
/// ratings, `g` W's gradient sums of the rows (the biases' were summed in the pass).
#[wasm_bindgen(js_name = metaLeaveAdagrad)]
#[allow(clippy::too_many_arguments)]
pub fn meta_leave_adagrad(
    q: usize,
    b: usize,
    m: usize,
    mb: usize,
    counts: usize,
    rows: usize,
    stride: usize,
    vs: usize,
    reg: f32,
    sums: usize,
    g: usize,
    first: usize,
    last: usize,
) -> Result<(), JsError> {
    run("metaLeaveAdagrad", || {
        let movies = movie_rows((q, b, m, mb, counts), rows, stride, (first, last))?;
        let n = last - first;
        let (at, len) = (product(first, stride)?, product(n, stride)?);
        let vs = view("vs", element(vs, at)?, len)?;
        let sums = view_mut("sums", element(sums, product(first, 4)?)?, product(n, 4)?)?;
        let g = view_mut("g", element(g, at)?, len)?;
        crate::meta::leave_adagrad(movies, vs, reg, sums, g);
        Ok(())
    })
}

/// The address of f32 element `index` of the array at `ptr`.
fn element(ptr: usize, index: usize) -> Check<usize> {
    index.checked_mul(4).and_then(|b| ptr.checked_add(b)).ok_or_else(|| format!("element {index} overflows"))
}

/// Rows `first..last` of a matrix of `rows` rows, or why not.
fn row_range(first: usize, last: usize, rows: usize) -> Check<core::ops::Range<usize>> {
    if first <= last && last <= rows {
        Ok(first..last)
    } else {
        Err(format!("rows {first}..{last} are not within the {rows} rows"))
    }
}

/// `dW = Σ_i f_i ⊗ G_i`, `dwb = Σ_i f_i gb_i` over movies `first..last`
/// (overwriting `dw` and `dwb`: a partial the host adds up), then zeroes those
/// rows of `g` and `gb` (arrays of all rows).
#[wasm_bindgen(js_name = metaReduce)]
#[allow(clippy::too_many_arguments)]
pub fn meta_reduce(
    indptr: usize,
    indices: usize,
    values: usize,
    rows: usize,
    cols: usize,
    stride: usize,
    g: usize,
    gb: usize,
    dw: usize,
    dwb: usize,
    first: usize,
    last: usize,
) -> Result<(), JsError> {
    run("metaReduce", || {
        check_stride(stride)?;
        let f = csr(indptr, indices, values, rows, cols)?;
        let range = row_range(first, last, rows)?;
        let n = range.len();
        let g = view_mut("g", element(g, product(first, stride)?)?, product(n, stride)?)?;
        let gb = view_mut("gb", element(gb, first)?, n)?;
        let dw = view_mut("dw", dw, product(cols, stride)?)?;
        crate::meta::reduce(&f, range, g, gb, stride, dw, view_mut("dwb", dwb, cols)?);
        Ok(())
    })
}

/// One Adam step on `n` weights from the ascent sum `dw` (see `meta::adam_step`).
#[wasm_bindgen(js_name = metaAdam)]
#[allow(clippy::too_many_arguments)]
pub fn meta_adam(
    w: usize,
    dw: usize,
    mw: usize,
    vw: usize,
    n: usize,
    scale: f32,
    lr: f32,
    reg: f32,
    c1: f32,
    c2: f32,
) -> Result<(), JsError> {
    run("metaAdam", || {
        let h = Hyper {
            optimizer: ADAM,
            lr,
            lr_bias: lr,
            reg,
            reg_bias: reg,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            drop: 0.0,
            salt: 0,
        };
        crate::meta::adam_step(
            view_mut("w", w, n)?,
            view_mut("dw", dw, n)?,
            view_mut("mw", mw, n)?,
            view_mut("vw", vw, n)?,
            scale,
            &h,
            c1,
            c2,
        );
        Ok(())
    })
}

fn hidden_dims(units: usize, stride: usize) -> Check<crate::meta::Hidden> {
    if units == 0 || units % 4 != 0 || units > MAX_STRIDE {
        return Err(format!("hidden units {units} is not a multiple of 4 in 4–{MAX_STRIDE}"));
    }
    check_stride(stride)?;
    Ok(crate::meta::Hidden { units, stride })
}

/// Lengths of W1, b1, W2 and wb in a hidden-layer parameter block.
fn hidden_parts(cols: usize, d: &crate::meta::Hidden) -> Check<[usize; 4]> {
    Ok([product(cols, d.units)?, d.units, d.units * d.stride, cols])
}

/// The hidden-layer projection (see `meta::project_hidden`); `params` holds
/// W1 (cols × units), b1 (units), W2 (units × stride) and wb (cols), in that order.
#[wasm_bindgen(js_name = metaProjectHidden)]
#[allow(clippy::too_many_arguments)]
pub fn meta_project_hidden(
    indptr: usize,
    indices: usize,
    values: usize,
    rows: usize,
    cols: usize,
    units: usize,
    stride: usize,
    params: usize,
    hidden: usize,
    m: usize,
    mb: usize,
) -> Result<(), JsError> {
    run("metaProjectHidden", || {
        let d = hidden_dims(units, stride)?;
        let f = csr(indptr, indices, values, rows, cols)?;
        let [n1, nb, n2, nwb] = hidden_parts(cols, &d)?;
        let p = view::<f32>("params", params, n1 + nb + n2 + nwb)?;
        let (w1, rest) = p.split_at(n1);
        let (b1, rest) = rest.split_at(nb);
        let (w2, wb) = rest.split_at(n2);
        let hidden = view_mut("hidden", hidden, product(rows, d.units)?)?;
        let m = view_mut("m", m, product(rows, d.stride)?)?;
        crate::meta::project_hidden(&f, w1, b1, w2, wb, d, hidden, m, view_mut("mb", mb, rows)?);
        Ok(())
    })
}

/// Back-propagates per-movie gradient sums through the hidden layer into
/// `grads` (same layout as `params` in [`meta_project_hidden`]).
#[wasm_bindgen(js_name = metaReduceHidden)]
#[allow(clippy::too_many_arguments)]
pub fn meta_reduce_hidden(
    indptr: usize,
    indices: usize,
    values: usize,
    rows: usize,
    cols: usize,
    units: usize,
    stride: usize,
    params: usize,
    hidden: usize,
    g: usize,
    gb: usize,
    grads: usize,
) -> Result<(), JsError> {
    run("metaReduceHidden", || {
        let d = hidden_dims(units, stride)?;
        let f = csr(indptr, indices, values, rows, cols)?;
        let [n1, nb, n2, nwb] = hidden_parts(cols, &d)?;
        let total = n1 + nb + n2 + nwb;
        let w2 = &view::<f32>("params", params, total)?[n1 + nb..n1 + nb + n2];
        let grads = view_mut::<f32>("grads", grads, total)?;
        let (dw1, rest) = grads.split_at_mut(n1);
        let (db1, rest) = rest.split_at_mut(nb);
        let (dw2, dwb) = rest.split_at_mut(n2);
        let hidden = view("hidden", hidden, product(rows, d.units)?)?;
        let g = view_mut("g", g, product(rows, d.stride)?)?;
        crate::meta::reduce_hidden(&f, g, view_mut("gb", gb, rows)?, hidden, w2, d, dw1, db1, dw2, dwb);
        Ok(())
    })
}

// --- new users ---------------------------------------------------------------------

/// Folds in a new user from `n` ratings on movies whose effective vectors
/// (`n × stride`, first `k` used) and biases are given; writes the user's
/// `k` factors to `out_p` and returns the user's bias.
#[wasm_bindgen(js_name = foldIn)]
#[allow(clippy::too_many_arguments)]
pub fn fold_in(
    vectors: usize,
    bias: usize,
    ratings: usize,
    n: usize,
    stride: usize,
    k: usize,
    mu: f32,
    reg: f32,
    reg_bias: f32,
    iterations: usize,
    out_p: usize,
) -> Result<f32, JsError> {
    run("foldIn", || {
        if k == 0 || stride < k || k > MAX_STRIDE {
            return Err(format!("k {k} must be in 1–{MAX_STRIDE} and at most the stride {stride}"));
        }
        let mut scratch = vec![0.0f64; k * k + k];
        let mut out_bias = 0.0f32;
        let ok = crate::fold_in::fold_in(
            view("vectors", vectors, product(n, stride)?)?,
            view("bias", bias, n)?,
            view("ratings", ratings, n)?,
            stride,
            k,
            mu,
            reg,
            reg_bias,
            iterations,
            &mut scratch,
            view_mut("out_p", out_p, k)?,
            &mut out_bias,
        );
        if ok {
            Ok(out_bias)
        } else {
            Err("the least-squares system is singular; use a positive regularisation".to_string())
        }
    })
}

// --- implicit feedback (see `implicit`) ------------------------------------------

/// Adds `Σ x xᵀ` over rows `first..last` of `rows` (`stride` floats each) to
/// `out` (`stride × stride`).
#[wasm_bindgen(js_name = implicitGram)]
pub fn implicit_gram(rows: usize, first: usize, last: usize, stride: usize, out: usize) -> Result<(), JsError> {
    run("implicitGram", || {
        check_stride(stride)?;
        if first > last {
            return Err(format!("rows {first}..{last} are reversed"));
        }
        let x = view::<f32>("rows", element(rows, product(first, stride)?)?, product(last - first, stride)?)?;
        crate::implicit::gram_add(x, stride, view_mut("out", out, product(stride, stride)?)?);
        Ok(())
    })
}

/// Solves rows `first..last` of one side (`x`, `n_rows × stride`) against the
/// other side (`other`, `n_other × stride`) and its Gram matrix; the rows'
/// observed items are a CSR (`indptr`, `n_rows + 1` entries; `indices`;
/// `weights`, or 0 for all ones). Returns the summed squared residual (see `implicit::solve_rows`).
#[wasm_bindgen(js_name = implicitSolve)]
#[allow(clippy::too_many_arguments)]
pub fn implicit_solve(
    x: usize,
    n_rows: usize,
    first: usize,
    last: usize,
    indptr: usize,
    indices: usize,
    weights: usize,
    other: usize,
    n_other: usize,
    gram: usize,
    stride: usize,
    alpha0: f32,
    reg: f32,
    nu: f32,
    steps: usize,
) -> Result<f64, JsError> {
    run("implicitSolve", || {
        check_stride(stride)?;
        let range = row_range(first, last, n_rows)?;
        if !(alpha0 >= 0.0 && reg > 0.0 && nu.is_finite() && steps <= 64) {
            return Err(format!("alpha0 {alpha0}, reg {reg}, nu {nu} or steps {steps} is out of range"));
        }
        let indptr = view::<u32>("indptr", indptr, n_rows.checked_add(1).ok_or("rows overflow")?)?;
        let nnz = indptr[n_rows] as usize;
        let indices = view::<u32>("indices", indices, nnz)?;
        let weights = if weights == 0 { None } else { Some(view::<f32>("weights", weights, nnz)?) };
        for r in range.clone() {
            let (a, b) = (indptr[r] as usize, indptr[r + 1] as usize);
            if a > b || b > nnz || indices[a..b].iter().any(|&j| j as usize >= n_other) {
                return Err(format!("row {r}'s observed items are not valid indices below {n_other}"));
            }
            if weights.is_some_and(|w| w[a..b].iter().any(|x| !(x.is_finite() && *x >= 0.0))) {
                return Err(format!("row {r} has a weight that is negative or not finite"));
            }
        }
        let rows = view_mut::<f32>("x", element(x, product(first, stride)?)?, product(range.len(), stride)?)?;
        let fit = crate::implicit::Fit { alpha0, reg, nu, steps, n_other };
        Ok(crate::implicit::solve_rows(
            rows,
            first,
            crate::implicit::Observed { indptr, indices, weights },
            view("other", other, product(n_other, stride)?)?,
            view("gram", gram, product(stride, stride)?)?,
            stride,
            &fit,
        ))
    })
}

// --- Bayesian PMF ---------------------------------------------------------------------

/// A side's rows for the sampler: `k` factors and the bias in `stride` floats.
fn bpmf_shape(k: usize, stride: usize) -> Check<()> {
    check_stride(stride)?;
    if k == 0 || k > crate::bpmf::MAX_K || k + 1 > stride {
        return Err(format!("k = {k} is not in 1–{} with room for the bias in stride {stride}", crate::bpmf::MAX_K));
    }
    Ok(())
}

/// A CSR whose rows `range` name rows of another side below `n_other`.
fn bpmf_csr<'a>(
    indptr: usize,
    indices: usize,
    ratings: usize,
    n_rows: usize,
    range: &core::ops::Range<usize>,
    n_other: usize,
) -> Check<crate::bpmf::Csr<'a>> {
    let indptr = view::<u32>("indptr", indptr, n_rows.checked_add(1).ok_or("rows overflow")?)?;
    let nnz = indptr[n_rows] as usize;
    let indices = view::<u32>("indices", indices, nnz)?;
    for r in range.clone() {
        let (a, b) = (indptr[r] as usize, indptr[r + 1] as usize);
        if a > b || b > nnz || indices[a..b].iter().any(|&j| j as usize >= n_other) {
            return Err(format!("row {r}'s ratings do not name rows below {n_other}"));
        }
    }
    Ok(crate::bpmf::Csr { indptr, indices, ratings: view::<f32>("ratings", ratings, nnz)? })
}

/// Draws rows `first..last` of one side (`rows`, `n_rows × stride`; `side` 0
/// users, 1 movies) from their Gibbs conditional given the other side's rows,
/// the side's hyperparameters (`mean`, `d` f64; `precision`, `d×d` f64, `d =
/// k + 1`; `offsets`, every row's prior mean shift, `n_rows × stride` f32, or 0)
/// and the noise precision; the rows' ratings are a CSR naming rows of the other
/// side. `scalar` runs the scalar twin of the SIMD path (same bits). See
/// `bpmf::sample_rows`.
#[wasm_bindgen(js_name = bpmfSampleRows)]
#[allow(clippy::too_many_arguments)]
pub fn bpmf_sample_rows(
    rows: usize,
    n_rows: usize,
    first: usize,
    last: usize,
    indptr: usize,
    indices: usize,
    ratings: usize,
    other: usize,
    n_other: usize,
    k: usize,
    stride: usize,
    mu: f32,
    mean: usize,
    precision: usize,
    offsets: usize,
    alpha: f64,
    seed: u32,
    sweep: u32,
    side: u32,
    scalar: bool,
) -> Result<(), JsError> {
    run("bpmfSampleRows", || {
        bpmf_shape(k, stride)?;
        let range = row_range(first, last, n_rows)?;
        if !(alpha > 0.0 && alpha.is_finite()) {
            return Err(format!("noise precision {alpha} is not a positive number"));
        }
        let csr = bpmf_csr(indptr, indices, ratings, n_rows, &range, n_other)?;
        let d = k + 1;
        let hyper = crate::bpmf::Hyper {
            mean: view::<f64>("mean", mean, d)?,
            precision: view::<f64>("precision", precision, d * d)?,
            offsets: optional_view("offsets", offsets, product(n_rows, stride)?)?,
        };
        let own = view_mut::<f32>("rows", element(rows, product(first, stride)?)?, product(range.len(), stride)?)?;
        let other = view::<f32>("other", other, product(n_other, stride)?)?;
        let mut scratch = vec![0.0f64; crate::bpmf::scratch_len(k)];
        let stream = (seed as u64, sweep as u64, side as u64);
        let lanes = if scalar { crate::bpmf::Lanes::Scalar } else { crate::bpmf::Lanes::Simd };
        if !crate::bpmf::sample_rows(&csr, range, own, other, k, stride, mu, &hyper, alpha, stream, &mut scratch, lanes)
        {
            return Err("a row's posterior precision is not positive definite".into());
        }
        Ok(())
    })
}

/// Draws a side's hyperparameters from their posterior given its `n_rows` rows
/// (less their prior mean shifts `offsets`, or 0) into `mean` (`k + 1` f64) and
/// `precision` (`(k + 1)²` f64); with movie features, `scatter` (`λ·βᵀβ`, d×d f64)
/// and `n_features` add the projection's prior (0 and 0 without).
#[wasm_bindgen(js_name = bpmfSampleHyper)]
#[allow(clippy::too_many_arguments)]
pub fn bpmf_sample_hyper(
    rows: usize,
    offsets: usize,
    scatter: usize,
    n_features: usize,
    n_rows: usize,
    k: usize,
    stride: usize,
    seed: u32,
    sweep: u32,
    side: u32,
    mean: usize,
    precision: usize,
) -> Result<(), JsError> {
    run("bpmfSampleHyper", || {
        bpmf_shape(k, stride)?;
        let d = k + 1;
        let len = product(n_rows, stride)?;
        let rows = view::<f32>("rows", rows, len)?;
        let offsets = optional_view("offsets", offsets, len)?;
        let scatter = optional_view::<f64>("scatter", scatter, d * d)?;
        let projection = scatter.map(|scatter| crate::bpmf::Projection { scatter, n_features });
        let mut rng = crate::bpmf::Rng::new(seed as u64, sweep as u64, 2 + side as u64, 0);
        let (mean, precision) = (view_mut::<f64>("mean", mean, d)?, view_mut::<f64>("precision", precision, d * d)?);
        if !crate::bpmf::sample_hyper(rows, offsets, projection.as_ref(), n_rows, k, stride, &mut rng, mean, precision)
        {
            return Err("the rows' scatter matrix is not positive definite".into());
        }
        Ok(())
    })
}

/// A view of `len` elements at `ptr`, or None when `ptr` is 0.
fn optional_view<'a, T>(name: &str, ptr: usize, len: usize) -> Check<Option<&'a [T]>> {
    if ptr == 0 {
        Ok(None)
    } else {
        view(name, ptr, len).map(Some)
    }
}

/// Writes the Cholesky factor of `FᵀF + λI` (`cols²` f64) for the features' CSR
/// (`rows` movies × `cols` features); see `macau::gram_factor`.
#[wasm_bindgen(js_name = macauGramFactor)]
#[allow(clippy::too_many_arguments)]
pub fn macau_gram_factor(
    indptr: usize,
    indices: usize,
    values: usize,
    rows: usize,
    cols: usize,
    lambda: f64,
    factor: usize,
) -> Result<(), JsError> {
    run("macauGramFactor", || {
        let f = csr(indptr, indices, values, rows, cols)?;
        if !(lambda > 0.0 && lambda.is_finite()) {
            return Err(format!("λ {lambda} is not a positive number"));
        }
        let out = view_mut::<f64>("factor", factor, product(cols, cols)?)?;
        if !crate::macau::gram_factor(&f, rows, cols, lambda, out) {
            return Err("FᵀF + λI is not positive definite".into());
        }
        Ok(())
    })
}

/// Draws the projection β (`cols × (k + 1)` f64) of the movies' features given
/// their rows `v` and the movie side's hyperparameters; writes every movie's prior
/// shift into `offsets` (`rows × stride` f32) and `λ·βᵀβ` into `scatter`. See
/// `macau::sample_beta`.
#[wasm_bindgen(js_name = macauSampleBeta)]
#[allow(clippy::too_many_arguments)]
pub fn macau_sample_beta(
    indptr: usize,
    indices: usize,
    values: usize,
    rows: usize,
    cols: usize,
    v: usize,
    k: usize,
    stride: usize,
    mean: usize,
    precision: usize,
    factor: usize,
    lambda: f64,
    seed: u32,
    sweep: u32,
    beta: usize,
    offsets: usize,
    scatter: usize,
) -> Result<(), JsError> {
    run("macauSampleBeta", || {
        bpmf_shape(k, stride)?;
        let f = csr(indptr, indices, values, rows, cols)?;
        let d = k + 1;
        let len = product(rows, stride)?;
        let mut rng = crate::bpmf::Rng::new(seed as u64, sweep as u64, 5, 0);
        let ok = crate::macau::sample_beta(
            &f,
            &crate::macau::Shape { rows, n_features: cols, k, stride },
            view("v", v, len)?,
            view("mean", mean, d)?,
            view("precision", precision, d * d)?,
            view("factor", factor, product(cols, cols)?)?,
            lambda,
            &mut rng,
            view_mut("beta", beta, product(cols, d)?)?,
            view_mut("offsets", offsets, len)?,
            view_mut("scatter", scatter, d * d)?,
        );
        if !ok {
            return Err("the movie side's precision is not positive definite".into());
        }
        Ok(())
    })
}

/// The squared error of the current rows over the ratings of users `first..last` (a user CSR).
#[wasm_bindgen(js_name = bpmfSse)]
#[allow(clippy::too_many_arguments)]
pub fn bpmf_sse(
    indptr: usize,
    indices: usize,
    ratings: usize,
    first: usize,
    last: usize,
    users: usize,
    n_users: usize,
    movies: usize,
    n_movies: usize,
    k: usize,
    stride: usize,
    mu: f32,
) -> Result<f64, JsError> {
    run("bpmfSse", || {
        bpmf_shape(k, stride)?;
        let range = row_range(first, last, n_users)?;
        let csr = bpmf_csr(indptr, indices, ratings, n_users, &range, n_movies)?;
        let users = view::<f32>("users", users, product(n_users, stride)?)?;
        let movies = view::<f32>("movies", movies, product(n_movies, stride)?)?;
        Ok(crate::bpmf::sse(&csr, range, users, movies, k, stride, mu))
    })
}

/// Writes the diagonal of the inverse of the `d×d` f64 matrix `precision` to `out` (d f64): a side's
/// prior variances.
#[wasm_bindgen(js_name = bpmfPriorVariance)]
pub fn bpmf_prior_variance(precision: usize, d: usize, out: usize) -> Result<(), JsError> {
    run("bpmfPriorVariance", || {
        if d == 0 || d > crate::bpmf::MAX_K + 1 {
            return Err(format!("d = {d} is not in 1–{}", crate::bpmf::MAX_K + 1));
        }
        if !crate::bpmf::inverse_diagonal(view("precision", precision, d * d)?, d, view_mut("out", out, d)?) {
            return Err("the precision is not positive definite".into());
        }
        Ok(())
    })
}

/// The largest factor count the sampler takes.
#[wasm_bindgen(js_name = bpmfMaxK)]
pub fn bpmf_max_k() -> usize {
    crate::bpmf::MAX_K
}

/// Draws the noise precision given the squared error `sse` of `n` ratings.
#[wasm_bindgen(js_name = bpmfSampleAlpha)]
pub fn bpmf_sample_alpha(sse: f64, n: usize, seed: u32, sweep: u32) -> f64 {
    crate::bpmf::sample_alpha(sse, n, &mut crate::bpmf::Rng::new(seed as u64, sweep as u64, 4, 0))
}

/// Adds the current sample's predictions of ratings `first..last` of a set
/// (`user_idx`, `movie_idx`) to `sum` and their squares to `sum_sq` (f64, the set's length).
#[wasm_bindgen(js_name = bpmfAccumulate)]
#[allow(clippy::too_many_arguments)]
pub fn bpmf_accumulate(
    user_idx: usize,
    movie_idx: usize,
    n: usize,
    first: usize,
    last: usize,
    users: usize,
    n_users: usize,
    movies: usize,
    n_movies: usize,
    k: usize,
    stride: usize,
    mu: f32,
    sum: usize,
    sum_sq: usize,
) -> Result<(), JsError> {
    run("bpmfAccumulate", || {
        bpmf_shape(k, stride)?;
        let range = row_range(first, last, n)?;
        let ui = &view::<u32>("user_idx", user_idx, n)?[range.clone()];
        let mi = &view::<u32>("movie_idx", movie_idx, n)?[range.clone()];
        if ui.iter().any(|&u| u as usize >= n_users) || mi.iter().any(|&m| m as usize >= n_movies) {
            return Err(format!("a rating names a user or movie outside {n_users} × {n_movies}"));
        }
        let users = view::<f32>("users", users, product(n_users, stride)?)?;
        let movies = view::<f32>("movies", movies, product(n_movies, stride)?)?;
        let sum = &mut view_mut::<f64>("sum", sum, n)?[range.clone()];
        let sum_sq = &mut view_mut::<f64>("sum_sq", sum_sq, n)?[range];
        crate::bpmf::accumulate(ui, mi, users, movies, k, stride, mu, sum, sum_sq);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_misaligned_and_overflowing_buffers_are_refused() {
        let a = [1.0f32; 8];
        let p = a.as_ptr() as usize;
        assert!(view::<f32>("a", 0, 8).unwrap_err().contains("null"));
        assert!(view::<f32>("a", p + 1, 4).unwrap_err().contains("aligned"));
        assert!(view::<f32>("a", p, usize::MAX).unwrap_err().contains("past the end"));
        assert_eq!(view::<f32>("a", p, 8).unwrap().len(), 8);
    }

    #[test]
    fn passes_with_bad_shapes_are_refused() {
        let mut d = TrainPass { k: 4, stride: 2, ..TrainPass::default() };
        assert!(check_pass(&d, true).err().unwrap().contains("stride"));
        d.stride = 6;
        assert!(check_pass(&d, true).err().unwrap().contains("multiple of 4"));
        d.stride = 4;
        assert!(check_pass(&d, true).err().unwrap().contains("\"p\" is null"));
    }

    #[test]
    fn a_pass_is_read_back_from_its_address() {
        let d = TrainPass { n_users: 3, lr: 0.5, ..TrainPass::default() };
        let back = read_pass(d.address()).unwrap();
        assert_eq!((back.n_users, back.lr), (3, 0.5));
    }
}
