import assert from "node:assert/strict";
import {
  fit,
  generateMovieLens,
  loadModel,
  ModelFileError,
  preprocess,
  train,
  UnknownMovieError,
  UnknownUserError,
} from "../mod.ts";
import { runCommand } from "./_cli_helpers.ts";
import { DENO, ROOT } from "./_helpers.ts";

let shared: string | undefined;
/** A generated set, its features and a model trained with metadata, shared by this file. */
async function trained(): Promise<string> {
  if (!shared) {
    shared = await Deno.makeTempDir({ prefix: "pmf-rec-" });
    await generateMovieLens({ outDir: shared, ratings: 40_000, users: 300, movies: 400, seed: 8 });
    await preprocess({ movielensDir: shared, tmdbDir: shared });
    await train({ ratingsPath: `${shared}/ratings.csv`, modelPath: `${shared}/model.bin`, epochs: 15 });
  }
  return shared;
}

Deno.test("loadModel() predicts by id and by partial title, with context, and explains unknown users and movies", async () => {
  const dir = await trained();
  using rec = await loadModel(`${dir}/model.bin`);
  assert.ok(rec.hasMetadata);
  const movie = rec.movie(rec.movieIds[3]);
  const byId = rec.predictRating({ userId: 2, movieId: movie.movieId });
  const partial = movie.title.toUpperCase().slice(0, Math.max(8, movie.title.length - 3));
  const byTitle = rec.predictRating({ userId: 2, movieTitle: `${movie.title} (${movie.year})` });
  assert.equal(byTitle.movieId, movie.movieId);
  assert.equal(byTitle.rating, byId.rating);
  assert.ok(rec.search(partial, 8).some((m) => m.movieId === movie.movieId), partial);
  assert.ok(byId.rating >= 0.5 && byId.rating <= 5);
  assert.ok(byId.userMean !== null && byId.movieMean !== null && byId.usedMetadata);
  const plain = rec.predictRating({ userId: 2, movieId: movie.movieId, useMetadata: false });
  assert.equal(plain.usedMetadata, false);
  assert.throws(() => rec.predictRating({ userId: 100000, movieId: movie.movieId }), (e: unknown) => {
    assert.ok(e instanceof UnknownUserError);
    assert.match(e.message, /^Unknown user "100000": the model knows 300 users with ids from 1 to 300/);
    return true;
  });
  const typo = movie.title.slice(0, -1) + "x";
  assert.throws(() => rec.predictRating({ userId: 2, movieTitle: `${typo}zz qq` }), (e: unknown) => {
    assert.ok(e instanceof UnknownMovieError);
    return true;
  });
});

Deno.test('recommend() ranks by the ranking model, skips rated movies, honours minRatings and by: "rating"; similarMovies() ranks by cosine', async () => {
  const dir = await trained();
  using rec = await loadModel(`${dir}/model.bin`);
  assert.ok(rec.hasRanking, "a trained model file carries its ranking model");
  const top = rec.recommend(5, 10);
  assert.equal(top.length, 10);
  assert.deepEqual(top.map((m) => m.rank), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].score >= top[i].score);
  assert.ok(top.every((m) => m.rating >= 0.5 && m.rating <= 5 && m.ratings > 0));
  assert.equal(new Set(top.map((m) => m.score)).size, 10, "ten distinct scores");
  const lines = (await Deno.readTextFile(`${dir}/ratings.csv`)).split("\n").filter((l) => l.startsWith("5,"));
  const rated = new Set(lines.map((l) => Number(l.split(",")[1])));
  assert.ok(top.every((m) => !rated.has(m.movieId)));
  const counts = new Map<number, number>();
  for (const l of (await Deno.readTextFile(`${dir}/ratings.csv`)).split("\n").slice(1)) {
    const id = Number(l.split(",")[1]);
    if (l) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const floor = [...counts.values()].sort((a, b) => a - b)[Math.floor(counts.size / 2)];
  const popular = rec.recommend(5, 10, { minRatings: floor });
  assert.ok(popular.every((m) => (counts.get(m.movieId) ?? 0) >= floor), `all with ≥ ${floor} ratings`);
  assert.ok(rec.recommend(5, 30, { filterRated: false }).some((m) => rated.has(m.movieId)));
  const byRating = rec.recommend(5, 10, { by: "rating" });
  for (let i = 1; i < byRating.length; i++) assert.ok(byRating[i - 1].score >= byRating[i].score);
  for (let i = 1; i < byRating.length; i++) assert.ok(byRating[i - 1].rating >= byRating[i].rating);
  const similar = rec.similarMovies(rec.movieIds[0], 5);
  assert.equal(similar.length, 5);
  assert.ok(similar.every((m) => m.movieId !== rec.movieIds[0] && m.similarity <= 1.0001));
  for (let i = 1; i < similar.length; i++) assert.ok(similar[i - 1].similarity >= similar[i].similarity);
});

Deno.test("recommendAll() gives every user the list recommend() gives, on Workers", async () => {
  const dir = await trained();
  using rec = await loadModel(`${dir}/model.bin`);
  const all = await rec.recommendAll(7, { threads: 2 });
  assert.equal(all.userIds.length, 300);
  assert.equal(all.movieIds.length, 300 * 7);
  for (const i of [0, 4, 150, 299]) {
    const one = rec.recommend(all.userIds[i], 7);
    assert.deepEqual(
      [...all.movieIds.subarray(i * 7, i * 7 + 7)],
      one.map((m) => m.movieId),
      `user ${all.userIds[i]}`,
    );
    assert.deepEqual([...all.scores.subarray(i * 7, i * 7 + 7)], one.map((m) => Math.fround(m.score)));
  }
  const unfiltered = await rec.recommendAll(7, { filterRated: false, threads: 1 });
  assert.notDeepEqual(unfiltered.movieIds, all.movieIds, "rated movies come back when not filtered");
});

Deno.test("foldInUser() gives a new user recommendations that follow their ratings", async () => {
  const dir = await trained();
  using rec = await loadModel(`${dir}/model.bin`);
  // Rate the 5 movies user 1 would like most 5 stars and the 5 they'd like least 0.5.
  const all = rec.movieIds.slice(0, 200);
  const byPred = [...all].map((id) => ({ id, r: rec.predictRating({ userId: 1, movieId: id }).rating }))
    .sort((a, b) => b.r - a.r);
  const liked = byPred.slice(0, 5), disliked = byPred.slice(-5);
  // By predicted rating: the rating model's fold-in is what follows the stars (the ranking model's follows what
  // a user rates at all, which this generator draws by popularity alone).
  const u1 = new Set(rec.recommend(1, 40, { by: "rating" }).map((m) => m.movieId));
  // The same ten movies rated the other way round must agree less with user 1.
  const [overlap, reversed] = [[5, 0.5], [0.5, 5]].map(([good, bad]) => {
    const user = rec.foldInUser([
      ...liked.map((x) => ({ movie: x.id, rating: good })),
      ...disliked.map((x) => ({ movie: x.id, rating: bad })),
    ]);
    return rec.recommendFor(user, 20, { by: "rating" }).filter((m) => u1.has(m.movieId)).length;
  });
  assert.ok(
    overlap >= 5 && overlap > reversed,
    `${overlap} of 20 in common with user 1's top 40, reversed ratings ${reversed}`,
  );
  assert.throws(() => rec.foldInUser([]), /at least one movie/);
  assert.throws(() => rec.foldInUser([{ movie: all[0], rating: 9 }]), /expected a number in 0\.5–5/);
});

Deno.test("predict --json answers scripts; without a terminal and without a question it prints usage and exits 2", async () => {
  const dir = await trained();
  const model = `${dir}/model.bin`;
  const one = await runCommand("predict.ts", ["--model", model, "--user", "3", "--movie", "1", "--json"]);
  assert.equal(one.code, 0, one.stderr);
  const p = JSON.parse(one.stdout);
  assert.equal(p.movieId, 1);
  assert.equal(p.userId, 3);
  const top = JSON.parse(
    (await runCommand("predict.ts", ["--model", model, "--user", "3", "--recommend", "4", "--json"])).stdout,
  );
  assert.equal(top.length, 4);
  // One name for a predicted rating: "rating", as in a single prediction; the list's order is "score";
  // similar movies have "similarity".
  assert.ok(
    top.every((m: Record<string, unknown>, i: number) =>
      typeof m.rating === "number" && typeof m.score === "number" && m.rank === i + 1
    ),
  );
  const similar = JSON.parse(
    (await runCommand("predict.ts", ["--model", model, "--similar", String(p.movieId), "--n", "3", "--json"]))
      .stdout,
  );
  assert.ok(
    similar.every((m: Record<string, unknown>) => typeof m.similarity === "number" && !("score" in m)),
  );
  const none = await runCommand("predict.ts", ["--model", model]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Nothing to do: give --user with --movie or --recommend/);
  const missing = await runCommand("predict.ts", ["--model", `${dir}/nope.bin`, "--search", "x"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /file not found; train one with 'deno task train'/);
});

/**
 * Runs the prompt on `model` in a pseudo-terminal and types: each step waits
 * until the screen shows its pattern (after the previous step's), then sends
 * its keys. Returns the screen as text and whether the process ended well.
 */
async function drivePrompt(
  model: string,
  steps: [RegExp, string][],
): Promise<{ screen: string; ok: boolean }> {
  const cmd = `${DENO} run --config ${new URL("deno.json", ROOT).pathname} -A ${
    new URL("cli/predict.ts", ROOT).pathname
  } --model ${model}`;
  const child = new Deno.Command("script", {
    args: ["-qfec", cmd, "/dev/null"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const writer = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let screen = "", seen = 0;
  // Strip ANSI sequences to read the screen as text.
  // deno-lint-ignore no-control-regex
  const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  try {
    for (const [expect, keys] of steps) {
      let found: RegExpExecArray | null;
      while (!(found = expect.exec(screen.slice(seen)))) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`The prompt ended before showing ${expect}; screen:\n${screen}`);
        screen = plain(screen + decoder.decode(value, { stream: true }));
      }
      // The next step looks after this match (what follows may have come in the same chunk).
      seen += found.index + found[0].length;
      await writer.write(new TextEncoder().encode(keys));
    }
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      screen = plain(screen + decoder.decode(value, { stream: true }));
    }
  } finally {
    await writer.close().catch(() => {});
  }
  const status = await child.status;
  clearTimeout(timer);
  return { screen, ok: status.success };
}

Deno.test({
  name: "the interactive prompt, driven through a pseudo-terminal: live search, rating, top 10, Ctrl-D",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await trained();
    using rec = await loadModel(`${dir}/model.bin`);
    const title = rec.movie(rec.movieIds[0]).title.slice(0, 12);
    // Not a number, an unknown user, a known one, "Predict a rating", part of a title (suggestions
    // appear), Enter, down-arrow to "Top 10", Enter, Ctrl-D.
    const { screen, ok } = await drivePrompt(`${dir}/model.bin`, [
      [/User id/, "abc\r"],
      [/"abc" is not a user id: type a number like 1, n \(new user\) or q \(quit\)/, "\x15"],
      [/User id/, "99999\r"],
      [/Unknown user "99999": ids run from 1 to 300/, "\x15"],
      [/User id/, "7\r"],
      [/User 7: what next\?/, "\r"],
      [/Movie \(type part of the title\)/, title],
      [new RegExp("❯ " + escape(title) + "[^\\n]*\\(\\d{4}\\)"), "\r"],
      [/Predicted rating for user 7: \d\.\d\d/, ""],
      [/what next\?/, "\x1b[B\r"],
      [/│\s+# │ movie\s+│ genres\s+│ predicted │ score │ ratings │/, ""],
      [/what next\?/, "\x04"],
    ]);
    assert.ok(ok, `Ctrl-D ends the prompt; screen:\n${screen.slice(-1500)}`);
    assert.match(screen, /Bye\./);
  },
});

Deno.test({
  name: "the prompt starts a new user with n, keeps them for predictions and top 10, and q in a menu quits",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await trained();
    using rec = await loadModel(`${dir}/model.bin`);
    const [liked, other] = [rec.movie(rec.movieIds[0]), rec.movie(rec.movieIds[1])];
    const { screen, ok } = await drivePrompt(`${dir}/model.bin`, [
      [/User id/, "n\r"],
      [/Rate a movie/, `${liked.title} (${liked.year})`],
      [new RegExp("❯ " + escape(liked.title) + " \\(" + liked.year + "\\)"), "\r"],
      [/Your rating of/, "\r"], // 5.0
      [/Next/, "\x1b[B\r"], // Show my recommendations
      [/Recommendations for you \(1 ratings\)/, ""],
      [/You \(1 ratings\): what next\?/, "\r"], // Predict a rating
      [/Movie \(type part of the title\)/, `${other.title} (${other.year})`],
      [new RegExp("❯ " + escape(other.title) + " \\(" + other.year + "\\)"), "\r"],
      [/Predicted rating for you: \d\.\d\d/, ""],
      [/You \(1 ratings\): what next\?/, "q"],
    ]);
    assert.ok(ok, `q ends the prompt; screen:\n${screen.slice(-1500)}`);
    assert.match(screen, /Bye\./);
  },
});

Deno.test("loadModel() needs no movies.csv (the model file carries its catalogue) and rebuilds a missing ratings cache", async () => {
  const dir = await trained();
  const copy = await Deno.makeTempDir({ prefix: "pmf-rec-copy-" });
  try {
    await Deno.copyFile(`${dir}/ratings.csv`, `${copy}/ratings.csv`);
    const model = await Deno.readFile(`${dir}/model.bin`);
    await Deno.writeFile(`${copy}/model.bin`, model);
    using rec = await loadModel({
      modelPath: `${copy}/model.bin`,
      ratingsPath: `${copy}/ratings.csv`,
      featuresDir: dir,
    });
    const movie = rec.movie(rec.movieIds[10]);
    assert.equal(rec.search(`${movie.title} (${movie.year})`, 1)[0].movieId, movie.movieId);
    const lines = (await Deno.readTextFile(`${copy}/ratings.csv`)).split("\n").filter((l) =>
      l.startsWith("4,")
    );
    const rated = new Set(lines.map((l) => Number(l.split(",")[1])));
    assert.ok(rec.recommend(4, 20).every((m) => !rated.has(m.movieId)));
    assert.ok((await Deno.stat(`${copy}/ratings.csv.pmfcache`)).size > 0, "the cache was rebuilt");
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
});

Deno.test("cleanup of the shared recommender set", async () => {
  if (shared) await Deno.remove(shared, { recursive: true });
  shared = undefined;
});

/** `text` as a literal inside a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

Deno.test("predictRating() shows the user's own rating of a movie they rated, and says what a partial title matched", async () => {
  const dir = await trained();
  using rec = await loadModel(`${dir}/model.bin`);
  const csv = (await Deno.readTextFile(`${dir}/ratings.csv`)).split("\n");
  const [userId, movieId, rating] = csv[1].split(",").map(Number);
  const rated = rec.predictRating({ userId, movieId });
  assert.equal(rated.actualRating, rating);
  assert.equal(rated.match, undefined, "a movie given by id needs no match note");
  const unrated = rec.movieIds.find((id) => !csv.some((l) => l.startsWith(`${userId},${id},`)))!;
  assert.equal(rec.predictRating({ userId, movieId: unrated }).actualRating, null);
  const movie = rec.movie(rec.movieIds[3]);
  const exact = rec.predictRating({ userId, movieTitle: `${movie.title} (${movie.year})` });
  assert.equal(exact.match?.exact, true);
  const partial = rec.predictRating({ userId, movieTitle: movie.title.split(" ")[0] });
  assert.equal(partial.match?.exact, false);
  assert.ok(partial.match!.alternatives.length > 0, "the next candidates are named");
});

Deno.test("a catalogue movie with TMDB features and no ratings is searchable, predicted from metadata alone, similar and recommendable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pmf-cold-" });
  try {
    await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300, seed: 5 });
    await preprocess({ movielensDir: dir, tmdbDir: dir });
    // Pick a movie that has features, then drop every rating of it.
    const map = JSON.parse(await Deno.readTextFile(`${dir}/tmdb_index_map.json`)).movielens_to_row;
    const lines = (await Deno.readTextFile(`${dir}/ratings.csv`)).trimEnd().split("\n");
    const rated = new Set(lines.slice(1).map((l) => Number(l.split(",")[1])));
    const cold = [...rated].find((id) => map[id] !== undefined)!;
    await Deno.writeTextFile(
      `${dir}/ratings.csv`,
      lines.filter((l, i) => i === 0 || Number(l.split(",")[1]) !== cold).join("\n") + "\n",
    );
    await train({ ratingsPath: `${dir}/ratings.csv`, modelPath: `${dir}/model.bin`, epochs: 5 });
    using rec = await loadModel(`${dir}/model.bin`);
    assert.ok(!rec.movieIds.includes(cold), "the model has no row for it");
    const movie = rec.movie(cold);
    assert.equal(rec.search(`${movie.title} (${movie.year})`, 1)[0].movieId, cold);
    const p = rec.predictRating({ userId: 1, movieId: cold });
    assert.ok(p.metadataOnly && p.coldStart && p.usedMetadata, JSON.stringify(p));
    assert.ok(p.rating >= 0.5 && p.rating <= 5);
    const other = rec.predictRating({ userId: 2, movieId: cold, useMetadata: false });
    assert.ok(other.metadataOnly, "metadata is the only thing known about it");
    assert.ok(
      Math.abs(p.rating - rec.predictRating({ userId: 2, movieId: cold }).rating) >= 0,
      "predictable",
    );
    const similar = rec.similarMovies(cold, 5);
    assert.equal(similar.length, 5);
    assert.ok(similar.every((m) => m.movieId !== cold));
    // Sampled with the features as the movies' prior, the same movie gets its prior and a wider interval.
    await train({
      ratingsPath: `${dir}/ratings.csv`,
      modelPath: `${dir}/bpmf.bin`,
      bpmf: { k: 6, sweeps: 30, burnIn: 10 },
      ranking: false,
    });
    using sampled = await loadModel(`${dir}/bpmf.bin`);
    const b = sampled.predictRating({ userId: 1, movieId: cold });
    assert.ok(
      b.metadataOnly && b.sd! > 0 && b.interval![0] <= b.rating && b.rating <= b.interval![1],
      JSON.stringify(b),
    );
    const known = sampled.predictRating({ userId: 1, movieId: sampled.movieIds[0] });
    assert.ok(b.sd! > known.sd!, `a movie nobody rated is less certain: ${b.sd} vs ${known.sd}`);
    const everything = rec.recommend(1, 10_000, { by: "rating" });
    assert.ok(everything.some((m) => m.movieId === cold), "recommendable by predicted rating");
    assert.ok(
      !rec.recommend(1, 10_000).some((m) => m.movieId === cold),
      "the ranking model knows rated movies only",
    );
    const cli = await runCommand("predict.ts", [
      "--model",
      `${dir}/model.bin`,
      "--user",
      "1",
      "--movie",
      String(cold),
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /from metadata only: no ratings of this movie/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the ranking model is read on the first recommendation; a file damaged after loading is reported then", async () => {
  const dir = await trained();
  const copy = await Deno.makeTempFile({ suffix: ".bin" });
  try {
    const bytes = await Deno.readFile(`${dir}/model.bin`);
    await Deno.writeFile(copy, bytes);
    using rec = await loadModel({ modelPath: copy, ratingsPath: `${dir}/ratings.csv`, featuresDir: dir });
    assert.ok(rec.hasRanking);
    // Damage the ranking model's movie rows after the load: the first recommendation notices.
    const headerLen = new DataView(bytes.buffer).getUint32(12, true);
    const layout = JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + headerLen)));
    bytes[layout.arrays.find((a: { name: string }) => a.name === "rank_movies").offset + 12] ^= 1;
    await Deno.writeFile(copy, bytes);
    assert.throws(() => rec.recommend(3, 5), (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(
        e.message,
        /Cannot load the ranking model of .*: its array "rank_movies" fails its checksum/,
      );
      return true;
    });
    assert.equal(rec.recommend(3, 5, { by: "rating" }).length, 5, "the rating model still answers");
  } finally {
    await Deno.remove(copy);
  }
});

Deno.test("fit() without a ranking model recommends by predicted rating, and recommendAll() says what is missing", async () => {
  const ratings = [];
  for (let userId = 1; userId <= 30; userId++) {
    for (let movieId = 1; movieId <= 20; movieId++) {
      if ((userId + movieId) % 3 !== 0) ratings.push({ userId, movieId, rating: movieId % 2 ? 5 : 1 });
    }
  }
  using plain = await fit(ratings, { k: 4, epochs: 20, seed: 1, ranking: false });
  assert.equal(plain.hasRanking, false);
  const top = plain.recommend(1, 4);
  for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].score >= top[i].score && top[i].because === null);
  await assert.rejects(plain.recommendAll(3), /no ranking model; train it again without --no-ranking/);
  using ranked = await fit(ratings, { k: 4, epochs: 20, seed: 1 });
  assert.ok(ranked.hasRanking);
  assert.ok(
    ranked.recommend(1, 4).every((m) => m.because !== null),
    "each says which liked movie it is like",
  );
});
