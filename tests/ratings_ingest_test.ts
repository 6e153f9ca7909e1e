import assert from "node:assert/strict";
import { generateMovieLens } from "../lib/data/generate.ts";
import { ingestRatingsCsv } from "../lib/ingest/ratings_ingest.ts";
import type { Ratings } from "../lib/ingest/ratings.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { allocColumns, freeColumns, indexIds, scanRows } from "../lib/ingest/_ingest_kernels.ts";
import { missingSharedData, SHARED_DATA, tempDir } from "./_helpers.ts";

/** Rows as raw-id text, for comparing two loads. */
function rowsOf(r: Ratings): string[] {
  const u = r.columns.users.view,
    m = r.columns.movies.view,
    v = r.columns.ratings.view,
    t = r.columns.times!.view;
  return Array.from(
    { length: r.nRatings },
    (_, i) => `${r.userIds[u[i]]},${r.movieIds[m[i]]},${v[i]},${t[i]}`,
  );
}

/** Parses a ratings CSV the slow, obvious way. */
function naiveParse(text: string): string[] {
  return text.trim().split("\n").slice(1).map((line) => {
    const [u, m, r, t] = line.split(",");
    return `${Number(u)},${Number(m)},${Number(r)},${Number(t)}`;
  });
}

Deno.test({
  name: "ingestRatingsCsv() loads ml-latest-small (CRLF) with its documented counts",
  ignore: missingSharedData(
    "ml-latest-small/ratings.csv",
    "ingestRatingsCsv() loads ml-latest-small (CRLF) with its documented counts",
  ),
  fn: async () => {
    const core = await WasmCore.create();
    using r = await ingestRatingsCsv(core, `${SHARED_DATA}ml-latest-small/ratings.csv`);
    assert.equal(r.nRatings, 100_836);
    assert.equal(r.nUsers, 610);
    assert.equal(r.nMovies, 9_724);
    assert.equal(r.meanRating().toFixed(4), "3.5016");
    assert.equal(r.report.reordered, false);
    assert.equal(r.report.duplicates, 0);
    // Every user has at least 20 ratings; offsets cover all rows.
    const off = r.userOffsets.view;
    assert.equal(off[r.nUsers], r.nRatings);
    for (let u = 0; u < r.nUsers; u++) assert.ok(off[u + 1] - off[u] >= 20);
    const text = await Deno.readTextFile(`${SHARED_DATA}ml-latest-small/ratings.csv`);
    assert.deepEqual(rowsOf(r), naiveParse(text.replaceAll("\r", "")));
  },
});

Deno.test("ingestRatingsCsv() gives the same result whatever the chunk size, even mid-number", async () => {
  await using dir = await tempDir();
  await generateMovieLens({ outDir: dir.path, ratings: 3000, users: 60, movies: 200, seed: 7 });
  const path = `${dir.path}/ratings.csv`;
  const core = await WasmCore.create();
  const expected = naiveParse(await Deno.readTextFile(path));
  for (const chunkBytes of [3, 7, 13, 64, 1000, 1 << 20]) {
    using r = await ingestRatingsCsv(core, path, { chunkBytes });
    assert.deepEqual(rowsOf(r), expected, `chunkBytes ${chunkBytes}`);
  }
  assert.equal(core.bytesInUse, 0);
});

Deno.test("ingestRatingsCsv() on Workers (chunks cut into pieces) gives what one thread gives", async () => {
  await using dir = await tempDir();
  await generateMovieLens({ outDir: dir.path, ratings: 20000, users: 150, movies: 400, seed: 9 });
  const path = `${dir.path}/ratings.csv`;
  const core = await WasmCore.create();
  const expected = naiveParse(await Deno.readTextFile(path));
  for (const threads of [2, 3]) {
    await using pool = await WorkerPool.create(core, { threads });
    for (const chunkBytes of [40, 777, 65536, 8 << 20]) {
      using r = await ingestRatingsCsv(core, path, { chunkBytes, pool, parallelMinBytes: 1 });
      assert.deepEqual(rowsOf(r), expected, `${threads} Workers, chunkBytes ${chunkBytes}`);
    }
  }
  {
    // A pool of its own, started for a file above the threshold.
    using r = await ingestRatingsCsv(core, path, { threads: 2, parallelMinBytes: 1 });
    assert.deepEqual(rowsOf(r), expected);
  }
  assert.equal(core.bytesInUse, 0);
});

Deno.test("ingestRatingsCsv() maps ids densely in id order and sorts rows by (user, movie)", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ratings.csv`;
  await Deno.writeTextFile(
    path,
    "userId,movieId,rating,timestamp\n90,500,4,1\n7,20,3,2\n90,20,5,3\n7,999,1,4\n",
  );
  const core = await WasmCore.create();
  using r = await ingestRatingsCsv(core, path);
  assert.deepEqual(Array.from(r.userIds), [7, 90]);
  assert.deepEqual(Array.from(r.movieIds), [20, 500, 999]);
  assert.deepEqual(Array.from(r.columns.users.view.subarray(0, 4)), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(r.columns.movies.view.subarray(0, 4)), [0, 2, 0, 1]);
  assert.deepEqual(Array.from(r.userOffsets.view), [0, 2, 4]);
  assert.equal(r.userIndex(90), 1);
  assert.equal(r.movieIndex(999), 2);
  assert.equal(r.userIndex(8), -1);
});

Deno.test("ingestRatingsCsv() handles ids too large for a lookup table", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ratings.csv`;
  await Deno.writeTextFile(
    path,
    "userId,movieId,rating,timestamp\n2000000000,5,4,1\n3,2147483647,3,2\n3,5,2,3\n",
  );
  const core = await WasmCore.create();
  using r = await ingestRatingsCsv(core, path);
  assert.deepEqual(Array.from(r.userIds), [3, 2000000000]);
  assert.deepEqual(Array.from(r.movieIds), [5, 2147483647]);
  assert.deepEqual(rowsOf(r), ["3,5,2,3", "3,2147483647,3,2", "2000000000,5,4,1"]);
});

Deno.test("ingestRatingsCsv() names the missing file and the fix", async () => {
  const core = await WasmCore.create();
  await assert.rejects(
    ingestRatingsCsv(core, "no/such/ratings.csv"),
    /Cannot read ratings "no\/such\/ratings.csv": file not found; .*deno task gen-data/,
  );
});

Deno.test("scanRows() and indexIds() in slices: an order break or a duplicate at a slice edge is found; ids map as in one call", async () => {
  const core = await WasmCore.create();
  const cols = allocColumns(core, 10, false);
  const scan = (slice: number, nUsers = 7) => {
    const r = scanRows(core, cols, 10, nUsers, slice);
    const offsets = [...r.offsets.view];
    r.offsets.free();
    return { sorted: r.sorted, firstDuplicate: r.firstDuplicate, offsets };
  };
  try {
    const users = [1, 1, 2, 3, 3, 3, 4, 5, 5, 6];
    cols.users.view.set(users);
    cols.movies.view.set([1, 2, 1, 1, 2, 3, 9, 1, 2, 7]);
    for (const slice of [1, 2, 3, 4, 10, 1 << 21]) {
      assert.deepEqual(
        scan(slice),
        { sorted: true, firstDuplicate: 10, offsets: [0, 0, 2, 3, 6, 7, 9, 10] },
        `${slice}`,
      );
    }
    assert.throws(() => scan(4, 6), /a user index is not below 6/);
    // Rows 3 and 4 repeat a pair across the edge of slices of 4 (the first is row 3).
    cols.movies.view.set([1, 1], 3);
    for (const slice of [1, 2, 3, 4, 10]) assert.equal(scan(slice).firstDuplicate, 3, `${slice}`);
    // Rows 3 and 4 swap users: the break sits exactly on the edge of slices of 4.
    cols.users.view.set([4, 3], 3);
    for (const slice of [1, 2, 3, 4, 10]) assert.equal(scan(slice).sorted, false, `${slice}`);
    for (const slice of [1, 3, 4, 1 << 21]) {
      cols.users.view.set([90, 7, 90, 5, 7, 5, 1000, 7, 7, 5]);
      const ids = await indexIds(core, cols.users, 10, 1000, null, 0, slice);
      assert.deepEqual([...ids], [5, 7, 90, 1000]);
      assert.deepEqual([...cols.users.view], [2, 1, 2, 0, 1, 0, 3, 1, 1, 0], `slice ${slice}`);
    }
  } finally {
    freeColumns(cols);
  }
});

Deno.test("takeUserRows() compacts the kept rows in place per user and consumes the ratings", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/ratings.csv`;
  // User 1: movies 10, 20, 30; user 2: movie 20; user 3: movies 10, 30.
  await Deno.writeTextFile(
    path,
    "userId,movieId,rating,timestamp\n1,10,4,1\n1,20,3.5,2\n1,30,5,3\n2,20,1,4\n3,10,2,5\n3,30,4.5,6\n",
  );
  const core = await WasmCore.create();
  const ratings = await ingestRatingsCsv(core, path);
  const taken = ratings.takeUserRows((i) => i !== 1 && i !== 3); // drop (1, 20) and (2, 20)
  assert.equal(taken.n, 4);
  assert.deepEqual([...taken.offsets.view], [0, 2, 2, 4]);
  assert.deepEqual([...taken.movies.view.subarray(0, 4)].map((m) => ratings.movieIds[m]), [10, 30, 10, 30]);
  assert.deepEqual([...taken.ratings.view.subarray(0, 4)], [4, 5, 2, 4.5]);
  ratings.free(); // does nothing: the arrays were handed over
  assert.deepEqual([...taken.offsets.view], [0, 2, 2, 4]);
  assert.throws(() => ratings.takeUserRows(() => true), /freed ratings/);
  for (const a of [taken.offsets, taken.movies, taken.ratings]) a.free();
});
