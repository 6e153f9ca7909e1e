/**
 * The interactive prompt of `deno task predict`: choose a user, then predict
 * a rating (movie search with live suggestions: title, year, genres), see the
 * user's top 10, find similar movies, or rate a few movies as a new user and
 * get recommendations. "Quit", `q` in a search, Ctrl-C or Ctrl-D leave with
 * the terminal restored.
 *
 * @module
 */

import { input, search, select } from "@inquirer/prompts";
import process from "node:process";
import type { Movie } from "../lib/ingest/movies.ts";
import type { Recommender } from "../lib/serve/recommender.ts";
import { loadRecommender } from "../lib/serve/load.ts";
import { describePrediction, movieTable, titleOf } from "./_format.ts";

/** Thrown to leave the prompt (q typed in a search). */
class Quit extends Error {}

/** True for the errors inquirer raises on Ctrl-C / Ctrl-D / a closed terminal. */
function isExit(error: unknown): boolean {
  return error instanceof Quit ||
    (error instanceof Error && /ExitPromptError|AbortPromptError/.test(error.name));
}

/** Aborts the active prompt on Ctrl-D (inquirer handles Ctrl-C itself). */
const ctrlD = new AbortController();
const context = { signal: ctrlD.signal };

/** Runs the prompt until the person quits. */
export async function interactive(modelPath: string, useMetadata: boolean): Promise<void> {
  using rec = await loadRecommender({ modelPath, metadata: useMetadata });
  const onKey = (_: unknown, key: { ctrl?: boolean; name?: string } | undefined) => {
    if (key?.ctrl && key.name === "d") ctrlD.abort();
  };
  process.stdin.on("keypress", onKey);
  const ids = rec.userIds;
  console.log(
    `Model: ${rec.userIds.length} users, ${rec.movieIds.length} movies, k=${rec.factors}${
      rec.hasMetadata ? ", with TMDB metadata" : ""
    }. Ctrl-C or Ctrl-D to quit.`,
  );
  try {
    let user = await askUser(rec, `User id (${ids[0]}–${ids[ids.length - 1]})`);
    for (;;) {
      const action = await select({
        message: `User ${user}: what next?`,
        choices: [
          { name: "Predict a rating", value: "predict", description: "search a movie by part of its title" },
          { name: "Top 10 for this user", value: "top" },
          { name: "Similar movies", value: "similar" },
          { name: "New user: rate a few movies", value: "new" },
          { name: "Switch user", value: "user" },
          { name: "Quit", value: "quit" },
        ],
      }, context);
      if (action === "quit") break;
      if (action === "predict") {
        const m = await pickMovie(rec, "Movie (type part of the title)");
        console.log(describePrediction(rec.predictRating({ userId: user, movieId: m.movieId, useMetadata })));
      } else if (action === "top") {
        console.log(movieTable(rec.recommend(user, 10, { useMetadata })));
      } else if (action === "similar") {
        const m = await pickMovie(rec, "Movies similar to");
        console.log(movieTable(rec.similarMovies(m.movieId, 10)));
      } else if (action === "new") {
        await newUser(rec);
      } else {
        user = await askUser(rec, "User id");
      }
    }
  } catch (error) {
    if (!isExit(error)) throw error;
  } finally {
    process.stdin.off("keypress", onKey);
  }
  console.log("Bye.");
}

async function askUser(rec: Recommender, message: string): Promise<number> {
  const ids = rec.userIds;
  const answer = await input({
    message,
    validate: (v) => {
      if (v.trim() === "q") return true;
      if (!/^\d+$/.test(v.trim())) {
        return `"${v}" is not a user id: type a whole number like ${ids[0]}, or q to quit`;
      }
      const id = Number(v.trim());
      return (Number.isInteger(id) && ids.includes(id)) ||
        `Unknown user "${v}": ids run from ${ids[0]} to ${
          ids[ids.length - 1]
        } (or fold in a new user from the menu)`;
    },
  }, context);
  if (answer.trim() === "q") throw new Quit();
  return Number(answer.trim());
}

async function pickMovie(rec: Recommender, message: string): Promise<Movie> {
  const choice = await search<Movie | "quit">({
    message,
    source: (term) => {
      if (!term) return [];
      if (term.trim() === "q") return [{ name: "Quit", value: "quit" as const }];
      const hits = rec.search(term, 8);
      if (hits.length) {
        return hits.map((m) => ({
          name: titleOf(m),
          value: m,
          description: m.genres.join(", ") || "no genres",
        }));
      }
      return [{ name: `No title matches "${term}"`, value: "quit" as const, disabled: true }];
    },
  }, context);
  if (choice === "quit") throw new Quit();
  return choice;
}

async function newUser(rec: Recommender): Promise<void> {
  const ratings: { movie: number; rating: number }[] = [];
  for (;;) {
    const m = await pickMovie(
      rec,
      ratings.length ? `Rate another movie (${ratings.length} so far)` : "Rate a movie",
    );
    const rating = await select({
      message: `Your rating of ${titleOf(m)}`,
      choices: [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5].map((r) => ({ name: r.toFixed(1), value: r })),
    }, context);
    ratings.push({ movie: m.movieId, rating });
    const more = await select({
      message: "Next",
      choices: [{ name: "Rate another movie", value: true }, {
        name: "Show my recommendations",
        value: false,
      }],
    }, context);
    if (!more) break;
  }
  const folded = rec.foldInUser(ratings);
  console.log(`Recommendations for you (${ratings.length} ratings):`);
  console.log(movieTable(rec.recommendFor(folded, 10)));
}
