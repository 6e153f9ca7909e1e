/**
 * A deterministic generator of MovieLens-format data with a known answer.
 *
 * Ratings come from a hidden low-rank model: `μ + b_u + b_i + p_u·q_i` plus
 * Gaussian noise, rounded to half stars and clamped to [0.5, 5]. Movie
 * popularity follows a power law, every user rates at least 20 movies, and
 * each movie's genres follow its hidden factors, so metadata carries signal.
 * `generator.json` records the hidden noise level and the RMSE of the
 * noiseless model (the best a model can reach), so tests know the target.
 * TMDB-format files (tmdb_5000_movies.csv, tmdb_5000_credits.csv) are
 * written beside them, with metadata that carries part of each movie's
 * hidden factors and bias (see `generate_tmdb.ts`).
 *
 * @module
 */

import { ByteWriter, csvField } from "../util/_byte_writer.ts";
import { Rng } from "../util/_random.ts";
import { type GeneratedMovies, writeTmdb } from "./generate_tmdb.ts";

/** Options for {@link generateMovieLens}. */
export interface GenerateOptions {
  /** Directory to write ratings.csv, movies.csv, links.csv and generator.json to. */
  outDir: string;
  /** Number of ratings. Default: 200,000. */
  ratings?: number;
  /** Number of users. Default: 1,400. */
  users?: number;
  /** Number of movies. Default: 3,000. */
  movies?: number;
  /** Random seed. Default: 42. */
  seed?: number;
  /** Called now and then with the ratings written so far. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link generateMovieLens} wrote; also saved as generator.json. */
export interface GeneratorInfo {
  /** Format of this record. */
  format: "movie-recommender-generator/1";
  /** Options used. */
  seed: number;
  /** Number of ratings written. */
  ratings: number;
  /** Number of users (ids 1..users). */
  users: number;
  /** Number of movies. */
  movies: number;
  /** Rank of the hidden model. */
  rank: number;
  /** Standard deviation of the Gaussian noise added before rounding. */
  noiseSd: number;
  /** RMSE of the noiseless hidden model (clamped) against the written ratings: the floor to aim for. */
  oracleRmse: number;
  /** RMSE of always predicting the mean rating. */
  globalMeanRmse: number;
  /** Mean of the written ratings. */
  mean: number;
  /** Standard deviation of the written ratings. */
  sd: number;
}

/** Defaults of {@link GenerateOptions}, in one place. */
export const GENERATE_DEFAULTS = { ratings: 200_000, users: 700, movies: 1_000, seed: 42 } as const;

const RANK = 4;
const NOISE_SD = 0.8;
const MU = 3.52;
const MIN_PER_USER = 20;
const GENRES = [
  "Action",
  "Adventure",
  "Animation",
  "Children",
  "Comedy",
  "Crime",
  "Documentary",
  "Drama",
  "Fantasy",
  "Film-Noir",
  "Horror",
  "IMAX",
  "Musical",
  "Mystery",
  "Romance",
  "Sci-Fi",
  "Thriller",
  "War",
  "Western",
];
const ADJECTIVES = [
  "Silent",
  "Last",
  "Broken",
  "Golden",
  "Dark",
  "Secret",
  "Lost",
  "Wild",
  "Hidden",
  "Crimson",
  "Electric",
  "Frozen",
  "Forgotten",
  "Little",
  "Big",
  "Eternal",
];
const NOUNS = [
  "River",
  "City",
  "Night",
  "Garden",
  "Kingdom",
  "Road",
  "Summer",
  "Heart",
  "Machine",
  "Empire",
  "Island",
  "Promise",
  "Storm",
  "Letter",
  "Dream",
  "Mountain",
  "Shadow",
  "Voyage",
];
const FOREIGN = [
  "Cité perdue",
  "Amélie du Nord",
  "Niño de la Sierra",
  "Fräulein Müller",
  "Être et avoir été",
];

/**
 * Writes a MovieLens-format data set made from a hidden low-rank model
 * (`ratings.csv`, `movies.csv`, `links.csv`) with TMDB-format metadata that
 * follows the hidden factors (`tmdb_5000_movies.csv`, `tmdb_5000_credits.csv`),
 * deterministically from the seed. `generator.json` records the settings and
 * the best RMSE any model can reach (the noise floor).
 *
 * @param options The folder and the size; the defaults make the small set of the quick start.
 * @returns What was written, with the noise floor (`oracleRmse`).
 * @throws {RangeError} A size that cannot be generated, with the fix.
 *
 * @example A small set
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateMovieLens } from "../../mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const info = await generateMovieLens({ outDir: dir, ratings: 5_000, users: 100, movies: 200 });
 * assert.equal(info.ratings, 5_000);
 * const header = (await Deno.readTextFile(`${dir}/ratings.csv`)).split("\n")[0];
 * assert.equal(header, "userId,movieId,rating,timestamp");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function generateMovieLens(options: GenerateOptions): Promise<GeneratorInfo> {
  const nRatings = options.ratings ?? GENERATE_DEFAULTS.ratings;
  const nUsers = options.users ?? GENERATE_DEFAULTS.users;
  const nMovies = options.movies ?? GENERATE_DEFAULTS.movies;
  const seed = options.seed ?? GENERATE_DEFAULTS.seed;
  validate(nRatings, nUsers, nMovies, seed);
  const rng = new Rng(seed);
  await Deno.mkdir(options.outDir, { recursive: true });

  const movies = makeMovies(rng, nMovies);
  const counts = userCounts(rng, nRatings, nUsers, nMovies);
  const { cdf, byRank } = popularity(rng, nMovies);

  const file = await Deno.open(`${options.outDir}/ratings.csv`, {
    write: true,
    create: true,
    truncate: true,
  });
  const stats = { sum: 0, sumSq: 0, oracleSq: 0 };
  try {
    const w = new ByteWriter(file);
    await w.text("userId,movieId,rating,timestamp\n");
    const stamp = new Int32Array(nMovies).fill(-1);
    const p = new Float64Array(RANK);
    let done = 0;
    for (let u = 0; u < nUsers; u++) {
      const picks = pickMovies(rng, counts[u], u, cdf, byRank, stamp);
      picks.sort();
      for (let j = 0; j < RANK; j++) p[j] = rng.normal() * FACTOR_SD;
      const bu = rng.normal() * 0.4;
      const t0 = 946684800 + rng.int(15 * 365 * 86400);
      for (let n = 0; n < picks.length; n++) {
        const m = picks[n];
        let dot = 0;
        for (let j = 0; j < RANK; j++) dot += p[j] * movies.factors[m * RANK + j];
        const truth = MU + bu + movies.bias[m] + dot;
        const half = Math.min(10, Math.max(1, Math.round((truth + rng.normal() * NOISE_SD) * 2)));
        const rating = half / 2;
        const oracle = Math.min(5, Math.max(0.5, truth));
        stats.sum += rating;
        stats.sumSq += rating * rating;
        stats.oracleSq += (rating - oracle) ** 2;
        const time = t0 + Math.floor(rng.float() ** 2 * 3 * 365 * 86400);
        if (!w.fits(64)) await w.flush();
        w.uint(u + 1);
        w.byte(44);
        w.uint(movies.ids[m]);
        w.byte(44);
        w.uint(half >> 1);
        w.byte(46);
        w.byte(half & 1 ? 53 : 48);
        w.byte(44);
        w.uint(time);
        w.byte(10);
      }
      done += picks.length;
      if (u % 256 === 255) options.onProgress?.(done, nRatings);
    }
    await w.flush();
    options.onProgress?.(done, nRatings);
  } finally {
    file.close();
  }
  await writeMovies(options.outDir, movies, rng);
  await writeTmdb(options.outDir, movies, byRank, seed, RANK, FACTOR_SD);

  const mean = stats.sum / nRatings;
  const variance = stats.sumSq / nRatings - mean * mean;
  const info: GeneratorInfo = {
    format: "movie-recommender-generator/1",
    seed,
    ratings: nRatings,
    users: nUsers,
    movies: nMovies,
    rank: RANK,
    noiseSd: NOISE_SD,
    oracleRmse: Math.sqrt(stats.oracleSq / nRatings),
    globalMeanRmse: Math.sqrt(variance),
    mean,
    sd: Math.sqrt(variance),
  };
  await Deno.writeTextFile(`${options.outDir}/generator.json`, JSON.stringify(info, null, 2) + "\n");
  return info;
}

/** Per-component standard deviation of the hidden factors: p·q has sd ≈ 0.55. */
const FACTOR_SD = Math.pow(0.3 / RANK, 0.25);

function validate(nRatings: number, nUsers: number, nMovies: number, seed: number): void {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) {
      throw new RangeError(`Cannot generate data with ${name} "${v}": expected an integer ≥ ${min}`);
    }
  };
  int("users", nUsers, 1);
  int("movies", nMovies, MIN_PER_USER * 2);
  int("ratings", nRatings, MIN_PER_USER * nUsers);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot generate data with seed "${seed}": expected an integer`);
  }
  const most = Math.floor(nUsers * maxPerUser(nMovies));
  if (nRatings > most) {
    throw new RangeError(
      `Cannot generate ${nRatings} ratings for ${nUsers} users and ${nMovies} movies: at most ${most} fit (40% of movies per user); add --users or --movies`,
    );
  }
  if (nRatings > 0x7fffffff) {
    throw new RangeError(`Cannot generate ${nRatings} ratings: the limit is 2147483647`);
  }
}

function maxPerUser(nMovies: number): number {
  return Math.max(MIN_PER_USER, Math.floor(nMovies * 0.4));
}

type Movies = GeneratedMovies;

function makeMovies(rng: Rng, n: number): Movies {
  const ids = new Int32Array(n);
  const factors = new Float64Array(n * RANK);
  const bias = new Float64Array(n);
  const titles: string[] = [];
  const genres: string[] = [];
  const directions = GENRES.map(() => Array.from({ length: RANK }, () => rng.normal()));
  const used = new Set<string>();
  let id = 0;
  for (let m = 0; m < n; m++) {
    id += 1 + (rng.float() < 0.2 ? rng.int(20) : 0);
    ids[m] = id;
    for (let j = 0; j < RANK; j++) factors[m * RANK + j] = rng.normal() * FACTOR_SD;
    bias[m] = rng.normal() * 0.45;
    const year = 1915 + Math.floor(100 * Math.sqrt(rng.float()));
    titles.push(`${makeTitle(rng, used)} (${year})`);
    genres.push(pickGenres(rng, factors.subarray(m * RANK, (m + 1) * RANK), directions));
  }
  return { ids, factors, bias, titles, genres };
}

/** A title unique within the data set, MovieLens style ("Road, The" for "The Road"). */
function makeTitle(rng: Rng, used: Set<string>): string {
  for (let attempt = 0;; attempt++) {
    const adj = ADJECTIVES[rng.int(ADJECTIVES.length)];
    const noun = NOUNS[rng.int(NOUNS.length)];
    const other = NOUNS[rng.int(NOUNS.length)];
    const roll = rng.float();
    let title: string;
    if (roll < 0.25) title = `The ${adj} ${noun}`;
    else if (roll < 0.3) title = `A ${noun} for ${other}`;
    else if (roll < 0.35) title = `${FOREIGN[rng.int(FOREIGN.length)]} ${noun.toLowerCase()}`;
    else if (roll < 0.45) title = `${adj} ${noun}: The ${other}`;
    else if (roll < 0.5) title = `"${noun}" and ${adj} ${other}`;
    else if (roll < 0.6) title = `${noun}, ${other} and ${noun === "Night" ? "Day" : "Night"}`;
    else title = `${adj} ${noun} of the ${other}`;
    if (attempt > 3) title += ` ${["II", "III", "IV", "V", "VI", "VII"][rng.int(6)]}`;
    if (attempt > 10) title += ` ${attempt}`;
    if (used.has(title)) continue;
    used.add(title);
    return title.replace(/^(The|A) (.*)$/, "$2, $1");
  }
}

function pickGenres(rng: Rng, q: Float64Array, directions: number[][]): string {
  if (rng.float() < 0.002) return "(no genres listed)";
  const scores = directions.map((d, g) => {
    let s = 0;
    for (let j = 0; j < RANK; j++) s += d[j] * q[j];
    return { g, s: s / FACTOR_SD + rng.normal() * 0.7 };
  });
  scores.sort((a, b) => b.s - a.s);
  const k = 1 + Math.min(3, Math.floor(-Math.log(1 - rng.float()) * 1.2));
  return scores.slice(0, k).map((x) => GENRES[x.g]).sort().join("|");
}

/** Ratings per user: at least 20, heavy-tailed, summing exactly to `total`. */
function userCounts(rng: Rng, total: number, nUsers: number, nMovies: number): Int32Array {
  const cap = maxPerUser(nMovies);
  const weights = Float64Array.from({ length: nUsers }, () => Math.exp(rng.normal() * 1.2));
  const counts = new Int32Array(nUsers).fill(MIN_PER_USER);
  let left = total - MIN_PER_USER * nUsers;
  while (left > 0) {
    let open = 0;
    for (let u = 0; u < nUsers; u++) if (counts[u] < cap) open += weights[u];
    const before = left;
    for (let u = 0; u < nUsers && left > 0; u++) {
      if (counts[u] >= cap) continue;
      const add = Math.min(cap - counts[u], left, Math.floor((before * weights[u]) / open));
      counts[u] += add;
      left -= add;
    }
    for (let u = 0; left > 0 && u < nUsers && left === before; u++) {
      if (counts[u] < cap) {
        counts[u]++;
        left--;
      }
    }
  }
  return counts;
}

/** Power-law popularity over a random order of movies: cumulative weights and rank → movie. */
function popularity(rng: Rng, n: number): { cdf: Float64Array; byRank: Int32Array } {
  const byRank = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [byRank[i], byRank[j]] = [byRank[j], byRank[i]];
  }
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let r = 0; r < n; r++) {
    acc += 1 / Math.pow(r + 10, 1.05);
    cdf[r] = acc;
  }
  return { cdf, byRank };
}

/** Draws `count` distinct movies by popularity; falls back to uniform picks when rejections pile up. */
function pickMovies(
  rng: Rng,
  count: number,
  user: number,
  cdf: Float64Array,
  byRank: Int32Array,
  stamp: Int32Array,
): Int32Array {
  const picks = new Int32Array(count);
  const total = cdf[cdf.length - 1];
  let n = 0, attempts = 0;
  while (n < count && attempts < count * 20) {
    attempts++;
    const x = rng.float() * total;
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    const m = byRank[lo];
    if (stamp[m] === user) continue;
    stamp[m] = user;
    picks[n++] = m;
  }
  while (n < count) {
    const m = rng.int(stamp.length);
    if (stamp[m] === user) continue;
    stamp[m] = user;
    picks[n++] = m;
  }
  return picks;
}

async function writeMovies(outDir: string, movies: Movies, rng: Rng): Promise<void> {
  const moviesCsv = ["movieId,title,genres"];
  const links = ["movieId,imdbId,tmdbId"];
  for (let m = 0; m < movies.ids.length; m++) {
    const id = movies.ids[m];
    moviesCsv.push(`${id},${csvField(movies.titles[m])},${csvField(movies.genres[m])}`);
    const imdb = String(100000 + id * 7).padStart(7, "0");
    const tmdb = rng.float() < 0.01 ? "" : String(10000 + id);
    links.push(`${id},${imdb},${tmdb}`);
  }
  await Deno.writeTextFile(`${outDir}/movies.csv`, moviesCsv.join("\n") + "\n");
  await Deno.writeTextFile(`${outDir}/links.csv`, links.join("\n") + "\n");
}
