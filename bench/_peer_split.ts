/** Writes our training, validation and test ratings (the default split) in the LIBMF helper's input format. */

import { WasmCore } from "../lib/core/wasm.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { gatherSide } from "../lib/ingest/rating_set.ts";
import { SPLIT, splitRatings } from "../lib/ingest/splits.ts";

/**
 * Writes `out`: u32 n_users, n_movies, n_train, n_validation, n_test, then
 * the training side's users, movies, ratings, then the validation side's,
 * then the test side's, as in `bench/libmf_peer/src/main.rs`. Returns the
 * side sizes.
 */
export async function writePeerSplit(
  csv: string,
  out: string,
): Promise<{ train: number; validation: number; test: number }> {
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, csv);
  using _ratings = ratings;
  const split = splitRatings(ratings);
  using train = gatherSide(core, ratings, split, SPLIT.TRAIN);
  using validation = gatherSide(core, ratings, split, SPLIT.VALIDATION);
  using test = gatherSide(core, ratings, split, SPLIT.TEST);
  const file = new Uint8Array(20 + 12 * (train.n + validation.n + test.n));
  new Uint32Array(file.buffer, 0, 5).set([ratings.nUsers, ratings.nMovies, train.n, validation.n, test.n]);
  let at = 20;
  for (const set of [train, validation, test]) {
    for (const column of [set.users, set.movies, set.ratings]) {
      file.set(core.view(Uint8Array, column.ptr, set.n * 4), at);
      at += set.n * 4;
    }
  }
  await Deno.writeFile(out, file);
  return { train: train.n, validation: validation.n, test: test.n };
}
