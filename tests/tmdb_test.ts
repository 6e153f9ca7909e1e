import assert from "node:assert/strict";
import { CREDITS_HEADER, loadTmdb, MOVIES_HEADER } from "../lib/features/tmdb.ts";
import { encodeFeatures } from "../lib/features/tmdb_features.ts";
import { missingSharedData, SHARED_DATA, tempDir } from "./_helpers.ts";

const SAMPLE = `${SHARED_DATA}tmdb-sample/`;

Deno.test({
  name: "loadTmdb() reads the real-format sample and joins credits by id",
  ignore: missingSharedData(
    "tmdb-sample/tmdb_5000_movies.csv",
    "loadTmdb() reads the real-format sample and joins credits by id",
  ),
  fn: async () => {
    const d = await loadTmdb(`${SAMPLE}tmdb_5000_movies.csv`, `${SAMPLE}tmdb_5000_credits.csv`);
    assert.equal(d.movies.length, 41);
    assert.equal(d.creditRows, 5);
    assert.equal(d.skipped, 0);
    const avatar = d.movies.find((m) => m.id === 19995)!;
    assert.deepEqual(avatar.genres, ["Action", "Adventure", "Fantasy", "Science Fiction"]);
    assert.equal(avatar.year, 2009);
    assert.deepEqual(avatar.cast.slice(0, 3), ["Sam Worthington", "Zoe Saldana", "Sigourney Weaver"]);
    assert.ok(avatar.crew.some((c) => c.job === "Director" && c.name === "James Cameron"));
    assert.deepEqual(avatar.countries, ["US", "GB"]);
    const noCredits = d.movies.filter((m) => m.cast.length === 0).length;
    assert.equal(noCredits, 36);
  },
});

Deno.test({
  name: "loadTmdb() without a credits file reads the movies alone",
  ignore: missingSharedData(
    "tmdb/tmdb_5000_movies.csv",
    "loadTmdb() without a credits file reads the movies alone",
  ),
  fn: async () => {
    const d = await loadTmdb(
      `${SHARED_DATA}tmdb/tmdb_5000_movies.csv`,
      `${SHARED_DATA}tmdb/tmdb_5000_credits.csv`,
    );
    assert.equal(d.hasCredits, false);
    assert.equal(d.movies.length, 4803);
    assert.equal(d.movies.filter((m) => m.year === null).length, 1);
  },
});

const header = MOVIES_HEADER.join(",");
function row(id: string, genres: string, title: string): string {
  const f: Record<string, string> = Object.fromEntries(MOVIES_HEADER.map((h) => [h, ""]));
  Object.assign(f, {
    id,
    genres,
    title,
    original_title: title,
    release_date: "1999-01-01",
    vote_average: "7",
  });
  return MOVIES_HEADER.map((h) => `"${f[h].replaceAll('"', '""')}"`).join(",");
}

Deno.test("loadTmdb() skips rows with broken JSON and reports file:line, and survives invalid UTF-8", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/tmdb_5000_movies.csv`;
  const good = '[{"id": 18, "name": "Drama"}]';
  const lines = [
    header,
    row("1", good, "One"),
    row("2", "[{broken", "Two"),
    row("x", good, "Three"),
    row("4", good, "Caf\xe9"),
  ];
  const bytes = new TextEncoder().encode(lines.join("\n") + "\n");
  const bad = new Uint8Array([
    ...bytes.subarray(0, bytes.length - 40),
    0xff,
    0xfe,
    ...bytes.subarray(bytes.length - 40),
  ]);
  await Deno.writeFile(path, bad);
  const d = await loadTmdb(path, null);
  assert.deepEqual(d.movies.map((m) => m.id), [1, 4]);
  assert.equal(d.skipped, 2);
  assert.match(d.skippedExamples[0], new RegExp(`^${path}:3: genres is not valid JSON`));
  assert.match(d.skippedExamples[1], new RegExp(`^${path}:4: id "x" is not a whole number`));
});

Deno.test("loadTmdb() names the expected header and the expected layout", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/m.csv`;
  await Deno.writeTextFile(path, "id,title\n1,One\n");
  await assert.rejects(
    loadTmdb(path, null),
    /Cannot read TMDB movies ".*m.csv" at line 1: the header lacks "budget", "genres".*; expected "budget,genres,homepage,id,/,
  );
  await Deno.writeTextFile(path, `${header}\n${row("1", "[]", "One")}\n`);
  await Deno.writeTextFile(`${dir.path}/c.csv`, "movie_id,name\n1,x\n");
  await assert.rejects(
    loadTmdb(path, `${dir.path}/c.csv`),
    new RegExp(`expected "${CREDITS_HEADER.join(",")}"`),
  );
  await assert.rejects(
    loadTmdb(`${dir.path}/none.csv`, null),
    /Cannot read TMDB movies ".*none.csv": file not found; expected data\/tmdb\/tmdb_5000_movies.csv and \(optionally\) tmdb_5000_credits.csv/,
  );
});

Deno.test({
  name: "encodeFeatures() gives sorted vocabularies above their minimum counts and unit-length groups",
  ignore: missingSharedData(
    "tmdb-sample/tmdb_5000_movies.csv",
    "encodeFeatures() gives sorted vocabularies above their minimum counts and unit-length groups",
  ),
  fn: async () => {
    const d = await loadTmdb(`${SAMPLE}tmdb_5000_movies.csv`, `${SAMPLE}tmdb_5000_credits.csv`);
    const f = encodeFeatures(d.movies, { minCount: { keyword: 3 } });
    assert.equal(f.indptr.length, 42);
    const genres = f.columns.filter((c) => c.startsWith("genre="));
    assert.deepEqual(genres, [...genres].sort());
    const keywords = f.columns.filter((c) => c.startsWith("keyword="));
    for (const k of keywords) {
      const name = k.slice(8);
      assert.ok(d.movies.filter((m) => m.keywords.includes(name)).length >= 3, k);
    }
    for (let r = 0; r < 41; r++) {
      let genreNorm = 0;
      for (let e = f.indptr[r]; e < f.indptr[r + 1]; e++) {
        if (f.columns[f.indices[e]].startsWith("genre=")) genreNorm += f.values[e] ** 2;
      }
      if (d.movies[r].genres.length) assert.ok(Math.abs(genreNorm - 1) < 1e-6);
    }
    assert.deepEqual(encodeFeatures(d.movies, { minCount: { keyword: 3 } }), f);
  },
});
