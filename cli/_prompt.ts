/**
 * The interactive prompt of `deno task predict` (line-based): pick a user,
 * type part of a title to see the predicted rating, or `top`, `similar
 * TITLE`, `new` (rate a few movies and get recommendations), `user ID`,
 * `help`; `q`, Ctrl-C or Ctrl-D leave.
 *
 * @module
 */

import { createInterface } from "node:readline/promises";
import process from "node:process";
import {
  loadRecommender,
  type Recommender,
  UnknownMovieError,
  UnknownUserError,
} from "../lib/recommender.ts";
import type { Movie } from "../lib/movies.ts";
import { describePrediction, titleOf } from "./_format.ts";
import { table } from "./_table.ts";

const COMMANDS = `Type part of a movie title to see the predicted rating, or:
  top [N]          the user's top N movies (default 10)
  similar TITLE    movies most like one
  new              rate a few movies as a new user and get recommendations
  user ID          switch user
  q                quit (Ctrl-C and Ctrl-D work too)`;

/** Runs the prompt until the person quits. */
export async function interactive(modelPath: string, useMetadata: boolean): Promise<void> {
  using rec = await loadRecommender({ modelPath });
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const ask = async (q: string): Promise<string | null> => {
    try {
      return (await rl.question(q)).trim();
    } catch {
      return null; // closed: Ctrl-D or Ctrl-C
    }
  };
  let closed = false;
  rl.on("close", () => (closed = true));
  rl.on("SIGINT", () => rl.close());
  const ids = rec.model.userIds;
  console.log(
    `Model: ${rec.model.nUsers} users, ${rec.model.nMovies} movies, k=${rec.model.k}${
      rec.hasMetadata ? ", with TMDB metadata" : ""
    }.`,
  );
  try {
    let user = await chooseUser(rec, ask, `User id (${ids[0]}–${ids[ids.length - 1]}): `);
    if (user === null) return;
    console.log(COMMANDS);
    while (!closed) {
      const line = await ask(`user ${user}> `);
      if (line === null || line === "q" || line === "quit") break;
      if (!line) continue;
      try {
        const [word, ...rest] = line.split(/\s+/);
        const arg = rest.join(" ");
        if (word === "help" || word === "?") console.log(COMMANDS);
        else if (word === "top") {
          const n = Number(arg || 10);
          console.log(
            movies(rec.recommend(user, Number.isInteger(n) && n > 0 ? n : 10, { useMetadata }), "rating"),
          );
        } else if (word === "similar" && arg) {
          const m = await pickMovie(rec, arg, ask);
          if (m) console.log(movies(rec.similarMovies(m.movieId, 10), "similarity"));
        } else if (word === "user") {
          user = await chooseUser(rec, ask, "User id: ", arg) ?? user;
        } else if (word === "new") {
          await newUser(rec, ask);
        } else {
          const m = await pickMovie(rec, line, ask);
          if (m) {
            console.log(
              describePrediction(rec.predictRating({ userId: user, movieId: m.movieId, useMetadata })),
            );
          }
        }
      } catch (error) {
        if (error instanceof UnknownMovieError || error instanceof UnknownUserError) {
          console.log(error.message);
        } else throw error;
      }
    }
  } finally {
    rl.close();
    console.log("Bye.");
  }
}

function movies(
  rows: { title: string; year: number | null; genres: string[]; score: number }[],
  name: string,
) {
  return table(
    ["movie", "genres", name],
    rows.map((m) => [titleOf(m), m.genres.join(", "), m.score.toFixed(2)]),
    [2],
  );
}

async function chooseUser(
  rec: Recommender,
  ask: (q: string) => Promise<string | null>,
  question: string,
  given?: string,
): Promise<number | null> {
  for (let answer = given ?? await ask(question); answer !== null; answer = await ask(question)) {
    if (answer === "q") return null;
    const id = Number(answer);
    const ids = rec.model.userIds;
    if (Number.isInteger(id) && rec.model.userIds.includes(id)) return id;
    console.log(
      `Unknown user "${answer}": ids run from ${ids[0]} to ${
        ids[ids.length - 1]
      }; type one of them, or q to quit`,
    );
  }
  return null;
}

async function pickMovie(
  rec: Recommender,
  query: string,
  ask: (q: string) => Promise<string | null>,
): Promise<Movie | null> {
  const hits = rec.search(query, 8);
  if (!hits.length) {
    rec.resolveMovie(query); // throws with "did you mean"
    return null;
  }
  if (hits.length === 1) return hits[0];
  hits.forEach((m, i) => console.log(`  ${i + 1}. ${titleOf(m)} — ${m.genres.join(", ")}`));
  const answer = await ask("Which one (number, Enter for 1)? ");
  if (answer === null) return null;
  const i = answer === "" ? 0 : Number(answer) - 1;
  return hits[i] ?? null;
}

async function newUser(rec: Recommender, ask: (q: string) => Promise<string | null>): Promise<void> {
  console.log("Rate a few movies as TITLE = RATING (0.5–5), one per line; an empty line when done.");
  const ratings: { movie: number; rating: number }[] = [];
  for (let line = await ask("  rate> "); line; line = await ask("  rate> ")) {
    const m = line.match(/^(.*?)\s*=\s*([\d.]+)$/);
    if (!m) {
      console.log('  Write it as TITLE = RATING, e.g. "toy story = 4.5"');
      continue;
    }
    try {
      const movie = await pickMovie(rec, m[1], ask);
      if (movie) {
        ratings.push({ movie: movie.movieId, rating: Number(m[2]) });
        console.log(`  ${titleOf(movie)}: ${m[2]}`);
      }
    } catch (error) {
      if (error instanceof UnknownMovieError) console.log(`  ${error.message}`);
      else throw error;
    }
  }
  if (!ratings.length) return;
  const folded = rec.foldInUser(ratings);
  console.log(`Recommendations for the new user (${ratings.length} ratings):`);
  console.log(movies(rec.recommendFor(folded, 10), "rating"));
}
