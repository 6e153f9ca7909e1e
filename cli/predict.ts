/**
 * `deno task predict`: predicted ratings, recommendations, similar movies and
 * title search from a trained model, for scripts (`--json`) and people.
 *
 * @module
 */

import process from "node:process";
import { loadRecommender } from "../lib/serve/load.ts";
import { DEFAULT_MODEL_PATH } from "../lib/train/checkpoint.ts";
import { intFlag, parseFlags, runCli, UsageError } from "./_cli.ts";
import { describePrediction, movieTable, titleOf } from "./_format.ts";
import { table } from "./_table.ts";

const HELP = `Usage: deno task predict [options]

Answers questions with a trained model (train one with 'deno task train').

  --user ID --movie TITLE|ID   predicted rating of one movie for a user
  --user ID --recommend N      the user's top N movies among those not yet rated
  --similar TITLE|ID [--n N]   the N movies most similar to one (default 10)
  --search TEXT [--n N]        movies whose title matches

Options:
  --model FILE      model file (default: ${DEFAULT_MODEL_PATH})
  --no-metadata     leave TMDB metadata out of predictions
  --json            print JSON
  -h, --help        show this help

Titles may be partial, in any case, with or without accents or the year:
"toy story", "Amelie", "Heat (1995)".
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    user: { type: "string" },
    movie: { type: "string" },
    recommend: { type: "string" },
    similar: { type: "string" },
    search: { type: "string" },
    n: { type: "string" },
    model: { type: "string", default: DEFAULT_MODEL_PATH },
    "no-metadata": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  const asked = [v.movie, v.recommend, v.similar, v.search].filter((x) => x !== undefined).length;
  if (asked === 0) {
    if (!process.stdin.isTTY) {
      throw new UsageError(
        "Nothing to do: give --user with --movie or --recommend, or --similar, or --search",
      );
    }
    const { interactive } = await import("./_prompt.ts");
    await interactive(v.model, !v["no-metadata"]);
    return;
  }
  if (asked > 1) throw new UsageError("Ask one thing at a time: --movie, --recommend, --similar or --search");
  if ((v.movie !== undefined || v.recommend !== undefined) && v.user === undefined) {
    throw new UsageError("--movie and --recommend need --user ID");
  }
  const movieRef = (x: string) => (/^\d+$/.test(x) ? Number(x) : x);
  const n = intFlag(v.n, "n", 10, 1, 1000);
  const useMetadata = !v["no-metadata"];
  using rec = await loadRecommender({ modelPath: v.model, metadata: useMetadata });
  const out = (json: unknown, text: string) => console.log(v.json ? JSON.stringify(json) : text);
  if (v.movie !== undefined) {
    const userId = intFlag(v.user, "user", 0);
    const ref = movieRef(v.movie);
    const p = rec.predictRating(
      typeof ref === "number"
        ? { userId, movieId: ref, useMetadata }
        : { userId, movieTitle: ref, useMetadata },
    );
    out(p, describePrediction(p));
  } else if (v.recommend !== undefined) {
    const userId = intFlag(v.user, "user", 0);
    const rows = rec.recommend(userId, intFlag(v.recommend, "recommend", 10, 1, 1000), { useMetadata });
    out(rows, `Top ${rows.length} for user ${userId}:\n${movieTable(rows)}`);
  } else if (v.similar !== undefined) {
    const rows = rec.similarMovies(movieRef(v.similar), n);
    out(rows, `Most similar to ${v.similar}:\n${movieTable(rows)}`);
  } else {
    const hits = rec.search(v.search!, n);
    out(
      hits.map((m) => ({ movieId: m.movieId, title: m.title, year: m.year, genres: m.genres })),
      hits.length
        ? table(["id", "movie", "genres"], hits.map((m) => [m.movieId, titleOf(m), m.genres.join(", ")]), [0])
        : `No title matches "${v.search}"`,
    );
  }
}

if (import.meta.main) await runCli("predict", () => main(Deno.args));
