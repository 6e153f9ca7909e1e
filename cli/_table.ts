/**
 * Aligned, compact tables for terminal output.
 *
 * @module
 */

import Table from "cli-table3";

/** Renders rows under `head`; columns listed in `right` are right-aligned. */
export function table(head: string[], rows: (string | number)[][], right: number[] = []): string {
  const t = new Table({
    head,
    style: { head: [], border: [], "padding-left": 1, "padding-right": 1 },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colAligns: head.map((_, i) => (right.includes(i) ? "right" : "left")),
  });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}
