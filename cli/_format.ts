/**
 * How predictions and movies are shown in the terminal (shared by the
 * predict command and its prompt).
 *
 * @module
 */

import type { Prediction, RecommendedMovie, SimilarMovie } from "../lib/serve/recommender.ts";
import { table } from "./_table.ts";

/** A movie's display title. */
export function titleOf(m: { title: string; year: number | null }): string {
  return m.year ? `${m.title} (${m.year})` : m.title;
}

/** A 0.5–5 rating as a bar of ten half-stars. */
export function ratingBar(rating: number): string {
  const halves = Math.round(rating * 2);
  return "★".repeat(Math.floor(halves / 2)) + (halves % 2 ? "½" : "") + "·".repeat(5 - Math.ceil(halves / 2));
}

/** The lines shown for one prediction. */
export function describePrediction(p: Prediction): string {
  const ctx = [
    p.userMean === null
      ? null
      : `${p.userId === null ? "your" : `user ${p.userId}'s`} mean rating ${p.userMean.toFixed(2)}`,
    p.movieMean === null
      ? "no ratings of this movie in the data"
      : `the movie's mean rating ${p.movieMean.toFixed(2)}`,
  ].filter(Boolean).join("; ");
  const matched = p.match && !p.match.exact
    ? `"${p.match.query}" matched ${titleOf(p)}${
      p.match.alternatives.length
        ? `; other candidates: ${
          p.match.alternatives.map(titleOf).join(", ")
        } (give the title and year to choose)`
        : ""
    }`
    : null;
  const actual = p.actualRating === null
    ? null
    : `${p.userId === null ? "You" : `User ${p.userId}`} rated this movie ${p.actualRating.toFixed(1)}  ${
      ratingBar(p.actualRating)
    }`;
  return [
    ...(matched ? [matched] : []),
    `${titleOf(p)} — ${p.genres.join(", ") || "no genres"}`,
    `Predicted rating for ${p.userId === null ? "you" : `user ${p.userId}`}: ${p.rating.toFixed(2)}${
      p.sd === undefined ? "" : ` ± ${p.sd.toFixed(2)}`
    }  ${ratingBar(p.rating)}${
      p.interval ? `  (90% interval ${p.interval[0].toFixed(1)}–${p.interval[1].toFixed(1)})` : ""
    }`,
    ...(actual ? [actual] : []),
    `${
      p.coldStart
        ? p.usedMetadata
          ? "from metadata only: no ratings of this movie"
          : "no ratings of this movie and no metadata"
        : p.usedMetadata
        ? "TMDB metadata used"
        : "no metadata"
    }; ${ctx}`,
  ].join("\n");
}

/**
 * Recommended movies (rank, predicted rating, and the score they are ordered
 * by) or similar movies (with their similarity) as a table.
 */
export function movieTable(rows: readonly (RecommendedMovie | SimilarMovie)[]): string {
  if (rows.length > 0 && "similarity" in rows[0]) {
    return table(
      ["movie", "genres", "similarity"],
      (rows as SimilarMovie[]).map((m) => [titleOf(m), m.genres.join(", "), m.similarity.toFixed(3)]),
      [2],
    );
  }
  const recs = rows as RecommendedMovie[];
  const why = recs.some((m) => m.because);
  return table(
    ["#", "movie", "genres", "predicted", "score", "ratings", ...(why ? ["because you rated"] : [])],
    recs.map((m) => [
      String(m.rank),
      titleOf(m),
      m.genres.join(", "),
      m.rating.toFixed(2),
      m.score.toFixed(3),
      String(m.ratings),
      ...(why ? [m.because ? `${titleOf(m.because)} ${m.because.rating.toFixed(1)}` : ""] : []),
    ]),
    [0, 3, 4, 5],
  );
}
