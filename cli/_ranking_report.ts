/**
 * The ranking model's lines in `deno task train`'s report (whatever trained the rating model).
 *
 * @module
 */

import type { TrainFileResult } from "../lib/train/train_pipeline.ts";
import { fmtInt } from "./_cli.ts";
import { table } from "./_table.ts";

/** How λ was chosen. */
export function rankingModelLine(ranking: NonNullable<TrainFileResult["ranking"]>): string {
  return `Ranking model: k=${ranking.k}, λ=${ranking.reg}${
    ranking.selection.length
      ? ` (NDCG@10 on a held-out 10% of each user's ratings: ${
        ranking.selection.map((s) => `${s.reg} → ${s.ndcg.toFixed(3)}`).join(", ")
      })`
      : ""
  }`;
}

/** Its lists on the test ratings beside most popular's, or "" without test ratings. */
export function rankingTestReport(ranking: TrainFileResult["ranking"]): string {
  const rt = ranking?.test;
  if (!rt) return "";
  return `\nRanking on the test ratings (${fmtInt(rt.users)} users with a test rating ≥ 4${
    rt.users === 5000 ? ", a seeded sample" : ""
  }; candidates: the movies they have not rated):\n${
    table(
      ["system", "NDCG@10", "recall@20", "coverage@10"],
      rt.systems.map((r) => [
        r.name,
        r.at[10].ndcg.toFixed(3),
        r.at[20].recall.toFixed(3),
        r.at[10].coverage.toFixed(3),
      ]),
      [1, 2, 3],
    )
  }`;
}
