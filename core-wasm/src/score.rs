//! Batched scoring: one user against a range of movie rows, with the model's
//! formula ([`crate::predict::raw_score`]): raw scores for ranking, or
//! predicted ratings (clamped). Rows are `stride` floats apart and `k` long;
//! `bias` holds the movies' effective biases.

use crate::predict::{clamp, raw_score};

/// The dot product a scoring pass uses.
type Dot = fn(&[f32], &[f32]) -> f32;

/// One user: factors (`k` floats), bias, and the global mean.
#[derive(Clone, Copy)]
pub struct User<'a> {
    /// The user's factors.
    pub factors: &'a [f32],
    /// The user's bias.
    pub bias: f32,
    /// The model's global mean.
    pub mu: f32,
}

/// Scores `out.len()` movies whose rows start at `factors[0]`; `clamped`
/// gives predicted ratings instead of raw scores; `scalar` picks the scalar
/// dot product (same bits as the SIMD one on wasm32).
pub fn score_movies(
    user: User,
    factors: &[f32],
    stride: usize,
    bias: Option<&[f32]>,
    clamped: bool,
    scalar: bool,
    out: &mut [f32],
) {
    let dot: Dot = if scalar { crate::vector::scalar::dot } else { crate::vector::dot };
    let k = user.factors.len();
    for (i, o) in out.iter_mut().enumerate() {
        let start = i * stride;
        let row = &factors[start..start + k];
        let b = bias.map_or(0.0, |b| b[i]);
        let raw = raw_score(user.mu, user.bias, b, dot(user.factors, row));
        *o = if clamped { clamp(raw) } else { raw };
    }
}

/// Movies scored per chunk while selecting the best.
const CHUNK: usize = 256;

/// The `n` best of movies `0..count` by raw score for one user, skipping
/// `excluded` (movie indices in increasing order), best first, ties to the
/// lower index; each with its predicted rating (the clamped score). Scores
/// come from [`score_movies`], so ranking and prediction share one formula.
#[allow(clippy::too_many_arguments)]
pub fn top_movies(
    user: User,
    factors: &[f32],
    stride: usize,
    bias: Option<&[f32]>,
    count: usize,
    excluded: &[u32],
    n: usize,
    scalar: bool,
) -> Vec<(u32, f32)> {
    top_raw(user, factors, stride, bias, count, excluded, n, scalar).into_iter().map(|(r, m)| (m, clamp(r))).collect()
}

/// [`top_movies`] with the raw scores, as (score, movie).
#[allow(clippy::too_many_arguments)]
fn top_raw(
    user: User,
    factors: &[f32],
    stride: usize,
    bias: Option<&[f32]>,
    count: usize,
    excluded: &[u32],
    n: usize,
    scalar: bool,
) -> Vec<(f32, u32)> {
    // Best first: (raw score, movie); a new movie enters only when strictly better than the last.
    let mut best: Vec<(f32, u32)> = Vec::with_capacity(n + 1);
    let mut raw = [0.0f32; CHUNK];
    let mut skip = excluded.iter().peekable();
    let mut first = 0;
    while first < count && n > 0 {
        let len = CHUNK.min(count - first);
        let rows = &factors[first * stride..];
        let b = bias.map(|b| &b[first..first + len]);
        score_movies(user, rows, stride, b, false, scalar, &mut raw[..len]);
        for (i, &r) in raw[..len].iter().enumerate() {
            let m = (first + i) as u32;
            while skip.next_if(|&&x| x < m).is_some() {}
            if skip.next_if_eq(&&m).is_some() {
                continue;
            }
            if best.len() == n && r <= best[n - 1].0 {
                continue;
            }
            let at = best.partition_point(|&(s, _)| s >= r);
            best.insert(at, (r, m));
            best.truncate(n);
        }
        first += len;
    }
    best
}

/// Many users' lists by the dot product alone (no biases): for users
/// `first..first + out_movies.len() / n` (rows of `users`, `stride` apart, `k`
/// used), the `n` best of movies `0..count`, each user skipping its row of
/// the CSR `excluded_ptr`/`excluded` (increasing indices, rows indexed by
/// the absolute user number). Writes movie indices and raw scores, `n` per
/// user, best first; a user with fewer candidates gets `u32::MAX` and NaN
/// after its last.
#[allow(clippy::too_many_arguments)]
pub fn top_movies_batch(
    users: &[f32],
    first: usize,
    k: usize,
    stride: usize,
    movies: &[f32],
    count: usize,
    excluded_ptr: &[u32],
    excluded: &[u32],
    n: usize,
    out_movies: &mut [u32],
    out_scores: &mut [f32],
) {
    for (j, (ids, scores)) in out_movies.chunks_exact_mut(n).zip(out_scores.chunks_exact_mut(n)).enumerate() {
        let u = first + j;
        let user = User { factors: &users[u * stride..u * stride + k], bias: 0.0, mu: 0.0 };
        let skip = &excluded[excluded_ptr[u] as usize..excluded_ptr[u + 1] as usize];
        let top = top_raw(user, movies, stride, None, count, skip, n, false);
        for i in 0..n {
            (ids[i], scores[i]) = top.get(i).map_or((u32::MAX, f32::NAN), |&(r, m)| (m, r));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_every_row_with_the_biases_raw_or_clamped() {
        let factors3 = [1.0f32, 2.0, 3.0];
        let user = User { factors: &factors3, bias: 0.25, mu: 3.25 };
        // Two rows of k = 3 with stride 4 (one padding float each).
        let factors = [1.0f32, 0.0, 0.0, 99.0, 0.0, 1.0, 1.0, 99.0];
        let bias = [0.5f32, -0.25];
        let mut out = [0.0f32; 2];
        score_movies(user, &factors, 4, Some(&bias), false, true, &mut out);
        assert_eq!(out, [3.5 + 0.5 + 1.0, 3.5 - 0.25 + 5.0]);
        score_movies(user, &factors, 4, Some(&bias), true, true, &mut out);
        assert_eq!(out, [5.0, 5.0]);
        score_movies(User { mu: 0.0, bias: 0.0, ..user }, &factors, 4, None, false, true, &mut out);
        assert_eq!(out, [1.0, 5.0]);
    }

    #[test]
    fn top_movies_ranks_by_raw_score_skips_excluded_and_breaks_ties_by_index() {
        let one = [1.0f32];
        let user = User { factors: &one, bias: 0.0, mu: 0.0 };
        // 600 movies (more than one chunk) with k = 1, stride 4: movie m scores (m * 7) % 601 / 100, with ties.
        let count = 600;
        let mut factors = vec![0.0f32; count * 4];
        for m in 0..count {
            factors[m * 4] = ((m * 7) % 601) as f32 / 100.0 % 5.5;
        }
        factors[3 * 4] = 9.0; // ties with movie 5 and beats everything else
        factors[5 * 4] = 9.0;
        factors[599 * 4] = 100.0;
        let top = top_movies(user, &factors, 4, None, count, &[599], 4, true);
        assert_eq!(top[0], (3, 5.0));
        assert_eq!(top[1], (5, 5.0));
        let mut brute: Vec<(f32, u32)> =
            (0..count as u32).filter(|&m| m != 599).map(|m| (factors[m as usize * 4], m)).collect();
        brute.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(&b.1)));
        let want: Vec<u32> = brute[..4].iter().map(|x| x.1).collect();
        assert_eq!(top.iter().map(|x| x.0).collect::<Vec<_>>(), want);
        assert!(top_movies(user, &factors, 4, None, count, &[], 0, true).is_empty());
    }

    #[test]
    fn a_batch_gives_each_user_the_single_user_list_without_its_excluded_movies() {
        // Three users (k = 2, stride 4) over 300 movies; user 1 excludes movies 0..250, user 2 all but 3.
        let users = [1.0f32, 0.5, 0.0, 0.0, -1.0, 2.0, 0.0, 0.0, 0.3, 0.3, 0.0, 0.0];
        let movies: Vec<f32> =
            (0..300 * 4).map(|i| if i % 4 < 2 { ((i * 37 % 101) as f32) / 50.0 - 1.0 } else { 0.0 }).collect();
        let user2: Vec<u32> = (0..300).filter(|m| ![7, 100, 299].contains(m)).collect();
        let mut excluded: Vec<u32> = (0..250).collect();
        excluded.extend(&user2);
        let ptr = [0u32, 0, 250, 250 + user2.len() as u32];
        let (mut ids, mut scores) = (vec![0u32; 3 * 5], vec![0.0f32; 3 * 5]);
        top_movies_batch(&users, 0, 2, 4, &movies, 300, &ptr, &excluded, 5, &mut ids, &mut scores);
        for u in 0..3 {
            let user = User { factors: &users[u * 4..u * 4 + 2], bias: 0.0, mu: 0.0 };
            let skip = &excluded[ptr[u] as usize..ptr[u + 1] as usize];
            let want = top_raw(user, &movies, 4, None, 300, skip, 5, false);
            for (i, &(r, m)) in want.iter().enumerate() {
                assert_eq!((ids[u * 5 + i], scores[u * 5 + i]), (m, r), "user {u} place {i}");
            }
        }
        let mut three = ids[10..13].to_vec();
        three.sort_unstable();
        assert_eq!(three, [7, 100, 299], "user 2 has three candidates");
        assert_eq!(ids[13..15], [u32::MAX, u32::MAX]);
        assert!(scores[13].is_nan() && scores[14].is_nan());
        // Users 1..3 alone write the same as within the batch.
        let (mut part, mut part_scores) = (vec![0u32; 2 * 5], vec![0.0f32; 2 * 5]);
        top_movies_batch(&users, 1, 2, 4, &movies, 300, &ptr, &excluded, 5, &mut part, &mut part_scores);
        assert_eq!(part, ids[5..]);
    }
}
