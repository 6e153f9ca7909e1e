/**
 * The trained model as a recommender: predict a user's rating of a movie
 * (found by id or by a partial title), recommend movies, find similar movies,
 * and fold in a new user from a few ratings. `load.ts` builds one from a model
 * file; `fit` in `lib/api.ts` from ratings in memory.
 *
 * @module
 */

import { indexOfSorted } from "../util/_io.ts";
import type { RatingStats } from "../train/checkpoint.ts";
import { UnknownMovieError, UnknownUserError } from "./errors.ts";
import type { PmfModel } from "../model/model.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import type { Movie, MovieCatalogue } from "../ingest/movies.ts";
import { type History, historyRatings } from "./_history.ts";
import {
  modelUser,
  mostSimilar,
  MovieVectors,
  predictMovie,
  type ScoredUser,
  topMovies,
} from "./recommend.ts";
import { MovieSearch } from "./search.ts";
import type { Ranker } from "./ranker.ts";
import { WorkerPool } from "../core/pool.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";
import { interval90, predictiveSd, type RowVariances } from "../model/uncertainty.ts";

/** A movie, the way results show it. */
export interface MovieInfo {
  /** MovieLens movieId. */
  movieId: number;
  /** Title with its article first. */
  title: string;
  /** Release year, or null. */
  year: number | null;
  /** Genres. */
  genres: string[];
}

/** A predicted rating with its context. */
export interface Prediction extends MovieInfo {
  /** The user, or null for a folded-in user. */
  userId: number | null;
  /** Predicted rating, 0.5–5. */
  rating: number;
  /** True when TMDB metadata went into the prediction. */
  usedMetadata: boolean;
  /** True when the movie had no training ratings (predicted from biases and metadata). */
  coldStart: boolean;
  /** True when the movie has no ratings at all and the prediction comes from its TMDB metadata alone. */
  metadataOnly: boolean;
  /** The user's mean rating, or null when the ratings file is not available. */
  userMean: number | null;
  /** The movie's mean rating, or null. */
  movieMean: number | null;
  /** The user's own rating of this movie when they rated it (and the ratings are loaded), else null. */
  actualRating: number | null;
  /**
   * A Bayesian PMF model (`train --method bpmf`): the predictive standard deviation (the rows' posterior
   * uncertainty and the noise; for a folded-in user, the movie's and the noise).
   */
  sd?: number;
  /** With `sd`: the central 90% predictive interval, within 0.5–5. */
  interval?: [number, number];
  /** For a title: what it matched; `exact` false when it was partial or ambiguous, with the next candidates. */
  match?: TitleMatch;
}

/** How a title given by the user was resolved. */
export interface TitleMatch {
  /** The text asked for. */
  query: string;
  /** True when the text named this movie exactly and no other movie as well. */
  exact: boolean;
  /** The next best candidates, best first (at most 4). */
  alternatives: MovieInfo[];
}

/** A recommended movie with the user's predicted rating of it (the same key as in a {@link Prediction}). */
export interface RecommendedMovie extends MovieInfo {
  /** Place in the list, from 1. */
  rank: number;
  /** Predicted rating, 0.5–5 (the rating model's). */
  rating: number;
  /**
   * What the list is ordered by: the ranking model's score (about 1 for the
   * kind of movie the user rates and likes) when the model has one, else the
   * rating model's unclamped score.
   */
  score: number;
  /** Ratings of the movie in the training data. */
  ratings: number;
  /**
   * Why, with a ranking model: the movie the user liked (rated 4 or more, else
   * their best rated) that is most like this one, and their rating of it; null
   * when their ratings are not loaded or there is no ranking model.
   */
  because: (MovieInfo & { rating: number }) | null;
}

/** Options of {@link Recommender.recommend}. */
export interface RecommendOptions {
  /** Leave out the movies the user rated. Default: true. */
  filterRated?: boolean;
  /** Leave out movies with fewer ratings than this. Default: 0. */
  minRatings?: number;
  /** Use TMDB metadata for the predicted ratings when the model has it. Default: true. */
  useMetadata?: boolean;
  /** "ranking" (the ranking model; the default when the model has one) or "rating" (by predicted rating). */
  by?: "ranking" | "rating";
}

/** A movie like another, with the cosine similarity of their learned vectors. */
export interface SimilarMovie extends MovieInfo {
  /** Cosine similarity, −1–1. */
  similarity: number;
}

/** A movie given by MovieLens id or by (part of) its title. */
export type MovieRef = number | string;

/** Options of {@link Recommender.predictRating}. */
export interface PredictOptions {
  /** The user's MovieLens id. */
  userId: number;
  /** The movie's MovieLens id (or give `movieTitle`). */
  movieId?: number;
  /** A title or part of one (or give `movieId`). */
  movieTitle?: string;
  /** Use TMDB metadata when the model has it. Default: true. */
  useMetadata?: boolean;
}

/** A user folded in from a few ratings. */
export interface FoldedUser {
  /** The user's factors. */
  factors: Float32Array;
  /** The user's bias. */
  bias: number;
  /** Movies the user rated (model indices). */
  rated: Set<number>;
  /** The user's ratings by model index. */
  ratings: Map<number, number>;
  /** The user's row of the ranking model, when the model has one. */
  ranking: Float32Array | null;
}

/** Options of {@link Recommender.predictFor}: a movie, and whether to use metadata. */
export type PredictForOptions = Omit<PredictOptions, "userId">;

/**
 * A trained model ready to answer questions: predict a rating, recommend
 * movies, find similar movies, fold in a new user from a few ratings. Get one
 * from `loadModel` (a model file) or `fit` (ratings in memory); release it
 * with `close()` or `using`. The numeric work runs in the WebAssembly core.
 *
 * @example Ask a fitted model
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit } from "../../mod.ts";
 *
 * const ratings = [];
 * for (let userId = 1; userId <= 40; userId++) {
 *   for (let movieId = 1; movieId <= 30; movieId++) {
 *     if ((userId + movieId) % 3 !== 0) ratings.push({ userId, movieId, rating: movieId % 2 ? 5 : 1 });
 *   }
 * }
 * using rec = await fit(ratings, { k: 8, epochs: 60, seed: 1 });
 * const top = rec.recommend(1, 3);
 * assert.ok(top.every((m) => m.movieId % 2 === 1), "odd movies for a lover of odd movies");
 * const newcomer = rec.foldInUser([{ movie: 1, rating: 5 }, { movie: 2, rating: 1 }]);
 * assert.ok(rec.recommendFor(newcomer, 3).every((m) => m.movieId % 2 === 1));
 * ```
 */
export class Recommender implements Disposable {
  #model: PmfModel;
  /** True when the model has a metadata projection and its features are loaded. */
  readonly hasMetadata: boolean;
  #catalogue: MovieCatalogue;
  #core: WasmCore;
  #features: MovieFeatures | null;
  #withMeta: MovieVectors;
  #withoutMeta: MovieVectors | null;
  /** One float for single predictions. */
  #scratch: CoreArray<Float32Array>;
  #search: MovieSearch;
  #history: History | null;
  #movieStats: { sum: Float64Array; count: Uint32Array } | null;
  #stats: RatingStats | null;
  /** The ranking model, once loaded; `#loadRanker` loads it on first use. */
  #rankerLoaded: Ranker | null = null;
  #loadRanker: (() => Ranker) | null = null;
  /** Catalogue movies with features and no ratings (predicted from metadata alone): ids, and id → row. */
  #coldIds: Uint32Array;
  #coldIndex = new Map<number, number>();
  #uncertainty: RowVariances | null;

  /** Use {@link loadRecommender}. */
  constructor(
    core: WasmCore,
    model: PmfModel,
    catalogue: MovieCatalogue,
    features: MovieFeatures | null,
    history: History | null,
    stats: RatingStats | null = null,
    ranker: Ranker | (() => Ranker) | null = null,
    coldIds: Uint32Array = new Uint32Array(0),
    uncertainty: RowVariances | null = null,
  ) {
    this.#uncertainty = uncertainty;
    if (typeof ranker === "function") this.#loadRanker = ranker;
    else this.#rankerLoaded = ranker;
    this.#coldIds = coldIds;
    coldIds.forEach((id, j) => this.#coldIndex.set(id, model.nMovies + j));
    this.#core = core;
    this.#model = model;
    this.#catalogue = catalogue;
    this.#features = features;
    this.hasMetadata = !!(model.meta && features);
    this.#withMeta = new MovieVectors(core, model, features, features !== null);
    // A model sampled with features keeps part of every movie's row in W·f: it has no form without them.
    this.#withoutMeta = model.meta && !uncertainty?.prior
      ? new MovieVectors(core, model, features, false)
      : null;
    this.#scratch = core.allocArray(Float32Array, 1);
    this.#history = history;
    this.#movieStats = null;
    this.#stats = stats;
    if (history && !stats && historyRatings(history)) {
      const sum = new Float64Array(model.nMovies), count = new Uint32Array(model.nMovies);
      for (let i = 0; i < history.movies.length; i++) {
        sum[history.movies[i]] += history.ratings![i];
        count[history.movies[i]]++;
      }
      this.#movieStats = { sum, count };
    }
    const known = catalogue.movies.filter((m) => this.#movieIndex(m.movieId) >= 0);
    this.#search = new MovieSearch(
      known,
      (m) => this.#ratingCount(this.#movieIndex(m.movieId)),
      (m) => catalogue.keysOf(m),
    );
  }

  /** MovieLens ids of the model's users, increasing. */
  get userIds(): Uint32Array {
    return this.#model.userIds;
  }

  /** MovieLens ids of the model's movies, increasing. */
  get movieIds(): Uint32Array {
    return this.#model.movieIds;
  }

  /**
   * How many movies a user rated in the loaded ratings, or null when the
   * ratings are not available.
   *
   * @throws {UnknownUserError} The user is not in the model.
   */
  userRatingCount(userId: number): number | null {
    const u = this.#userIndex(userId), h = this.#history;
    return h ? h.offsets[u + 1] - h.offsets[u] : null;
  }

  /** True when the model has a ranking model (recommendations are ordered by it). */
  get hasRanking(): boolean {
    return this.#rankerLoaded !== null || this.#loadRanker !== null;
  }

  /** The ranking model (read from the model file on first use), or null. */
  get #ranker(): Ranker | null {
    if (!this.#rankerLoaded && this.#loadRanker) {
      this.#rankerLoaded = this.#loadRanker();
      this.#loadRanker = null;
    }
    return this.#rankerLoaded;
  }

  /** Number of latent factors (k). */
  get factors(): number {
    return this.#model.k;
  }

  /**
   * A movie given by id or (part of) its title.
   *
   * @param movie A MovieLens movieId, or a title or part of one.
   * @returns Its id, title, year and genres.
   * @throws {UnknownMovieError} No movie fits; the closest titles are its `suggestions`.
   */
  movie(movie: MovieRef): MovieInfo {
    return this.#info(this.#resolveMovie(movie));
  }

  #ratingCount(m: number): number {
    return this.#stats?.movieCount[m] ?? this.#movieStats?.count[m] ?? 0;
  }

  #movieMean(m: number): number | null {
    if (this.#stats) return this.#stats.movieCount[m] ? this.#stats.movieMean[m] : null;
    return this.#movieStats?.count[m] ? this.#movieStats.sum[m] / this.#movieStats.count[m] : null;
  }

  /** A movie's row: the model's movies, then the movies known from their metadata alone; -1 if neither. */
  #movieIndex(movieId: number): number {
    const i = indexOfSorted(this.#model.movieIds, movieId);
    return i >= 0 ? i : this.#coldIndex.get(movieId) ?? -1;
  }

  #userIndex(userId: number): number {
    const u = indexOfSorted(this.#model.userIds, userId);
    if (u < 0) {
      const ids = this.#model.userIds;
      throw new UnknownUserError(userId, ids[0], ids[ids.length - 1], ids.length);
    }
    return u;
  }

  #info(index: number): MovieInfo {
    const n = this.#model.nMovies;
    const movieId = index < n ? this.#model.movieIds[index] : this.#coldIds[index - n];
    const m = this.#catalogue.byId(movieId);
    return { movieId, title: m?.title ?? `Movie ${movieId}`, year: m?.year ?? null, genres: m?.genres ?? [] };
  }

  /**
   * Movies whose title matches `query`, best first: exact, then prefix, word
   * prefixes, substring and similar spelling; case, accents and leading
   * articles are ignored, and a year in parentheses filters.
   *
   * @param query Part of a title, optionally with "(year)".
   * @param limit Most movies to return. Default: 10.
   * @returns The matching catalogue entries.
   */
  search(query: string, limit = 10): Movie[] {
    return this.#search.search(query, limit).map((h) => h.movie);
  }

  /** The model index of a movie given by id or title; throws {@link UnknownMovieError}. */
  #resolveMovie(movie: MovieRef): number {
    return this.#resolveWithMatch(movie).index;
  }

  /** The model index of a movie given by id or title, and for a title how it matched. */
  #resolveWithMatch(movie: MovieRef): { index: number; match?: TitleMatch } {
    if (typeof movie === "number") {
      const i = this.#movieIndex(movie);
      if (i < 0) throw new UnknownMovieError(String(movie), []);
      return { index: i };
    }
    const hits = this.#search.search(movie, 5);
    if (hits.length && hits[0].score >= 50) {
      const exact = hits[0].score === 100 && !(hits[1]?.score >= 80);
      const alternatives = hits.slice(1).map((h) => this.#info(this.#movieIndex(h.movie.movieId)));
      return { index: this.#movieIndex(hits[0].movie.movieId), match: { query: movie, exact, alternatives } };
    }
    const titles = hits.map((h) => (h.movie.year ? `${h.movie.title} (${h.movie.year})` : h.movie.title));
    throw new UnknownMovieError(movie, titles);
  }

  /**
   * Predicts the rating a user would give a movie, clamped to 0.5–5.
   *
   * @param options The user's id and the movie's id or title.
   * @returns The rating with the movie, whether metadata was used, and the user's and movie's means.
   * @throws {UnknownUserError} The user is not in the model (the message gives the valid range).
   * @throws {UnknownMovieError} No movie fits the id or title; the closest titles are its `suggestions`.
   */
  predictRating(options: PredictOptions): Prediction {
    const u = this.#userIndex(options.userId);
    const s = this.#model.stride;
    return this.#predict(modelUser(this.#model, u), options, {
      userId: options.userId,
      userMean: this.#userMean(u),
      actualRating: (m) => this.#actualRating(u, m),
      row: { index: u, factors: this.#model.p.view.subarray(u * s, (u + 1) * s) },
    });
  }

  /**
   * Predicts the rating a folded-in user would give a movie, clamped to 0.5–5.
   *
   * @param user A user from {@link Recommender.foldInUser}.
   * @param options The movie's id or title, and whether to use metadata.
   * @returns The rating with the movie; `userId` is null, and `actualRating` is the user's own rating when they gave one.
   * @throws {UnknownMovieError} No movie fits the id or title.
   */
  predictFor(user: FoldedUser, options: PredictForOptions): Prediction {
    using factors = this.#core.allocArray(Float32Array, this.#model.k);
    factors.view.set(user.factors);
    let sum = 0;
    for (const r of user.ratings.values()) sum += r;
    return this.#predict({ factors: factors.ptr, bias: user.bias }, options, {
      userId: null,
      userMean: user.ratings.size ? sum / user.ratings.size : null,
      actualRating: (m) => user.ratings.get(m) ?? null,
      row: { index: -1, factors: user.factors },
    });
  }

  #predict(
    who: ScoredUser,
    options: PredictForOptions,
    about: {
      userId: number | null;
      userMean: number | null;
      actualRating: (m: number) => number | null;
      /** The user's row in the model (-1 when folded in) and factors, for the uncertainty. */
      row: { index: number; factors: Float32Array };
    },
  ): Prediction {
    const ref = options.movieId ?? options.movieTitle;
    if (ref === undefined) throw new TypeError("Cannot predict: give movieId or movieTitle");
    const { index: m, match } = this.#resolveWithMatch(ref);
    // A movie without ratings has nothing but its metadata.
    const cold = m >= this.#model.nMovies;
    const useMeta = ((options.useMetadata ?? true) || cold || !this.#withoutMeta) && this.hasMetadata;
    const vectors = useMeta || !this.#withoutMeta ? this.#withMeta : this.#withoutMeta;
    const rating = predictMovie(this.#core, this.#model, vectors, who, m, this.#scratch);
    const q = this.#model.q.view.subarray(m * this.#model.stride, (m + 1) * this.#model.stride);
    return {
      ...this.#info(m),
      userId: about.userId,
      rating,
      usedMetadata: useMeta,
      coldStart: !q.some((x) => x !== 0),
      metadataOnly: cold && useMeta,
      userMean: about.userMean,
      movieMean: this.#movieMean(m),
      actualRating: about.actualRating(m),
      ...this.#uncertaintyOf(about.row, m, rating, vectors),
      ...(match ? { match } : {}),
    };
  }

  /** `sd` and `interval` of a prediction of a Bayesian PMF model (nothing for other models). */
  #uncertaintyOf(
    row: { index: number; factors: Float32Array },
    m: number,
    rating: number,
    vectors: MovieVectors,
  ): Pick<Prediction, "sd" | "interval"> {
    const v = this.#uncertainty;
    if (!v) return {};
    const s = this.#model.stride;
    const sd = predictiveSd(v, row.factors, 0, vectors.vectors.view, m * s, this.#model.k, row.index, m, s);
    return Number.isFinite(sd) ? { sd, interval: interval90(rating, sd) } : {};
  }

  /** User u's rating of movie m from the loaded ratings, or null. */
  #actualRating(u: number, m: number): number | null {
    const h = this.#history;
    const ratings = h ? historyRatings(h) : null;
    if (!h || !ratings) return null;
    // A user's movies are in increasing index order.
    let lo = h.offsets[u], hi = h.offsets[u + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (h.movies[mid] < m) lo = mid + 1;
      else hi = mid;
    }
    return lo < h.offsets[u + 1] && h.movies[lo] === m ? ratings[lo] : null;
  }

  #userMean(u: number): number | null {
    if (this.#stats) return this.#stats.userMean[u];
    const h = this.#history;
    const ratings = h ? historyRatings(h) : null;
    if (!h || !ratings || h.offsets[u + 1] === h.offsets[u]) return null;
    let sum = 0;
    for (let i = h.offsets[u]; i < h.offsets[u + 1]; i++) sum += ratings[i];
    return sum / (h.offsets[u + 1] - h.offsets[u]);
  }

  /**
   * The best movies for a user, each with its predicted rating. With a
   * ranking model (the default model file has one) they are the movies the
   * user is most likely to rate and like, in that model's order; without
   * one, or with `by: "rating"`, the ones with the highest predicted rating
   * (by the unclamped score, so there are no ties).
   *
   * @param userId The user's MovieLens id.
   * @param n How many. Default: 10.
   * @param options Leave out rated movies (default) or movies with few ratings; metadata; the order.
   * @returns The movies with their `rank`, predicted `rating`, the `score` they are ordered by, best first.
   * @throws {UnknownUserError} The user is not in the model.
   */
  recommend(userId: number, n = 10, options: RecommendOptions = {}): RecommendedMovie[] {
    const u = this.#userIndex(userId);
    const rated = new Set<number>();
    const h = this.#history;
    if (h && (options.filterRated ?? true)) {
      for (let i = h.offsets[u]; i < h.offsets[u + 1]; i++) rated.add(h.movies[i]);
    }
    const vectors = this.#vectors(options.useMetadata);
    if (options.by !== "rating" && this.#ranker) {
      const row = this.#ranker.userRow(u);
      return this.#ranked(row, modelUser(this.#model, u), n, rated, options, vectors, this.#ratingsOf(u));
    }
    return this.#byRating(modelUser(this.#model, u), n, rated, options, vectors);
  }

  #vectors(useMetadata: boolean | undefined): MovieVectors {
    return (useMetadata ?? true) || !this.#withoutMeta ? this.#withMeta : this.#withoutMeta;
  }

  /** Movies left out: `rated`, and those with fewer than `minRatings` ratings. */
  #excluded(rated: ReadonlySet<number>, minRatings = 0): Set<number> {
    const out = new Set(rated);
    if (minRatings > 0) {
      for (let m = 0; m < this.#withMeta.rows; m++) if (this.#ratingCount(m) < minRatings) out.add(m);
    }
    return out;
  }

  /** User u's ratings by movie index, or null when the ratings are not loaded. */
  #ratingsOf(u: number): Map<number, number> | null {
    const h = this.#history, values = h ? historyRatings(h) : null;
    if (!h || !values) return null;
    const out = new Map<number, number>();
    for (let i = h.offsets[u]; i < h.offsets[u + 1]; i++) out.set(h.movies[i], values[i]);
    return out;
  }

  #ranked(
    row: number,
    who: ScoredUser,
    n: number,
    rated: ReadonlySet<number>,
    options: RecommendOptions,
    vectors: MovieVectors,
    ratings: ReadonlyMap<number, number> | null,
  ): RecommendedMovie[] {
    const ranker = this.#ranker!;
    const exclude = Uint32Array.from(this.#excluded(rated, options.minRatings)).sort();
    return ranker.top(row, n, exclude).map((r, i) => {
      const why = ratings?.size ? ranker.because(r.movie, ratings) : null;
      return {
        ...this.#info(r.movie),
        rank: i + 1,
        rating: predictMovie(this.#core, this.#model, vectors, who, r.movie, this.#scratch),
        score: r.score,
        ratings: this.#ratingCount(r.movie),
        because: why ? { ...this.#info(why.movie), rating: why.rating } : null,
      };
    });
  }

  #byRating(
    who: ScoredUser,
    n: number,
    rated: ReadonlySet<number>,
    options: RecommendOptions,
    vectors: MovieVectors,
  ): RecommendedMovie[] {
    const exclude = this.#excluded(rated, options.minRatings);
    return topMovies(this.#core, this.#model, vectors, who, n, exclude).map((s, i) => ({
      ...this.#info(s.movie),
      rank: i + 1,
      rating: s.rating,
      score: s.score,
      ratings: this.#ratingCount(s.movie),
      because: null,
    }));
  }

  /**
   * Top-`n` lists for every user at once, ordered by the ranking model and
   * computed on `threads` Workers: compact arrays rather than objects (at
   * MovieLens 20M scale that is 1.4 million entries for n = 10).
   *
   * @param n Movies per user. Default: 10.
   * @param options `filterRated` (default true) leaves out each user's rated movies; `threads` (default: the cores).
   * @returns The users' ids, and for user i the MovieLens ids and scores at `i * n … i * n + n - 1`, best first
   *   (0 and NaN past the end of a user's candidates).
   * @throws {TypeError} The model has no ranking model.
   */
  async recommendAll(
    n = 10,
    options: { filterRated?: boolean; threads?: number } = {},
  ): Promise<{ n: number; userIds: Uint32Array; movieIds: Uint32Array; scores: Float32Array }> {
    if (!this.#ranker) {
      throw new TypeError(
        "Cannot recommend for every user: this model has no ranking model; train it again without --no-ranking",
      );
    }
    const h = this.#history, filter = (options.filterRated ?? true) && h;
    const excluded = filter
      ? { offsets: h.offsets, movies: h.movies }
      : { offsets: new Uint32Array(this.#model.nUsers + 1), movies: new Uint32Array(0) };
    await using pool = await WorkerPool.create(this.#core, { threads: options.threads });
    const top = await this.#ranker.topAll(pool, excluded, n);
    const ids = this.#model.movieIds;
    return {
      n,
      userIds: this.#model.userIds,
      movieIds: top.movies.map((m) => (m === 0xffffffff ? 0 : ids[m])),
      scores: top.scores,
    };
  }

  /**
   * The movies closest to `movie` by cosine similarity of their learned
   * vectors (metadata included).
   *
   * @param movie A MovieLens movieId, or a title or part of one.
   * @param n How many. Default: 10.
   * @returns The movies with their cosine `similarity`, closest first.
   * @throws {UnknownMovieError} No movie fits.
   */
  similarMovies(movie: MovieRef, n = 10): SimilarMovie[] {
    const m = this.#resolveMovie(movie);
    // The ranking model knows the rated movies; a movie known from its metadata alone is compared by its
    // metadata vector with every movie's vector.
    if (this.#ranker && m < this.#model.nMovies) {
      return this.#ranker.similar(m, n).map((x) => ({ ...this.#info(x.movie), similarity: x.similarity }));
    }
    const { stride, k } = this.#model;
    return mostSimilar(this.#withMeta.vectors.view, stride, k, this.#withMeta.rows, m, n)
      .map((x) => ({ ...this.#info(x.movie), similarity: x.similarity }));
  }

  /**
   * Folds in a new user from a few ratings: the movies stay fixed and the
   * user's factors and bias come from a regularised least-squares solve in
   * the core. `reg` keeps a user with few ratings from extreme factors (with
   * 0.5, two ratings were enough to push every prediction to 5).
   *
   * @param ratings The user's ratings: a movie (id or title) and a rating in 0.5–5 each.
   * @param reg Weight decay of the solve. Default: 2.
   * @returns The folded-in user, for {@link Recommender.recommendFor}.
   * @throws {RangeError} No ratings, or a rating outside 0.5–5.
   */
  foldInUser(ratings: readonly { movie: MovieRef; rating: number }[], reg = 2): FoldedUser {
    if (!ratings.length) {
      throw new RangeError("Cannot fold in a user without ratings: rate at least one movie");
    }
    const k = this.#model.k, s = this.#model.stride, n = ratings.length;
    const rated = new Set<number>();
    const core = this.#core;
    const [vectors, bias, values, out] = core.allocArrays(Float32Array, [n * s, n, n, s]);
    try {
      ratings.forEach((r, i) => {
        if (!(r.rating >= 0.5 && r.rating <= 5)) {
          throw new RangeError(`Cannot fold in rating "${r.rating}": expected a number in 0.5–5`);
        }
        const m = this.#resolveMovie(r.movie);
        rated.add(m);
        vectors.view.set(this.#withMeta.vectors.view.subarray(m * s, (m + 1) * s), i * s);
        bias.view[i] = this.#withMeta.bias.view[m];
        values.view[i] = r.rating;
      });
      const userBias = core.kernels.foldIn(
        vectors.ptr,
        bias.ptr,
        values.ptr,
        n,
        s,
        k,
        this.#model.mu,
        reg,
        reg,
        5,
        out.ptr,
      );
      const given = new Map(ratings.map((r, i) => [this.#resolveMovie(r.movie), values.view[i]]));
      let ranking: Float32Array | null = null;
      if (this.#ranker) {
        // The ranking model knows only rated movies.
        const known = [...given].filter(([m]) => m < this.#model.nMovies);
        using row = this.#ranker.foldIn(known.map(([m]) => m), known.map(([, r]) => r));
        ranking = row.view.slice();
      }
      return { factors: out.view.slice(0, k), bias: userBias, rated, ratings: given, ranking };
    } finally {
      for (const a of [vectors, bias, values, out]) a.free();
    }
  }

  /**
   * Recommendations for a folded-in user, skipping the movies they rated,
   * ordered as in {@link Recommender.recommend}.
   *
   * @param user A user from {@link Recommender.foldInUser}.
   * @param n How many. Default: 10.
   * @param options Leave out movies with few ratings; metadata; the order.
   * @returns The movies with their `rank`, predicted `rating` and `score`, best first.
   */
  recommendFor(
    user: FoldedUser,
    n = 10,
    options: Omit<RecommendOptions, "filterRated"> = {},
  ): RecommendedMovie[] {
    using factors = this.#core.allocArray(Float32Array, this.#model.k);
    factors.view.set(user.factors);
    const who = { factors: factors.ptr, bias: user.bias };
    const vectors = this.#vectors(options.useMetadata);
    if (options.by !== "rating" && user.ranking && this.#ranker) {
      using row = this.#core.allocArray(Float32Array, user.ranking.length, 64);
      row.view.set(user.ranking);
      return this.#ranked(row.ptr, who, n, user.rated, options, vectors, user.ratings);
    }
    return this.#byRating(who, n, user.rated, options, vectors);
  }

  /** Releases the shared memory. */
  close(): void {
    this.#withMeta.free();
    this.#withoutMeta?.free();
    this.#scratch.free();
    this.#features?.free();
    this.#rankerLoaded?.free();
    this.#model.free();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
