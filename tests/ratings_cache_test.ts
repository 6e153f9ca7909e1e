import assert from "node:assert/strict";
import { ContainerFile } from "../lib/util/container.ts";
import { generateMovieLens } from "../lib/data/generate.ts";
import { CACHE_VERSION, cachePathFor } from "../lib/ingest/ratings_cache.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { DataSyntaxError } from "../lib/util/errors.ts";
import { tempDir } from "./_helpers.ts";

async function fixture(path: string): Promise<string> {
  await generateMovieLens({ outDir: path, ratings: 2000, users: 40, movies: 150, seed: 3 });
  return `${path}/ratings.csv`;
}

function same(a: Uint32Array | Float32Array, b: Uint32Array | Float32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

Deno.test("loadRatings() writes a cache, then reloads identical ratings from it", async () => {
  await using dir = await tempDir();
  const csv = await fixture(dir.path);
  const core = await WasmCore.create();
  const first = await loadRatings(core, csv);
  assert.equal(first.fromCache, false);
  assert.equal(first.cacheNote, "no cache yet");
  const second = await loadRatings(core, csv);
  assert.equal(second.fromCache, true);
  using a = first.ratings, b = second.ratings;
  assert.equal(b.nRatings, a.nRatings);
  for (const k of ["users", "movies", "ratings", "times"] as const) {
    assert.ok(same(a.columns[k]!.view, b.columns[k]!.view, a.nRatings), k);
  }
  assert.deepEqual(b.userIds, a.userIds);
  assert.deepEqual(b.movieIds, a.movieIds);
  assert.deepEqual(b.userOffsets.view, a.userOffsets.view);
  assert.deepEqual(b.report, a.report);
  const leftovers = [...Deno.readDirSync(dir.path)].filter((e) => e.name.includes(".tmp-"));
  assert.deepEqual(leftovers, []);
});

Deno.test("loadRatings() rebuilds the cache with a reason when the CSV changes or the cache is damaged", async () => {
  await using dir = await tempDir();
  const csv = await fixture(dir.path);
  const cache = cachePathFor(csv);
  const core = await WasmCore.create();
  const load = async () => {
    const r = await loadRatings(core, csv);
    r.ratings.free();
    return r;
  };
  await load();

  await Deno.writeTextFile(csv, "1,1,4.0,5\n", { append: true });
  let r = await load();
  assert.equal(r.fromCache, false);
  assert.match(r.cacheNote, /^the CSV changed since the cache was built \(size \d+ → \d+ bytes\)$/);

  const bytes = await Deno.readFile(cache);
  bytes[bytes.length - 5] ^= 0xff;
  await Deno.writeFile(cache, bytes);
  r = await load();
  assert.match(r.cacheNote, /^the cache's array "movieIds" fails its checksum \(corrupt\)$/);

  // An array verified together with the others (ratings, in the middle of the file).
  await load();
  {
    using opened = await ContainerFile.open(cache, { magic: "PMFRATES", version: CACHE_VERSION, what: "" });
    const at = opened.entry("ratings")!.offset + 8;
    const damaged = await Deno.readFile(cache);
    damaged[at] ^= 0x01;
    await Deno.writeFile(cache, damaged);
  }
  r = await load();
  assert.equal(r.fromCache, false);
  assert.match(r.cacheNote, /^the cache's array "ratings" fails its checksum \(corrupt\)$/);

  await Deno.writeFile(cache, (await Deno.readFile(cache)).subarray(0, 2000));
  r = await load();
  assert.match(r.cacheNote, /^the cache is truncated: 2000 bytes, expected at least \d+$/);

  const old = await Deno.readFile(cache);
  new DataView(old.buffer).setUint32(8, CACHE_VERSION - 1, true);
  await Deno.writeFile(cache, old);
  r = await load();
  assert.equal(
    r.cacheNote,
    `the cache has format version ${CACHE_VERSION - 1}, this version reads ${CACHE_VERSION}`,
  );

  await Deno.writeTextFile(cache, "not a cache");
  r = await load();
  assert.equal(r.cacheNote, "the cache is not a ratings cache file (wrong magic bytes)");
  assert.equal((await load()).fromCache, true);
  assert.equal(core.bytesInUse, 0);
});

Deno.test("loadRatings() still returns the ratings when the cache cannot be written", async () => {
  await using dir = await tempDir();
  const csv = await fixture(dir.path);
  const core = await WasmCore.create();
  const r = await loadRatings(core, csv, { cachePath: `${dir.path}/missing-dir/x.pmfcache` });
  using _ = r.ratings;
  assert.equal(r.ratings.nRatings, 2000);
  assert.match(r.cacheWriteWarning ?? "", /^Cannot write the ratings cache ".*x.pmfcache": /);
});

Deno.test("loadRatings() without skipInvalid fails on a bad row even when a cache was built with skipInvalid", async () => {
  await using dir = await tempDir();
  const csv = `${dir.path}/ratings.csv`;
  await Deno.writeTextFile(csv, "userId,movieId,rating,timestamp\n1,10,4.0,1\n1,11,9.5,2\n2,10,3.0,3\n");
  const core = await WasmCore.create();
  const lenient = await loadRatings(core, csv, { skipInvalid: true });
  assert.equal(lenient.ratings.nRatings, 2);
  assert.equal(lenient.ratings.report.skippedRows, 1);
  lenient.ratings.free();
  const again = await loadRatings(core, csv, { skipInvalid: true });
  assert.equal(again.fromCache, true, "a lenient run may use the lenient cache");
  again.ratings.free();
  for (let i = 0; i < 2; i++) {
    await assert.rejects(loadRatings(core, csv), (e: unknown) => {
      assert.ok(e instanceof DataSyntaxError);
      assert.equal(e.line, 3);
      assert.match(e.message, /rating "9\.5" is outside 0\.5–5/);
      return true;
    });
  }
  assert.equal(core.bytesInUse, 0);
});
