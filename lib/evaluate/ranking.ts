/**
 * Ranking evaluation: how good the top of each user's list is, on a held-out
 * split, for our model and for plain baselines, with one protocol for all.
 *
 * Protocol: the split's TEST side holds each user's held-out ratings (by
 * default the latest 20% by time); a test movie rated at least
 * {@link RankingOptions.threshold} (4) is relevant. Candidates are the
 * catalogue — movies with at least one TRAIN rating — minus the movies the
 * user rated on the TRAIN or VALIDATION side. Users with no relevant movie
 * are skipped. For k = 10 and 20: precision@k = hits / k; recall@k = hits /
 * min(k, relevant); NDCG@k with binary gains and `1 / log2(rank + 1)`
 * discounts, ideal = all relevant first; MAP@k = the mean over hits of
 * precision at the hit's rank, divided by min(k, relevant). Coverage@k is the
 * share of the catalogue that appears in any user's top k; popularity@k the
 * mean TRAIN rating count of the movies recommended.
 *
 * @module
 */

import { SPLIT } from "../ingest/splits.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { mix32, Rng } from "../util/_random.ts";
import { indexOfSorted } from "../util/_io.ts";

/** The cut-offs every report has. */
export const RANKING_KS = [10, 20] as const;

/** Options of {@link rankingTask}. */
export interface RankingOptions {
  /** Smallest test rating that counts as relevant. Default: 4. */
  threshold?: number;
  /** Evaluate a seeded sample of at most this many users (of those with a relevant movie). Default: all. */
  maxUsers?: number;
  /** Seed of that sample. Default: 42. */
  seed?: number;
}

/** What the protocol needs from a split: see the module doc. */
export interface RankingTask {
  /** Users and movies of the ratings (dense indices). */
  nUsers: number;
  nMovies: number;
  /** Per evaluated user: the movies rated on the TRAIN or VALIDATION side, sorted (empty for the others). */
  known: Uint32Array[];
  /** Per user: the relevant TEST movies, or null when the user is not evaluated. */
  relevant: (Set<number> | null)[];
  /** TRAIN ratings per movie. */
  popularity: Uint32Array;
  /** Sum of TRAIN ratings per movie. */
  ratingSum: Float64Array;
  /** Number of catalogue movies (at least one TRAIN rating). */
  catalogue: number;
  /** Users evaluated (with at least one relevant movie). */
  users: number;
}

/** The users evaluated: those with a relevant movie, or a seeded sample of `maxUsers` of them. */
export function sampleUsers(candidates: number[], maxUsers: number | undefined, seed: number): Set<number> {
  if (maxUsers === undefined || candidates.length <= maxUsers) return new Set(candidates);
  const order = candidates.map((u) => [mix32(seed ^ mix32(u + 0x51ed)), u]).sort((a, b) =>
    a[0] - b[0] || a[1] - b[1]
  );
  return new Set(order.slice(0, maxUsers).map(([, u]) => u));
}

/** Builds the protocol's view of `ratings` under `split`. */
export function rankingTask(ratings: Ratings, split: Uint8Array, options: RankingOptions = {}): RankingTask {
  const threshold = options.threshold ?? 4;
  const off = ratings.userOffsets.view,
    movies = ratings.columns.movies.view,
    r = ratings.columns.ratings.view;
  const popularity = new Uint32Array(ratings.nMovies), ratingSum = new Float64Array(ratings.nMovies);
  const withHits: number[] = [];
  for (let u = 0; u < ratings.nUsers; u++) {
    let hit = false;
    for (let i = off[u]; i < off[u + 1]; i++) {
      if (split[i] === SPLIT.TEST) hit ||= r[i] >= threshold;
      else if (split[i] === SPLIT.TRAIN) {
        popularity[movies[i]]++;
        ratingSum[movies[i]] += r[i];
      }
    }
    if (hit) withHits.push(u);
  }
  const chosen = sampleUsers(withHits, options.maxUsers, options.seed ?? 42);
  const none = new Uint32Array(0);
  const known: Uint32Array[] = [], relevant: (Set<number> | null)[] = [];
  for (let u = 0; u < ratings.nUsers; u++) {
    if (!chosen.has(u)) {
      known.push(none);
      relevant.push(null);
      continue;
    }
    const mine: number[] = [], rel = new Set<number>();
    for (let i = off[u]; i < off[u + 1]; i++) {
      if (split[i] !== SPLIT.TEST) mine.push(movies[i]);
      else if (r[i] >= threshold) rel.add(movies[i]);
    }
    known.push(Uint32Array.from(mine).sort());
    relevant.push(rel);
  }
  let catalogue = 0;
  for (let m = 0; m < ratings.nMovies; m++) if (popularity[m] > 0) catalogue++;
  return {
    nUsers: ratings.nUsers,
    nMovies: ratings.nMovies,
    known,
    relevant,
    popularity,
    ratingSum,
    catalogue,
    users: chosen.size,
  };
}

/** Precision, recall, NDCG and MAP at one cut-off, averaged over users. */
export interface AtK {
  /** Hits in the top k, divided by k. */
  precision: number;
  /** Hits divided by min(k, relevant movies). */
  recall: number;
  /** Normalised discounted cumulative gain (binary gains). */
  ndcg: number;
  /** Mean average precision. */
  map: number;
  /** Share of the catalogue in any user's top k. */
  coverage: number;
  /** Mean TRAIN rating count of the recommended movies. */
  popularity: number;
}

/** One system's figures. */
export interface RankingReport {
  /** The system's name. */
  name: string;
  /** Figures at each of {@link RANKING_KS}. */
  at: Record<number, AtK>;
}

/**
 * Scores a system: `listFor(u)` returns user u's recommended movies, best
 * first (at least the largest k where the candidates allow), drawn from the
 * candidates of the protocol.
 */
export function scoreSystem(
  task: RankingTask,
  name: string,
  listFor: (user: number) => ArrayLike<number>,
): RankingReport {
  const sums = RANKING_KS.map(() => ({ precision: 0, recall: 0, ndcg: 0, map: 0, pop: 0, shown: 0 }));
  const seen = RANKING_KS.map(() => new Uint8Array(task.nMovies));
  for (let u = 0; u < task.nUsers; u++) {
    const rel = task.relevant[u];
    if (!rel) continue;
    const list = listFor(u);
    RANKING_KS.forEach((k, j) => {
      const s = sums[j];
      const n = Math.min(k, list.length);
      let hits = 0, dcg = 0, ap = 0;
      for (let i = 0; i < n; i++) {
        const m = list[i];
        seen[j][m] = 1;
        s.pop += task.popularity[m];
        if (!rel.has(m)) continue;
        hits++;
        dcg += 1 / Math.log2(i + 2);
        ap += hits / (i + 1);
      }
      s.shown += n;
      const ideal = Math.min(k, rel.size);
      let idcg = 0;
      for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
      s.precision += hits / k;
      s.recall += hits / ideal;
      s.ndcg += dcg / idcg;
      s.map += ap / ideal;
    });
  }
  const at: Record<number, AtK> = {};
  RANKING_KS.forEach((k, j) => {
    const s = sums[j], users = Math.max(1, task.users);
    let covered = 0;
    for (let m = 0; m < task.nMovies; m++) covered += seen[j][m];
    at[k] = {
      precision: s.precision / users,
      recall: s.recall / users,
      ndcg: s.ndcg / users,
      map: s.map / users,
      coverage: covered / Math.max(1, task.catalogue),
      popularity: s.pop / Math.max(1, s.shown),
    };
  });
  return { name, at };
}

/** The catalogue's movies (at least one TRAIN rating), in index order. */
function catalogueMovies(task: RankingTask): number[] {
  return Array.from({ length: task.nMovies }, (_, m) => m).filter((m) => task.popularity[m] > 0);
}

/** True when user `u` rated `movie` on a known side. */
function knows(task: RankingTask, u: number, movie: number): boolean {
  return indexOfSorted(task.known[u], movie) >= 0;
}

/**
 * Lists for a ranking that is the same for every user (`scores`, higher is
 * better; ties to the lower index): each user's top candidates in that order.
 */
export function globalLists(task: RankingTask, scores: ArrayLike<number>): (u: number) => number[] {
  const order = catalogueMovies(task).sort((a, b) => scores[b] - scores[a] || a - b);
  const want = Math.max(...RANKING_KS);
  return (u) => {
    const out: number[] = [];
    for (let i = 0; i < order.length && out.length < want; i++) {
      if (!knows(task, u, order[i])) out.push(order[i]);
    }
    return out;
  };
}

/** Shrinkage of the shrunk-mean baseline: a movie's mean counts as this many ratings at the global mean. */
export const SHRINK_RATINGS = 10;

/**
 * The baselines of every report: most popular (TRAIN count), highest mean
 * rating shrunk toward the global mean by {@link SHRINK_RATINGS} ratings,
 * biases only (`b_i` of a biases-only model, given), and a seeded random order
 * per user.
 */
export function baselineReports(task: RankingTask, movieBias: ArrayLike<number>, seed = 42): RankingReport[] {
  let total = 0, count = 0;
  for (let m = 0; m < task.nMovies; m++) {
    total += task.ratingSum[m];
    count += task.popularity[m];
  }
  const mu = count ? total / count : 0;
  const shrunk = Array.from(
    { length: task.nMovies },
    (_, m) => (task.ratingSum[m] + SHRINK_RATINGS * mu) / (task.popularity[m] + SHRINK_RATINGS),
  );
  const want = Math.max(...RANKING_KS);
  const candidates = catalogueMovies(task);
  const random = (u: number) => {
    const rng = new Rng(seed, 0x7a11 + u);
    const out: number[] = [], taken = new Set<number>();
    const room = candidates.length - task.known[u].length;
    for (let tries = 0; out.length < Math.min(want, room) && tries < 100 * want; tries++) {
      const m = candidates[rng.int(candidates.length)];
      if (taken.has(m) || knows(task, u, m)) continue;
      taken.add(m);
      out.push(m);
    }
    return out;
  };
  return [
    scoreSystem(task, "most popular", globalLists(task, task.popularity)),
    scoreSystem(task, `highest mean (shrunk by ${SHRINK_RATINGS})`, globalLists(task, shrunk)),
    scoreSystem(task, "biases only", globalLists(task, movieBias)),
    scoreSystem(task, "random", random),
  ];
}
