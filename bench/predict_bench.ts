/**
 * Prediction benchmark on the ML-20M-shaped model:
 *   deno run -A bench/predict_bench.ts MODEL_FILE
 * Prints one JSON object: load time (model, catalogue, features, ratings
 * history), one prediction, top-10 over all movies (and the first one after a
 * load, which reads the ranking model), fold-in of a 10-rating user.
 */

import { loadRecommender } from "../lib/serve/load.ts";
import { median, peakRssMiB, round } from "./_report.ts";

const [modelPath] = Deno.args;
const loads: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const r = await loadRecommender({ modelPath });
  loads.push(performance.now() - t);
  r.close();
}
// The first recommendation reads the ranking model (loaded on first use): timed on its own.
const firsts: number[] = [];
for (let i = 0; i < 3; i++) {
  using fresh = await loadRecommender({ modelPath });
  const t = performance.now();
  fresh.recommend(fresh.userIds[0], 10);
  firsts.push(performance.now() - t);
}
using rec = await loadRecommender({ modelPath });
const ids = rec.movieIds;
const time = (fn: (i: number) => unknown, runs: number) => {
  for (let i = 0; i < 5; i++) fn(i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    out.push(performance.now() - t);
  }
  return round(median(out), 4);
};
const users = rec.userIds;
const predictMs = time(
  (i) => rec.predictRating({ userId: users[i % users.length], movieId: ids[(i * 7919) % ids.length] }),
  200,
);
const top10Ms = time((i) => rec.recommend(users[i % users.length], 10), 50);
const foldInMs = time((i) => {
  const ratings = Array.from(
    { length: 10 },
    (_, j) => ({ movie: ids[(i * 101 + j * 977) % ids.length], rating: 1 + (j % 9) / 2 }),
  );
  rec.recommendFor(rec.foldInUser(ratings), 10);
}, 20);
console.log(JSON.stringify({
  load_ms: round(median(loads), 1),
  predict_ms: predictMs,
  top10_ms: top10Ms,
  first_top10_after_load_ms: round(median(firsts), 1),
  fold_in_10_ratings_plus_top10_ms: foldInMs,
  metadata: rec.hasMetadata,
  movies: rec.movieIds.length,
  users: rec.userIds.length,
  peak_rss_mib: round(peakRssMiB() ?? NaN, 1),
}));
