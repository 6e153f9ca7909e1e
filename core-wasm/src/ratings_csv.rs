//! Numeric CSV parsing of MovieLens ratings rows: `userId,movieId,rating[,timestamp]`.
//!
//! The host hands over whole lines (it carries a partial last line over to
//! the next chunk), so the parser never sees a row cut in two. Each line is
//! one row; a trailing `\r` is dropped (CRLF), spaces and tabs around a field
//! are ignored, a field may be wrapped in double quotes, and blank lines are
//! skipped. Ids are integers in `0..=2^31-1`; ratings are multiples of 0.5 in
//! `[0.5, 5]`; timestamps are integers in `0..=2^32-1`. The first bad row
//! stops parsing with a code and the field it was found in.

use wasm_bindgen::prelude::wasm_bindgen;

/// Parse outcomes (`ParseResult::code`); the host reads the generated enum.
#[wasm_bindgen]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseCode {
    /// Every line was parsed.
    Ok = 0,
    /// A row has too few or too many fields.
    FieldCount = 1,
    /// A field is not a plain decimal number.
    BadNumber = 2,
    /// An id is negative or above 2^31 - 1.
    IdRange = 3,
    /// A rating is outside [0.5, 5].
    RatingRange = 4,
    /// A rating is not a multiple of 0.5.
    RatingStep = 5,
    /// A timestamp is negative or above 2^32 - 1.
    TimeRange = 6,
    /// A quoted field is not closed on its line, or text follows its closing quote.
    Quote = 7,
    /// The output columns are full; call again with the rest of the input.
    Full = 8,
}

/// [`ParseCode`] values as the numbers `ParseResult::code` holds.
pub mod code {
    use super::ParseCode;
    /// See [`ParseCode::Ok`].
    pub const OK: u32 = ParseCode::Ok as u32;
    /// See [`ParseCode::FieldCount`].
    pub const FIELD_COUNT: u32 = ParseCode::FieldCount as u32;
    /// See [`ParseCode::BadNumber`].
    pub const BAD_NUMBER: u32 = ParseCode::BadNumber as u32;
    /// See [`ParseCode::IdRange`].
    pub const ID_RANGE: u32 = ParseCode::IdRange as u32;
    /// See [`ParseCode::RatingRange`].
    pub const RATING_RANGE: u32 = ParseCode::RatingRange as u32;
    /// See [`ParseCode::RatingStep`].
    pub const RATING_STEP: u32 = ParseCode::RatingStep as u32;
    /// See [`ParseCode::TimeRange`].
    pub const TIME_RANGE: u32 = ParseCode::TimeRange as u32;
    /// See [`ParseCode::Quote`].
    pub const QUOTE: u32 = ParseCode::Quote as u32;
    /// See [`ParseCode::Full`].
    pub const FULL: u32 = ParseCode::Full as u32;
}

/// Largest id accepted.
pub const MAX_ID: u64 = 0x7fff_ffff;

/// Where parsing stopped and what it produced (the host reads its fields by name).
#[wasm_bindgen]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ParseResult {
    /// Rows written to the output columns by this call.
    pub rows: u32,
    /// Lines consumed (blank ones included); the bad line is not counted.
    pub lines: u32,
    /// Bytes consumed; on an error, the offset of the bad line.
    pub bytes: u32,
    /// One of [`code`].
    pub code: u32,
    /// On an error, the 0-based field it was found in (or the field count).
    pub column: u32,
    /// Largest user id seen so far (carried in and out across calls).
    pub max_user: u32,
    /// Largest movie id seen so far (carried in and out across calls).
    pub max_movie: u32,
    /// Blank lines skipped by this call.
    pub blank: u32,
}

/// Output columns for parsed rows.
pub struct Columns<'a> {
    /// Raw user ids.
    pub users: &'a mut [u32],
    /// Raw movie ids.
    pub movies: &'a mut [u32],
    /// Ratings.
    pub ratings: &'a mut [f32],
    /// Timestamps; empty when the file has no timestamp column.
    pub times: &'a mut [u32],
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits `line` at its next field; returns (field text, rest after the comma or None at end).
fn next_field(line: &[u8]) -> Result<(&[u8], Option<&[u8]>), u32> {
    let mut i = 0;
    while i < line.len() && is_space(line[i]) {
        i += 1;
    }
    let (text, mut j) = if i < line.len() && line[i] == b'"' {
        let start = i + 1;
        let mut end = start;
        while end < line.len() && line[end] != b'"' {
            end += 1;
        }
        if end >= line.len() {
            return Err(code::QUOTE);
        }
        (&line[start..end], end + 1)
    } else {
        let start = i;
        let mut end = start;
        while end < line.len() && line[end] != b',' {
            end += 1;
        }
        let mut trimmed = end;
        while trimmed > start && is_space(line[trimmed - 1]) {
            trimmed -= 1;
        }
        (&line[start..trimmed], end)
    };
    while j < line.len() && is_space(line[j]) {
        j += 1;
    }
    if j >= line.len() {
        Ok((text, None))
    } else if line[j] == b',' {
        Ok((text, Some(&line[j + 1..])))
    } else {
        Err(code::QUOTE)
    }
}

/// Parses an unsigned decimal integer; `range` is returned for a leading '-'
/// or a value above `max`.
fn parse_uint(text: &[u8], max: u64, range: u32) -> Result<u64, u32> {
    if text.is_empty() {
        return Err(code::BAD_NUMBER);
    }
    let digits = if text[0] == b'-' { &text[1..] } else { text };
    if digits.is_empty() || !digits.iter().all(|b| b.is_ascii_digit()) {
        return Err(code::BAD_NUMBER);
    }
    if text[0] == b'-' {
        return Err(range);
    }
    let mut value: u64 = 0;
    for &b in digits {
        value = value * 10 + (b - b'0') as u64;
        if value > max {
            return Err(range);
        }
    }
    Ok(value)
}

/// Parses a rating; returns it as a count of half stars (1..=10).
fn parse_half_stars(text: &[u8]) -> Result<u32, u32> {
    if text.is_empty() {
        return Err(code::BAD_NUMBER);
    }
    let (negative, body) = if text[0] == b'-' { (true, &text[1..]) } else { (false, text) };
    let (int, frac) = match body.iter().position(|&b| b == b'.') {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, &body[..0]),
    };
    let valid = (!int.is_empty() || !frac.is_empty())
        && int.iter().all(|b| b.is_ascii_digit())
        && frac.iter().all(|b| b.is_ascii_digit());
    if !valid {
        return Err(code::BAD_NUMBER);
    }
    let mut whole: u64 = 0;
    for &b in int {
        whole = (whole * 10 + (b - b'0') as u64).min(1000);
    }
    let frac_zero = frac.iter().all(|&b| b == b'0');
    let frac_half = !frac.is_empty() && frac[0] == b'5' && frac[1..].iter().all(|&b| b == b'0');
    let is_zero = whole == 0 && frac_zero;
    if negative && !is_zero {
        return Err(code::RATING_RANGE);
    }
    // Range first: "7.3" is out of range before it is off the half-star grid.
    let above = whole > 5 || (whole == 5 && !frac_zero);
    if above || is_zero {
        return Err(code::RATING_RANGE);
    }
    if frac_zero {
        Ok(whole as u32 * 2)
    } else if frac_half {
        Ok(whole as u32 * 2 + 1)
    } else {
        Err(code::RATING_STEP)
    }
}

/// Parses one non-blank line into (user, movie, half stars, time); `Err((code, column))`.
fn parse_row(line: &[u8], has_time: bool) -> Result<(u32, u32, u32, u32), (u32, u32)> {
    let fields = if has_time { 4 } else { 3 };
    let mut values = [0u64; 4];
    let mut rest = Some(line);
    let mut n = 0;
    while let Some(r) = rest {
        let (text, next) = next_field(r).map_err(|c| (c, n as u32))?;
        if n < fields {
            values[n] = match n {
                0 | 1 => parse_uint(text, MAX_ID, code::ID_RANGE),
                2 => parse_half_stars(text).map(|h| h as u64),
                _ => parse_uint(text, u32::MAX as u64, code::TIME_RANGE),
            }
            .map_err(|c| (c, n as u32))?;
        }
        n += 1;
        rest = next;
    }
    if n != fields {
        return Err((code::FIELD_COUNT, n as u32));
    }
    Ok((values[0] as u32, values[1] as u32, values[2] as u32, values[3] as u32))
}

/// Parses the lines of `input` into `out` starting at row `start`, until the
/// input ends, a row is bad, or the columns are full. `result` carries the
/// running maxima in and returns where parsing stopped.
pub fn parse(input: &[u8], has_time: bool, out: &mut Columns, start: usize, result: &mut ParseResult) {
    let capacity = out.users.len().min(out.movies.len()).min(out.ratings.len());
    let capacity = if has_time { capacity.min(out.times.len()) } else { capacity };
    let mut row = start;
    let mut pos = 0;
    result.rows = 0;
    result.lines = 0;
    result.blank = 0;
    result.code = code::OK;
    result.column = 0;
    while pos < input.len() {
        let mut eol = pos;
        while eol < input.len() && input[eol] != b'\n' {
            eol += 1;
        }
        let next = if eol < input.len() { eol + 1 } else { eol };
        let mut line = &input[pos..eol];
        if let Some((&b'\r', head)) = line.split_last() {
            line = head;
        }
        if line.iter().all(|&b| is_space(b)) {
            result.blank += 1;
        } else {
            if row >= capacity {
                result.code = code::FULL;
                break;
            }
            match parse_row(line, has_time) {
                Ok((user, movie, half, time)) => {
                    out.users[row] = user;
                    out.movies[row] = movie;
                    out.ratings[row] = half as f32 * 0.5;
                    if has_time {
                        out.times[row] = time;
                    }
                    result.max_user = result.max_user.max(user);
                    result.max_movie = result.max_movie.max(movie);
                    row += 1;
                }
                Err((c, column)) => {
                    result.code = c;
                    result.column = column;
                    break;
                }
            }
        }
        result.lines += 1;
        pos = next;
    }
    result.rows = (row - start) as u32;
    result.bytes = pos as u32;
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Out {
        users: Vec<u32>,
        movies: Vec<u32>,
        ratings: Vec<f32>,
        times: Vec<u32>,
    }

    impl Out {
        fn new(cap: usize) -> Out {
            Out { users: vec![0; cap], movies: vec![0; cap], ratings: vec![0.0; cap], times: vec![0; cap] }
        }
        fn columns(&mut self) -> Columns<'_> {
            Columns {
                users: &mut self.users,
                movies: &mut self.movies,
                ratings: &mut self.ratings,
                times: &mut self.times,
            }
        }
    }

    fn run(text: &str, has_time: bool, cap: usize) -> (ParseResult, Out) {
        let mut o = Out::new(cap);
        let mut r = ParseResult::default();
        parse(text.as_bytes(), has_time, &mut o.columns(), 0, &mut r);
        (r, o)
    }

    #[test]
    fn parses_rows_with_crlf_quotes_spaces_and_blank_lines() {
        let (r, o) = run("1,31,2.5,1260759144\r\n\n 1 ,\"1029\", 3.0 ,1260759179\n2,10,4,835355493", true, 8);
        assert_eq!(r.code, code::OK);
        assert_eq!((r.rows, r.lines, r.blank), (3, 4, 1));
        assert_eq!(&o.users[..3], &[1, 1, 2]);
        assert_eq!(&o.movies[..3], &[31, 1029, 10]);
        assert_eq!(&o.ratings[..3], &[2.5, 3.0, 4.0]);
        assert_eq!(&o.times[..3], &[1260759144, 1260759179, 835355493]);
        assert_eq!((r.max_user, r.max_movie), (2, 1029));
    }

    #[test]
    fn reports_the_code_line_and_column_of_a_bad_row() {
        let cases: &[(&str, u32, u32)] = &[
            ("1,2,3.5\n", code::FIELD_COUNT, 3),
            ("1,2,3.5,4,5\n", code::FIELD_COUNT, 5),
            ("x,2,3.5,4\n", code::BAD_NUMBER, 0),
            ("1,-2,3.5,4\n", code::ID_RANGE, 1),
            ("1,2147483648,3.5,4\n", code::ID_RANGE, 1),
            ("1,2,7.5,4\n", code::RATING_RANGE, 2),
            ("1,2,0,4\n", code::RATING_RANGE, 2),
            ("1,2,-1,4\n", code::RATING_RANGE, 2),
            ("1,2,3.25,4\n", code::RATING_STEP, 2),
            ("1,2,NaN,4\n", code::BAD_NUMBER, 2),
            ("1,2,3e0,4\n", code::BAD_NUMBER, 2),
            ("1,2,.,4\n", code::BAD_NUMBER, 2),
            ("1,2,3.5,-4\n", code::TIME_RANGE, 3),
            ("1,2,3.5,4294967296\n", code::TIME_RANGE, 3),
            ("1,\"2,3.5,4\n", code::QUOTE, 1),
            ("1,\"2\"x,3.5,4\n", code::QUOTE, 1),
            ("1,,3.5,4\n", code::BAD_NUMBER, 1),
        ];
        for &(text, c, column) in cases {
            let input = format!("5,6,1.0,7\n{}", text);
            let (r, _) = run(&input, true, 4);
            assert_eq!((r.code, r.column, r.rows, r.lines, r.bytes), (c, column, 1, 1, 10), "{text:?}");
        }
    }

    #[test]
    fn accepts_every_half_star_and_equivalent_spellings() {
        let (r, o) = run("1,1,.5\n1,1,0.50\n1,1,5.0\n1,1,05\n1,1,4.\n", false, 8);
        assert_eq!(r.code, code::OK);
        assert_eq!(&o.ratings[..5], &[0.5, 0.5, 5.0, 5.0, 4.0]);
        for half in 1..=10u32 {
            let text = format!("1,1,{}\n", half as f32 * 0.5);
            let (r, o) = run(&text, false, 1);
            assert_eq!((r.code, o.ratings[0]), (code::OK, half as f32 * 0.5));
        }
    }

    #[test]
    fn stops_when_full_and_resumes_from_the_reported_offset() {
        let input = "1,1,1,1\n2,2,2,2\n3,3,3,3\n";
        let (r, _) = run(input, true, 2);
        assert_eq!((r.code, r.rows, r.lines, r.bytes), (code::FULL, 2, 2, 16));
        let (r2, o2) = run(&input[r.bytes as usize..], true, 2);
        assert_eq!((r2.code, r2.rows, o2.users[0]), (code::OK, 1, 3));
    }

    /// A small seeded generator for the property test (xorshift64*).
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// One field as a person may write it: spaces or tabs around it, sometimes quoted.
    fn dress(g: &mut Gen, text: String) -> String {
        let pad = |g: &mut Gen| [" ", "", "\t", ""][g.below(4) as usize].to_string();
        let (a, b) = (pad(g), pad(g));
        if g.below(5) == 0 {
            format!("{a}\"{text}\"{b}")
        } else {
            format!("{a}{text}{b}")
        }
    }

    /// Property: for random well-formed rows (random ids, half-star ratings in every
    /// spelling, timestamps, spaces, quotes, CRLF, blank lines) the parser accepts
    /// every row with the values written, whatever the capacity it is given, and
    /// splitting the input at any line boundary into two calls gives the same rows.
    /// Random byte mutations of those rows never panic and never consume past the input.
    #[test]
    fn property_random_rows_parse_to_their_values_in_any_split_and_mutations_never_panic() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        for case in 0..2_000 {
            let n = 1 + g.below(12) as usize;
            let mut text = String::new();
            let mut want = Vec::new();
            for _ in 0..n {
                if g.below(8) == 0 {
                    text.push_str(if g.below(2) == 0 { "\n" } else { "\r\n" });
                }
                let (u, m) = (g.below(1 << 31) as u32, g.below(1 << 31) as u32);
                let halves = 1 + g.below(10) as u32;
                let t = g.next() as u32;
                let rating = match g.below(3) {
                    0 => format!("{}", halves as f32 / 2.0),
                    1 => format!("{:.1}", halves as f32 / 2.0),
                    _ => format!("{:.2}", halves as f32 / 2.0),
                };
                let fields = [u.to_string(), m.to_string(), rating, t.to_string()];
                let line: Vec<String> = fields.into_iter().map(|f| dress(&mut g, f)).collect();
                text.push_str(&line.join(","));
                text.push_str(if g.below(3) == 0 { "\r\n" } else { "\n" });
                want.push((u, m, halves as f32 / 2.0, t));
            }
            let (r, o) = run(&text, true, n);
            assert_eq!(r.code, code::OK, "case {case}: {text:?}");
            assert_eq!(r.rows as usize, n, "case {case}");
            for (i, w) in want.iter().enumerate() {
                assert_eq!((o.users[i], o.movies[i], o.ratings[i], o.times[i]), *w, "case {case} row {i}");
            }
            // Any split at a line boundary, parsed in two calls, gives the same rows.
            let cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
            let cut = cuts[g.below(cuts.len() as u64) as usize];
            let mut o2 = Out::new(n);
            let mut r2 = ParseResult::default();
            let mut cols = o2.columns();
            parse(&text.as_bytes()[..cut], true, &mut cols, 0, &mut r2);
            let first = r2.rows as usize;
            parse(&text.as_bytes()[cut..], true, &mut cols, first, &mut r2);
            assert_eq!(first + r2.rows as usize, n, "case {case}: split at {cut}");
            assert_eq!((&o2.users, &o2.ratings), (&o.users, &o.ratings), "case {case}: split at {cut}");
            // A capacity of one row at a time stops with FULL and resumes where it stopped.
            let (r1, _) = run(&text, true, 1);
            assert!(r1.code == code::FULL || n == 1, "case {case}");
            // Mutations: flip, insert or delete bytes; the parser must not panic or overrun.
            let mut bytes = text.into_bytes();
            for _ in 0..1 + g.below(4) {
                let at = g.below(bytes.len() as u64) as usize;
                match g.below(3) {
                    0 => bytes[at] = g.below(256) as u8,
                    1 => bytes.insert(at, b",\".-e x0".as_slice()[g.below(8) as usize]),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            let mut o3 = Out::new(n + 4);
            let mut r3 = ParseResult::default();
            let mut cols = o3.columns();
            parse(&bytes, true, &mut cols, 0, &mut r3);
            assert!(r3.bytes as usize <= bytes.len() && r3.rows as usize <= n + 4, "case {case}");
            for &rating in &o3.ratings[..r3.rows as usize] {
                assert!((0.5..=5.0).contains(&rating) && (rating * 2.0).fract() == 0.0, "case {case}: {rating}");
            }
        }
    }
}
