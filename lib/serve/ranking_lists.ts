/**
 * A trained model's top-N lists for the ranking protocol of
 * `lib/evaluate/ranking.ts`: each user's best candidates by the model's raw
 * score (the core's top-N kernel), the user's known movies and the movies
 * outside the catalogue excluded.
 *
 * @module
 */

import { RANKING_KS, type RankingTask } from "../evaluate/ranking.ts";
import type { PmfModel } from "../model/model.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import type { WasmCore } from "../core/wasm.ts";
import { MovieVectors, topMovies } from "./recommend.ts";
import type { ImplicitFactors } from "../train/implicit.ts";
import { topByDot } from "./ranker.ts";

/**
 * Computes every evaluated user's list up front (the caller owns nothing
 * afterwards) and returns them by user.
 */
export function modelLists(
  core: WasmCore,
  model: PmfModel,
  features: MovieFeatures | null,
  task: RankingTask,
): (user: number) => number[] {
  using vectors = new MovieVectors(core, model, features);
  const outside: number[] = [];
  for (let m = 0; m < task.nMovies; m++) if (task.popularity[m] === 0) outside.push(m);
  const want = Math.max(...RANKING_KS);
  const lists = new Map<number, number[]>();
  for (let u = 0; u < task.nUsers; u++) {
    if (!task.relevant[u]) continue;
    const exclude = new Set<number>(outside);
    for (const m of task.known[u]) exclude.add(m);
    lists.set(u, topMovies(core, model, vectors, u, want, exclude).map((s) => s.movie));
  }
  return (u) => lists.get(u) ?? [];
}

/** Each evaluated user's best candidates by the implicit model's score `p_u·q_i`. */
export function implicitLists(
  core: WasmCore,
  factors: ImplicitFactors,
  task: RankingTask,
): (user: number) => number[] {
  const outside: number[] = [];
  for (let m = 0; m < task.nMovies; m++) if (task.popularity[m] === 0) outside.push(m);
  const want = Math.max(...RANKING_KS);
  const lists = new Map<number, number[]>();
  for (let u = 0; u < task.nUsers; u++) {
    if (!task.relevant[u]) continue;
    const exclude = Uint32Array.from(new Set([...outside, ...task.known[u]])).sort();
    lists.set(u, topByDot(core, factors, factors.users.ptr + u * factors.stride * 4, want, exclude));
  }
  return (u) => lists.get(u) ?? [];
}
