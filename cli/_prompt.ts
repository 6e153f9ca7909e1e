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
import type { FoldedUser, Recommender } from "../lib/serve/recommender.ts";
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
  let menuOpen = false;
  const onKey = (_: unknown, key: { ctrl?: boolean; name?: string } | undefined) => {
    // Ctrl-D anywhere, and q in a menu (in a text field q is a letter), leave the prompt.
    if ((key?.ctrl && key.name === "d") || (menuOpen && !key?.ctrl && key?.name === "q")) ctrlD.abort();
  };
  process.stdin.on("keypress", onKey);
  const ids = rec.userIds;
  console.log(
    `Model: ${rec.userIds.length} users, ${rec.movieIds.length} movies, k=${rec.factors}${
      rec.hasMetadata ? ", with TMDB metadata" : ""
    }. q, Ctrl-C or Ctrl-D to quit.`,
  );
  const menu = <T>(config: Parameters<typeof select<T>>[0]) => {
    menuOpen = true;
    return select<T>(config, context).finally(() => (menuOpen = false));
  };
  try {
    let who: Who = await askUser(rec, `User id (${ids[0]}–${ids[ids.length - 1]}), n for a new user`, menu);
    for (;;) {
      const known = who.kind === "known";
      const name = who.kind === "known" ? `User ${who.id}` : `You (${who.ratings.length} ratings)`;
      const action = await menu({
        message: `${name}: what next?`,
        choices: [
          { name: "Predict a rating", value: "predict", description: "search a movie by part of its title" },
          { name: "Top 10 for this user", value: "top" },
          { name: "Similar movies", value: "similar" },
          known
            ? { name: "New user: rate a few movies", value: "new" }
            : { name: "Rate more movies", value: "new" },
          { name: "Switch user", value: "user" },
          { name: "Quit", value: "quit" },
        ],
      });
      if (action === "quit") break;
      if (action === "predict") {
        const m = await pickMovie(rec, "Movie (type part of the title)");
        const options = { movieId: m.movieId, useMetadata };
        const p = who.kind === "known"
          ? rec.predictRating({ userId: who.id, ...options })
          : rec.predictFor(who.folded, options);
        console.log(describePrediction(p));
      } else if (action === "top") {
        console.log(
          movieTable(
            who.kind === "known"
              ? rec.recommend(who.id, 10, { useMetadata })
              : rec.recommendFor(who.folded, 10),
          ),
        );
      } else if (action === "similar") {
        const m = await pickMovie(rec, "Movies similar to");
        console.log(movieTable(rec.similarMovies(m.movieId, 10)));
      } else if (action === "new") {
        who = await newUser(rec, who.kind === "new" ? who.ratings : [], menu);
      } else {
        who = await askUser(rec, "User id, or n for a new user", menu);
      }
    }
  } catch (error) {
    if (!isExit(error)) throw error;
  } finally {
    process.stdin.off("keypress", onKey);
  }
  console.log("Bye.");
}

/** Who the session is about: a user of the model, or a new user folded in from their ratings. */
type Who =
  | { kind: "known"; id: number }
  | { kind: "new"; folded: FoldedUser; ratings: { movie: number; rating: number }[] };

/** A menu prompt (q leaves it). */
type Menu = <T>(config: Parameters<typeof select<T>>[0]) => Promise<T>;

async function askUser(rec: Recommender, message: string, menu: Menu): Promise<Who> {
  const ids = rec.userIds;
  const answer = (await input({
    message,
    validate: (v) => {
      const t = v.trim();
      if (t === "q" || t === "n") return true;
      if (!/^\d+$/.test(t)) {
        return `"${v}" is not a user id: type a number like ${ids[0]}, n (new user) or q (quit)`;
      }
      const id = Number(t);
      return (Number.isInteger(id) && ids.includes(id)) ||
        `Unknown user "${v}": ids run from ${ids[0]} to ${ids[ids.length - 1]} (or n for a new user)`;
    },
  }, context)).trim();
  if (answer === "q") throw new Quit();
  if (answer === "n") return await newUser(rec, [], menu);
  return { kind: "known", id: Number(answer) };
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

async function newUser(
  rec: Recommender,
  earlier: { movie: number; rating: number }[],
  menu: Menu,
): Promise<Who> {
  const ratings = [...earlier];
  for (;;) {
    const m = await pickMovie(
      rec,
      ratings.length ? `Rate another movie (${ratings.length} so far)` : "Rate a movie",
    );
    const rating = await menu({
      message: `Your rating of ${titleOf(m)}`,
      choices: [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5].map((r) => ({ name: r.toFixed(1), value: r })),
    });
    ratings.push({ movie: m.movieId, rating });
    const more = await menu({
      message: "Next",
      choices: [{ name: "Rate another movie", value: true }, {
        name: "Show my recommendations",
        value: false,
      }],
    });
    if (!more) break;
  }
  const folded = rec.foldInUser(ratings);
  console.log(`Recommendations for you (${ratings.length} ratings):`);
  console.log(movieTable(rec.recommendFor(folded, 10)));
  return { kind: "new", folded, ratings };
}
