import assert from "node:assert/strict";
import { loadMovieCatalogue } from "../lib/ingest/movies.ts";
import { DataSyntaxError } from "../lib/util/errors.ts";
import { articleFirst, parseTitle, titleKey } from "../lib/ingest/titles.ts";
import { missingSharedData, SHARED_DATA, tempDir } from "./_helpers.ts";

Deno.test("parseTitle() splits MovieLens titles into title, aliases and year", () => {
  assert.deepEqual(parseTitle("American President, The (1995)"), {
    title: "The American President",
    aliases: [],
    year: 1995,
  });
  assert.deepEqual(parseTitle("City of Lost Children, The (Cité des enfants perdus, La) (1995)"), {
    title: "The City of Lost Children",
    aliases: ["La Cité des enfants perdus"],
    year: 1995,
  });
  assert.deepEqual(parseTitle("Twelve Monkeys (a.k.a. 12 Monkeys) (1995)").aliases, ["12 Monkeys"]);
  assert.deepEqual(parseTitle("Babylon 5"), { title: "Babylon 5", aliases: [], year: null });
  assert.equal(parseTitle("Fawlty Towers (1975-1979)").year, 1975);
  assert.equal(articleFirst("Homme du train, L'"), "L'Homme du train");
});

Deno.test("titleKey() ignores case, accents, punctuation and where the article is", () => {
  const same = [
    ["American President, The", "the american president"],
    ["The City of Lost Children", "City of Lost Children"],
    ["Amélie", "AMELIE"],
    ["Crouching Tiger, Hidden Dragon", "crouching tiger hidden dragon"],
    ["Léon: The Professional", "leon the professional"],
    ["Homme du train, L'", "l'homme du train"],
  ];
  for (const [a, b] of same) assert.equal(titleKey(a), titleKey(b), `${a} / ${b}`);
  assert.notEqual(titleKey("Heat"), titleKey("Heathers"));
});

Deno.test({
  name: "loadMovieCatalogue() joins ml-latest-small movies with links and finds titles in any spelling",
  ignore: missingSharedData(
    "ml-latest-small/movies.csv",
    "loadMovieCatalogue() joins ml-latest-small movies with links and finds titles in any spelling",
  ),
  fn: async () => {
    const c = await loadMovieCatalogue(`${SHARED_DATA}ml-latest-small/movies.csv`);
    assert.equal(c.size, 9742);
    assert.equal(c.movies.filter((m) => m.tmdbId === null).length, 8);
    const toy = c.byId(1)!;
    assert.equal(toy.title, "Toy Story");
    assert.equal(toy.year, 1995);
    assert.equal(toy.tmdbId, 862);
    assert.deepEqual(toy.genres, ["Adventure", "Animation", "Children", "Comedy", "Fantasy"]);
    assert.deepEqual(c.byTitle("the american president (1995)").map((m) => m.movieId), [11]);
    assert.deepEqual(c.byTitle("Cite des enfants perdus").map((m) => m.movieId), [29]);
    assert.equal(c.movies.filter((m) => m.genres.length === 0).length, 34);
  },
});

Deno.test("loadMovieCatalogue() reports a bad header, a bad id and a missing links file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/movies.csv`;
  await Deno.writeTextFile(path, "id,name\n1,Heat (1995)\n");
  await assert.rejects(
    loadMovieCatalogue(path),
    /Cannot read movies ".*movies.csv" at line 1: unexpected header "id,name"; expected "movieId,title,genres"/,
  );
  await Deno.writeTextFile(path, 'movieId,title,genres\n1,"Heat (1995)",Action\nx1,Oops (2000),Drama\n');
  await assert.rejects(loadMovieCatalogue(path), /at line 3: movieId "x1" is not a whole number/);
  await Deno.writeTextFile(path, 'movieId,title,genres\n6,"Heat (1995)",Action|Crime|Thriller\n');
  const c = await loadMovieCatalogue(path);
  assert.equal(c.byId(6)?.tmdbId, null);
  await Deno.writeTextFile(`${dir.path}/links.csv`, "movieId,imdbId,tmdbId\n6,0113277,949.0\n");
  assert.equal((await loadMovieCatalogue(path)).byId(6)?.tmdbId, 949, "float-written ids are read");
  await Deno.remove(`${dir.path}/links.csv`);
  assert.match(c.notes[0], /No links file ".*links.csv": movies have no TMDB ids/);
});

Deno.test("loadMovieCatalogue() reports a broken movies.csv at the line where the record starts, in plain words", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/movies.csv`;
  const rows = ["movieId,title,genres", "1,Toy Story (1995),Comedy", '2,"Jumanji (1995),Adventure'];
  for (let i = 0; i < 500; i++) rows.push(`${i + 3},Movie ${i},Drama`);
  await Deno.writeTextFile(path, rows.join("\n") + "\n");
  await assert.rejects(loadMovieCatalogue(path, { linksPath: null }), (e: unknown) => {
    assert.ok(e instanceof DataSyntaxError);
    assert.equal(e.line, 3);
    assert.match(
      e.message,
      /at line 3: a quoted field opened here is never closed\n {2}row: 2,"Jumanji \(1995\),Adventure/,
    );
    return true;
  });
  await Deno.writeTextFile(
    path,
    'movieId,title,genres\n1,Toy Story (1995),Comedy\n2,"Jumanji" (1995),Adventure\n',
  );
  await assert.rejects(
    loadMovieCatalogue(path, { linksPath: null }),
    /at line 3: text follows the closing quote of a field/,
  );
});
