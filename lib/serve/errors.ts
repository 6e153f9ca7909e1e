/**
 * The errors a recommender's caller catches: an unknown user (with the valid
 * range) and an unknown movie (with the closest titles).
 *
 * @module
 */

/**
 * A user id the model does not know; the message gives the valid range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit, UnknownUserError } from "../../mod.ts";
 *
 * using rec = await fit([{ userId: 1, movieId: 1, rating: 4 }, { userId: 2, movieId: 1, rating: 3 }], { epochs: 2 });
 * assert.throws(() => rec.predictRating({ userId: 99, movieId: 1 }), UnknownUserError);
 * ```
 */
export class UnknownUserError extends RangeError {
  /** The id asked for. */
  readonly userId: number;
  /** Builds the error with the valid range. */
  constructor(userId: number, first: number, last: number, count: number) {
    super(
      `Unknown user "${userId}": the model knows ${count} users with ids from ${first} to ${last}; use one of them, or fold in a new user from a few ratings`,
    );
    this.name = "UnknownUserError";
    this.userId = userId;
  }
}

/**
 * A movie the model cannot find, with the closest titles as `suggestions`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit, UnknownMovieError } from "../../mod.ts";
 *
 * const movies = [{ movieId: 1, title: "Heat" }, { movieId: 2, title: "Toy Story" }];
 * const ratings = [{ userId: 1, movieId: 1, rating: 4 }, { userId: 1, movieId: 2, rating: 3 }];
 * using rec = await fit(ratings, { epochs: 2, movies });
 * assert.throws(() => rec.predictRating({ userId: 1, movieTitle: "Toy Storyy" }), (e) => {
 *   assert.ok(e instanceof UnknownMovieError);
 *   assert.deepEqual(e.suggestions, ["Toy Story"]);
 *   return true;
 * });
 * ```
 */
export class UnknownMovieError extends RangeError {
  /** What was asked for. */
  readonly query: string;
  /** The closest titles, best first ("Title (Year)"). */
  readonly suggestions: string[];
  /** Builds the error with suggestions. */
  constructor(query: string, suggestions: string[]) {
    super(
      `Unknown movie "${query}"${
        suggestions.length
          ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?`
          : ": no title is close"
      }`,
    );
    this.name = "UnknownMovieError";
    this.query = query;
    this.suggestions = suggestions;
  }
}
