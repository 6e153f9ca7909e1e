/**
 * Reading the TMDB 5000 files: tmdb_5000_movies.csv and, when present,
 * tmdb_5000_credits.csv, streamed through a real CSV parser. JSON fields
 * (genres, keywords, companies, countries, languages, cast, crew) are parsed;
 * a row whose JSON is broken is skipped and counted, and the first few are
 * reported as `file:line`. Invalid UTF-8 becomes U+FFFD instead of failing.
 *
 * @module
 */

import { Readable } from "node:stream";
import { parseCsv } from "../util/_deps.ts";
import { DataSyntaxError, notFound } from "../util/errors.ts";

/** The columns of tmdb_5000_movies.csv, in the file's order. */
export const MOVIES_HEADER = [
  "budget",
  "genres",
  "homepage",
  "id",
  "keywords",
  "original_language",
  "original_title",
  "overview",
  "popularity",
  "production_companies",
  "production_countries",
  "release_date",
  "revenue",
  "runtime",
  "spoken_languages",
  "status",
  "tagline",
  "title",
  "vote_average",
  "vote_count",
] as const;

/** The columns of tmdb_5000_credits.csv. */
export const CREDITS_HEADER = ["movie_id", "title", "cast", "crew"] as const;

/** One crew member. */
export interface CrewMember {
  /** Name. */
  name: string;
  /** Job, e.g. "Director". */
  job: string;
  /** Department, e.g. "Directing". */
  department: string;
}

/** One TMDB movie with the fields the features use. */
export interface TmdbMovie {
  /** TMDB id. */
  id: number;
  /** Title. */
  title: string;
  /** Original title. */
  originalTitle: string;
  /** Release year, or null. */
  year: number | null;
  /** Genre names. */
  genres: string[];
  /** Keyword names. */
  keywords: string[];
  /** Production company names. */
  companies: string[];
  /** Production country codes (ISO 3166-1). */
  countries: string[];
  /** Original language code. */
  language: string;
  /** Overview text. */
  overview: string;
  /** Popularity score. */
  popularity: number;
  /** Mean vote, 0–10. */
  voteAverage: number;
  /** Number of votes. */
  voteCount: number;
  /** Budget in dollars (0 when unknown). */
  budget: number;
  /** Revenue in dollars (0 when unknown). */
  revenue: number;
  /** Runtime in minutes, or null. */
  runtime: number | null;
  /** Cast names by billing order (empty without credits). */
  cast: string[];
  /** Crew (empty without credits). */
  crew: CrewMember[];
}

/** What {@link loadTmdb} read. */
export interface TmdbData {
  /** Movies, in file order (later duplicates of an id are dropped). */
  movies: TmdbMovie[];
  /** Rows of the movies file parsed. */
  movieRows: number;
  /** Rows of the credits file joined to a movie (0 without credits). */
  creditRows: number;
  /** True when the credits file was read. */
  hasCredits: boolean;
  /** Rows skipped for broken fields. */
  skipped: number;
  /** The first few skipped rows, as `file:line: reason`. */
  skippedExamples: string[];
}

const EXAMPLES = 5;
const LAYOUT_HINT =
  "expected data/tmdb/tmdb_5000_movies.csv and (optionally) tmdb_5000_credits.csv, the Kaggle TMDB 5000 files (see data/README.md)";

/** Streams a CSV file, checks its header names, and yields records keyed by column with their line. */
async function* records(
  path: string,
  what: string,
  header: readonly string[],
): AsyncGenerator<{ row: Record<string, string>; line: number }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw notFound(what, path, LAYOUT_HINT, error);
    throw error;
  }
  const parser = Readable.fromWeb(file.readable as import("node:stream/web").ReadableStream).pipe(
    parseCsv({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let index: number[] | null = null;
  try {
    for await (
      const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>
    ) {
      if (!index) {
        const names = record.map((f) => f.trim().toLowerCase());
        const missing = header.filter((h) => !names.includes(h));
        if (missing.length) {
          throw new DataSyntaxError(
            `Cannot read ${what} "${path}" at line 1: the header lacks ${
              missing.map((m) => `"${m}"`).join(", ")
            }; expected "${header.join(",")}"`,
            path,
            1,
            1,
          );
        }
        index = header.map((h) => names.indexOf(h));
        continue;
      }
      const row: Record<string, string> = {};
      header.forEach((h, i) => (row[h] = record[index![i]] ?? ""));
      yield { row, line: info.lines };
    }
  } catch (error) {
    if (error instanceof DataSyntaxError) throw error;
    const e = error as Error & { lines?: number };
    throw new DataSyntaxError(
      `Cannot parse ${what} "${path}"${e.lines ? ` at line ${e.lines}` : ""}: ${e.message}`,
      path,
      e.lines ?? 0,
      0,
    );
  }
  if (!index) {
    throw new DataSyntaxError(`Cannot read ${what} "${path}": the file is empty; ${LAYOUT_HINT}`, path, 1, 0);
  }
}

/** Parses a JSON array field of objects; "" is an empty list. */
function jsonList(text: string, field: string): Record<string, unknown>[] {
  if (text.trim() === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FieldError(`${field} is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new FieldError(`${field} is not a JSON list`);
  return value as Record<string, unknown>[];
}

class FieldError extends Error {}

function names(list: Record<string, unknown>[], key = "name"): string[] {
  return list.map((x) => String(x[key] ?? "").trim()).filter(Boolean);
}

function num(text: string): number {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : 0;
}

/** Reads the movies file and, unless `creditsPath` is null or missing, the credits file. */
export async function loadTmdb(moviesPath: string, creditsPath: string | null): Promise<TmdbData> {
  const byId = new Map<number, TmdbMovie>();
  const movies: TmdbMovie[] = [];
  let movieRows = 0, skipped = 0;
  const skippedExamples: string[] = [];
  const skip = (path: string, line: number, reason: string) => {
    skipped++;
    if (skippedExamples.length < EXAMPLES) skippedExamples.push(`${path}:${line}: ${reason}`);
  };
  for await (const { row, line } of records(moviesPath, "TMDB movies", MOVIES_HEADER)) {
    movieRows++;
    const id = Number(row.id);
    if (!Number.isSafeInteger(id) || id < 0 || row.id.trim() === "") {
      skip(moviesPath, line, `id "${row.id}" is not a whole number`);
      continue;
    }
    try {
      const year = /^(\d{4})/.exec(row.release_date)?.[1];
      const runtime = num(row.runtime);
      const movie: TmdbMovie = {
        id,
        title: row.title,
        originalTitle: row.original_title,
        year: year ? Number(year) : null,
        genres: names(jsonList(row.genres, "genres")),
        keywords: names(jsonList(row.keywords, "keywords")),
        companies: names(jsonList(row.production_companies, "production_companies")),
        countries: names(jsonList(row.production_countries, "production_countries"), "iso_3166_1"),
        language: row.original_language.trim(),
        overview: row.overview,
        popularity: num(row.popularity),
        voteAverage: num(row.vote_average),
        voteCount: num(row.vote_count),
        budget: num(row.budget),
        revenue: num(row.revenue),
        runtime: runtime > 0 ? runtime : null,
        cast: [],
        crew: [],
      };
      jsonList(row.spoken_languages, "spoken_languages");
      if (byId.has(id)) continue;
      byId.set(id, movie);
      movies.push(movie);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      skip(moviesPath, line, error.message);
    }
  }
  let creditRows = 0, hasCredits = false;
  if (creditsPath !== null) {
    try {
      await Deno.stat(creditsPath);
      hasCredits = true;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  if (hasCredits) {
    for await (const { row, line } of records(creditsPath!, "TMDB credits", CREDITS_HEADER)) {
      const movie = byId.get(Number(row.movie_id));
      if (!movie) continue;
      try {
        const cast = jsonList(row.cast, "cast")
          .map((c) => ({ name: String(c.name ?? "").trim(), order: Number(c.order ?? 1e9) }))
          .filter((c) => c.name)
          .sort((a, b) => a.order - b.order);
        const crew = jsonList(row.crew, "crew").map((c) => ({
          name: String(c.name ?? "").trim(),
          job: String(c.job ?? ""),
          department: String(c.department ?? ""),
        })).filter((c) => c.name);
        movie.cast = cast.map((c) => c.name);
        movie.crew = crew;
        creditRows++;
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        skip(creditsPath!, line, error.message);
      }
    }
  }
  return { movies, movieRows, creditRows, hasCredits, skipped, skippedExamples };
}
