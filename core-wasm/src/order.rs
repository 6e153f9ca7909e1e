//! Ordering ratings by (user, movie), dropping duplicate pairs, and per-user
//! offsets (CSR). Sorting is two stable counting sorts (by movie, then by
//! user), so rows with the same pair keep their file order and "keep the
//! last" means the last in the file.

/// Stable counting sort of row numbers by `keys[row]`. Rows come from
/// `perm_in` (or 0..n when `None`) and go to `perm_out`. `counts` needs
/// `n_keys + 1` entries. Returns false if a key is `>= n_keys`.
pub fn counting_order(
    keys: &[u32],
    n_keys: usize,
    counts: &mut [u32],
    perm_in: Option<&[u32]>,
    perm_out: &mut [u32],
) -> bool {
    let n = keys.len();
    if counts.len() < n_keys + 1 || perm_out.len() < n {
        return false;
    }
    for c in counts.iter_mut() {
        *c = 0;
    }
    for &k in keys {
        if k as usize >= n_keys {
            return false;
        }
        counts[k as usize + 1] += 1;
    }
    for i in 1..=n_keys {
        counts[i] += counts[i - 1];
    }
    for i in 0..n {
        let row = match perm_in {
            Some(p) => p[i] as usize,
            None => i,
        };
        let k = keys[row] as usize;
        perm_out[counts[k] as usize] = row as u32;
        counts[k] += 1;
    }
    true
}

/// `dst[i] = src[perm[i]]` for 4-byte elements (ids, ratings as bits, times).
pub fn gather(src: &[u32], perm: &[u32], dst: &mut [u32]) {
    for (d, &p) in dst.iter_mut().zip(perm) {
        *d = src[p as usize];
    }
}

/// Compacts sorted rows in place, keeping the last row of each run with the
/// same (user, movie). Returns the number of rows kept.
pub fn dedupe(users: &mut [u32], movies: &mut [u32], ratings: &mut [f32], mut times: Option<&mut [u32]>) -> usize {
    let n = users.len().min(movies.len());
    // Rows stay where they are up to the first duplicate (most files have none).
    let same = |a: (&u32, &u32), b: (&u32, &u32)| a == b;
    let pairs = users[..n].iter().zip(&movies[..n]);
    let Some(first) = pairs.clone().zip(pairs.skip(1)).position(|(a, b)| same(a, b)) else {
        return n;
    };
    let mut kept = first;
    for i in first..n {
        let last_of_run = i + 1 == n || users[i + 1] != users[i] || movies[i + 1] != movies[i];
        if last_of_run {
            users[kept] = users[i];
            movies[kept] = movies[i];
            ratings[kept] = ratings[i];
            if let Some(t) = times.as_deref_mut() {
                t[kept] = t[i];
            }
            kept += 1;
        }
    }
    kept
}

/// Per-user offsets of user-sorted rows: user u's rows are
/// `offsets[u]..offsets[u + 1]`; `offsets` has `n_users + 1` entries.
/// Returns false if a user index is `>= n_users` or rows are not sorted.
pub fn offsets(users: &[u32], n_users: usize, offsets: &mut [u32]) -> bool {
    if offsets.len() < n_users + 1 || (n_users == 0 && !users.is_empty()) {
        return false;
    }
    // One pass: offsets[..=cur] are written; a row of a later user starts the users up to it.
    let mut cur = 0usize;
    offsets[0] = 0;
    for (row, &u) in users.iter().enumerate() {
        let u = u as usize;
        if u > cur {
            if u >= n_users {
                return false;
            }
            offsets[cur + 1..=u].fill(row as u32);
            cur = u;
        } else if u < cur {
            return false;
        }
    }
    offsets[cur + 1..=n_users].fill(users.len() as u32);
    true
}

/// What [`scan`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    /// Rows are not in (user, movie) order (offsets not written).
    Unsorted,
    /// Rows are in order so far; the first row whose pair the next row repeats, or `n`
    /// when none does. Once the last row is scanned, the offsets are written.
    Sorted(usize),
    /// A user index is `>= n_users`.
    UserRange,
}

/// Where a [`scan`] in slices stands: the last row's (user, movie) key and the user
/// whose offsets are written so far, and the first duplicate found (`u32::MAX`: none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanState {
    /// `(user << 32) | movie` of the last row scanned.
    pub prev: u64,
    /// `offsets[..=cur]` are written.
    pub cur: u32,
    /// First row whose pair the next row repeats, or `u32::MAX`.
    pub first_duplicate: u32,
}

impl ScanState {
    /// Before the first row.
    pub const START: ScanState = ScanState { prev: 0, cur: 0, first_duplicate: u32::MAX };
}

/// Rows `rows` of `n` (in slices from 0 to `n`, the state carried between them): the
/// order check, the search for the first duplicate in [`dedupe`] and the work of
/// [`offsets`] in one pass (most files are sorted and have no duplicates, so this pass
/// is the only one). `offsets` holds valid per-user offsets once the last slice returns
/// `Scan::Sorted(n)`.
pub fn scan(
    users: &[u32],
    movies: &[u32],
    rows: core::ops::Range<usize>,
    n_users: usize,
    offsets: &mut [u32],
    st: &mut ScanState,
) -> Scan {
    let n = users.len().min(movies.len());
    if offsets.len() < n_users + 1 || (n_users == 0 && n > 0) || rows.end > n {
        return Scan::UserRange;
    }
    offsets[0] = 0;
    let mut cur = st.cur as usize;
    for row in rows.clone() {
        let k = (u64::from(users[row]) << 32) | u64::from(movies[row]);
        if row > 0 {
            if k < st.prev {
                return Scan::Unsorted;
            }
            if k == st.prev && st.first_duplicate == u32::MAX {
                st.first_duplicate = (row - 1) as u32;
            }
        }
        st.prev = k;
        let u = users[row] as usize;
        if u > cur {
            if u >= n_users {
                return Scan::UserRange;
            }
            offsets[cur + 1..=u].fill(row as u32);
            cur = u;
        }
    }
    st.cur = cur as u32;
    if rows.end == n {
        offsets[cur + 1..=n_users].fill(n as u32);
    }
    Scan::Sorted(if st.first_duplicate == u32::MAX { n } else { st.first_duplicate as usize })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_user_then_movie_and_keeps_the_last_duplicate() {
        let users = vec![1u32, 0, 1, 0, 1];
        let movies = vec![2u32, 1, 0, 1, 2];
        let ratings = [1.0f32, 2.0, 3.0, 4.0, 5.0];
        let mut st = ScanState::START;
        assert_eq!(scan(&users, &movies, 0..5, 2, &mut [0; 3], &mut st), Scan::Unsorted);
        let mut counts = vec![0u32; 4];
        let mut by_movie = vec![0u32; 5];
        let mut order = vec![0u32; 5];
        assert!(counting_order(&movies, 3, &mut counts, None, &mut by_movie));
        assert!(counting_order(&users, 2, &mut counts, Some(&by_movie), &mut order));
        let mut u = vec![0u32; 5];
        let mut m = vec![0u32; 5];
        let mut r = vec![0u32; 5];
        gather(&users, &order, &mut u);
        gather(&movies, &order, &mut m);
        let bits: Vec<u32> = ratings.iter().map(|x| x.to_bits()).collect();
        gather(&bits, &order, &mut r);
        let mut rf: Vec<f32> = r.iter().map(|&b| f32::from_bits(b)).collect();
        assert_eq!((u.clone(), m.clone()), (vec![0, 0, 1, 1, 1], vec![1, 1, 0, 2, 2]));
        let mut st = ScanState::START;
        assert_eq!(scan(&u, &m, 0..5, 2, &mut [0; 3], &mut st), Scan::Sorted(0));
        let kept = dedupe(&mut u, &mut m, &mut rf, None);
        assert_eq!(kept, 3);
        assert_eq!(&rf[..3], &[4.0, 3.0, 5.0]);
        let mut off = vec![0u32; 3];
        assert!(offsets(&u[..kept], 2, &mut off));
        assert_eq!(off, vec![0, 1, 3]);
    }

    #[test]
    fn dedupe_keeps_rows_before_the_first_duplicate_in_place() {
        let (mut u, mut m) = (vec![0u32, 0, 1, 1, 1, 2], vec![1u32, 2, 0, 3, 3, 0]);
        let mut r = vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(dedupe(&mut u, &mut m, &mut r, None), 5);
        assert_eq!(
            (&u[..5], &m[..5], &r[..5]),
            (&[0, 0, 1, 1, 2][..], &[1, 2, 0, 3, 0][..], &[1.0, 2.0, 3.0, 5.0, 6.0][..])
        );
        let (mut u, mut m, mut r) = (vec![0u32, 1], vec![0u32, 0], vec![1.0f32, 2.0]);
        assert_eq!(dedupe(&mut u, &mut m, &mut r, None), 2);
        assert_eq!(dedupe(&mut [], &mut [], &mut [], None), 0);
    }

    /// [`scan`] over all rows in slices of `slice`.
    fn scan_in(users: &[u32], movies: &[u32], n_users: usize, off: &mut [u32], slice: usize) -> Scan {
        let mut st = ScanState::START;
        let n = users.len();
        let mut at = 0;
        loop {
            let r = scan(users, movies, at..(at + slice).min(n), n_users, off, &mut st);
            at += slice;
            if at >= n || !matches!(r, Scan::Sorted(_)) {
                return r;
            }
        }
    }

    #[test]
    fn one_scan_finds_order_first_duplicate_and_offsets() {
        for slice in [1, 2, 3, 100] {
            let mut off = vec![9u32; 4];
            assert_eq!(scan_in(&[0, 0, 2, 2], &[1, 3, 0, 5], 3, &mut off, slice), Scan::Sorted(4));
            assert_eq!(off, vec![0, 2, 2, 4]);
            let (users, movies) = ([0u32, 1, 1, 1, 2], [4u32, 0, 3, 3, 1]);
            assert_eq!(scan_in(&users, &movies, 3, &mut off, slice), Scan::Sorted(2));
            let pairs = users.iter().zip(&movies);
            assert_eq!(pairs.clone().zip(pairs.skip(1)).position(|(a, b)| a == b), Some(2), "dedupe's first");
            assert_eq!(scan_in(&[0, 1, 1], &[0, 3, 2], 2, &mut off, slice), Scan::Unsorted);
            assert_eq!(scan_in(&[1, 0], &[0, 0], 2, &mut off, slice), Scan::Unsorted);
            assert_eq!(scan_in(&[0, 3], &[0, 0], 3, &mut off, slice), Scan::UserRange);
            // Users without rows at the start and the end.
            let mut off = vec![9u32; 5];
            assert_eq!(scan_in(&[1, 2], &[0, 0], 4, &mut off, slice), Scan::Sorted(2));
            assert_eq!(off, vec![0, 0, 1, 2, 2]);
        }
        let (mut off, mut st) = ([9u32; 1], ScanState::START);
        assert_eq!(scan(&[], &[], 0..0, 0, &mut off, &mut st), Scan::Sorted(0));
        assert_eq!(off[0], 0);
    }

    #[test]
    fn offsets_refuse_rows_without_users() {
        let mut off = vec![7u32; 1];
        assert!(!offsets(&[0], 0, &mut off));
        assert!(offsets(&[], 0, &mut off));
        assert_eq!(off, vec![0]);
    }

    #[test]
    fn offsets_leave_room_for_users_without_rows() {
        let mut off = vec![0u32; 5];
        assert!(offsets(&[0, 0, 3], 4, &mut off));
        assert_eq!(off, vec![0, 2, 2, 2, 3]);
        assert!(!offsets(&[1, 0], 2, &mut off));
        assert!(!counting_order(&[5], 2, &mut [0; 3], None, &mut [0]));
    }
}
