/**
 * Movie features from TMDB metadata, as a sparse matrix (CSR, one row per
 * TMDB movie) with named columns.
 *
 * Column groups, in this order (names are `group=value`):
 * - `genre=` every genre (multi-hot);
 * - `keyword=`, `cast=` (the first {@link FeatureOptions.topCast} by billing
 *   order), `director=`, `writer=`, `composer=`, `company=`, `country=`,
 *   `language=` — each a vocabulary of values seen at least `minCount` times;
 * - `year=` decade buckets and `runtime=` buckets (with `unknown`);
 * - `num=` log popularity, vote average, log vote count, log budget, log
 *   revenue, standardised over the movies;
 * - `overview#` the overview's words hashed into buckets (term frequency).
 * Within a group, values are scaled so the group has unit length in each row
 * (a movie with 20 keywords does not outweigh one with 3); vocabularies are
 * sorted by name, so the same input gives the same columns.
 *
 * @module
 */

import type { TmdbMovie } from "./tmdb.ts";

/** Options of {@link encodeFeatures}. */
export interface FeatureOptions {
  /** Minimum count for a vocabulary value to get a column. Default: see {@link FEATURE_DEFAULTS}. */
  minCount?: Partial<Record<VocabGroup, number>>;
  /** Cast members used per movie, by billing order. Default: 5. */
  topCast?: number;
  /** Hash buckets for overview words. Default: 256. */
  overviewBuckets?: number;
}

/** Groups with a vocabulary. */
export type VocabGroup =
  | "keyword"
  | "cast"
  | "director"
  | "writer"
  | "composer"
  | "company"
  | "country"
  | "language";

/** Defaults of {@link FeatureOptions}, in one place. */
export const FEATURE_DEFAULTS = {
  minCount: {
    keyword: 5,
    cast: 3,
    director: 2,
    writer: 2,
    composer: 2,
    company: 5,
    country: 3,
    language: 3,
  } as Record<VocabGroup, number>,
  topCast: 5,
  overviewBuckets: 256,
};

/** A sparse feature matrix with named columns. */
export interface FeatureMatrix {
  /** Column names, in order. */
  columns: string[];
  /** TMDB id of each row. */
  tmdbIds: number[];
  /** Row r's entries are `indptr[r] .. indptr[r + 1]`. */
  indptr: Uint32Array;
  /** Column of each entry. */
  indices: Uint32Array;
  /** Value of each entry. */
  values: Float32Array;
}

const WRITER_JOBS = new Set(["Screenplay", "Writer", "Story", "Novel", "Author"]);
const COMPOSER_JOBS = new Set(["Original Music Composer", "Music", "Composer"]);
const STOP = new Set(
  "the and for with his her their from into that this who when where while after before about they them are was were has have had its but not you your our out one two"
    .split(" "),
);
const RUNTIME_BUCKETS = ["<90", "90-109", "110-129", "130-149", "150+", "unknown"];
const NUMERIC = ["log_popularity", "vote_average", "log_vote_count", "log_budget", "log_revenue"];

function vocabValues(m: TmdbMovie, group: VocabGroup, topCast: number): string[] {
  switch (group) {
    case "keyword":
      return m.keywords;
    case "cast":
      return m.cast.slice(0, topCast);
    case "director":
      return m.crew.filter((c) => c.job === "Director").map((c) => c.name);
    case "writer":
      return m.crew.filter((c) => WRITER_JOBS.has(c.job)).map((c) => c.name);
    case "composer":
      return m.crew.filter((c) => COMPOSER_JOBS.has(c.job)).map((c) => c.name);
    case "company":
      return m.companies;
    case "country":
      return m.countries;
    case "language":
      return m.language ? [m.language] : [];
  }
}

function runtimeBucket(runtime: number | null): string {
  if (runtime === null) return "unknown";
  if (runtime < 90) return "<90";
  if (runtime < 110) return "90-109";
  if (runtime < 130) return "110-129";
  if (runtime < 150) return "130-149";
  return "150+";
}

/** FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lower-case words of three or more letters, accents removed, minus a few stop words. */
export function overviewTokens(text: string): string[] {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOP.has(w));
}

/** Encodes movies as features; see the module doc. */
export function encodeFeatures(movies: readonly TmdbMovie[], options: FeatureOptions = {}): FeatureMatrix {
  const minCount = { ...FEATURE_DEFAULTS.minCount, ...options.minCount };
  const topCast = options.topCast ?? FEATURE_DEFAULTS.topCast;
  const buckets = options.overviewBuckets ?? FEATURE_DEFAULTS.overviewBuckets;
  const columns: string[] = [];
  const index = new Map<string, number>();
  const add = (name: string) => {
    index.set(name, columns.length);
    columns.push(name);
  };

  const genres = new Set<string>();
  for (const m of movies) for (const g of m.genres) genres.add(g);
  for (const g of [...genres].sort()) add(`genre=${g}`);
  const groups = Object.keys(FEATURE_DEFAULTS.minCount) as VocabGroup[];
  for (const group of groups) {
    const counts = new Map<string, number>();
    for (const m of movies) {
      for (const v of new Set(vocabValues(m, group, topCast))) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const kept = [...counts].filter(([, c]) => c >= minCount[group]).map(([v]) => v).sort();
    for (const v of kept) add(`${group}=${v}`);
  }
  for (let decade = 1910; decade <= 2020; decade += 10) add(`year=${decade}s`);
  add("year=unknown");
  for (const b of RUNTIME_BUCKETS) add(`runtime=${b}`);
  for (const n of NUMERIC) add(`num=${n}`);
  for (let b = 0; b < buckets; b++) add(`overview#${b}`);

  const raw = movies.map((m) => [
    Math.log1p(Math.max(0, m.popularity)),
    m.voteAverage,
    Math.log1p(Math.max(0, m.voteCount)),
    Math.log1p(Math.max(0, m.budget)),
    Math.log1p(Math.max(0, m.revenue)),
  ]);
  const stats = NUMERIC.map((_, j) => {
    const xs = raw.map((r) => r[j]);
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length)) || 1;
    return { mean, sd };
  });

  const indptr = new Uint32Array(movies.length + 1);
  const idx: number[] = [], val: number[] = [];
  const pushGroup = (names: Iterable<string>) => {
    const cols = [
      ...new Set([...names].map((n) => index.get(n)).filter((c): c is number => c !== undefined)),
    ];
    const w = cols.length ? 1 / Math.sqrt(cols.length) : 0;
    for (const c of cols.sort((a, b) => a - b)) {
      idx.push(c);
      val.push(w);
    }
  };
  movies.forEach((m, r) => {
    pushGroup(m.genres.map((g) => `genre=${g}`));
    for (const group of groups) pushGroup(vocabValues(m, group, topCast).map((v) => `${group}=${v}`));
    pushGroup([
      m.year === null
        ? "year=unknown"
        : `year=${Math.min(2020, Math.max(1910, Math.floor(m.year / 10) * 10))}s`,
    ]);
    pushGroup([`runtime=${runtimeBucket(m.runtime)}`]);
    const first = index.get(`num=${NUMERIC[0]}`)!;
    NUMERIC.forEach((_, j) => {
      idx.push(first + j);
      val.push((raw[r][j] - stats[j].mean) / stats[j].sd / Math.sqrt(NUMERIC.length));
    });
    const tf = new Map<number, number>();
    for (const w of overviewTokens(m.overview)) {
      const b = fnv1a(w) % buckets;
      tf.set(b, (tf.get(b) ?? 0) + 1);
    }
    const norm = Math.sqrt([...tf.values()].reduce((a, b) => a + b * b, 0)) || 1;
    const base = index.get("overview#0")!;
    for (const [b, count] of [...tf].sort((a, b) => a[0] - b[0])) {
      idx.push(base + b);
      val.push(count / norm);
    }
    indptr[r + 1] = idx.length;
  });
  return {
    columns,
    tmdbIds: movies.map((m) => m.id),
    indptr,
    indices: Uint32Array.from(idx),
    values: Float32Array.from(val),
  };
}
