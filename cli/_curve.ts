/**
 * Pictures of how training went: an SVG of RMSE per epoch (train and
 * validation, the kept epoch marked), rendered with Vega-Lite and Vega without
 * a browser, and a small chart of the validation curve for the terminal.
 *
 * @module
 */

import asciichart from "asciichart";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** One line of the chart: a name and RMSE per epoch (NaN where there is none). */
export interface CurveSeries {
  /** Legend name, e.g. "train", "validation", "fold 2 validation". */
  name: string;
  /** RMSE of epochs 1, 2, …. */
  rmse: readonly number[];
}

/** Writes the SVG chart of `series` to `path`, marking epoch `kept` when given. */
export async function writeCurveSvg(
  path: string,
  title: string,
  series: readonly CurveSeries[],
  kept?: number,
): Promise<void> {
  const values = series.flatMap((s) =>
    s.rmse.flatMap((rmse, i) => (Number.isFinite(rmse) ? [{ epoch: i + 1, rmse, series: s.name }] : []))
  );
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 520,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: "line", point: values.length <= 120 },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
          y: { field: "rmse", type: "quantitative", title: "RMSE", scale: { zero: false } },
          color: { field: "series", type: "nominal", title: null },
        },
      },
      ...(kept
        ? [{
          data: { values: [{ epoch: kept, label: `kept: epoch ${kept}` }] },
          layer: [
            {
              mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
              encoding: { x: { field: "epoch", type: "quantitative" } },
            },
            {
              mark: { type: "text", align: "right", dx: -4, color: "gray" },
              encoding: {
                x: { field: "epoch", type: "quantitative" },
                y: { value: 10 },
                text: { field: "label" },
              },
            },
          ],
        }]
        : []),
    ],
  } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  await Deno.writeTextFile(path, svg);
}

/** A small line chart of `values` for the terminal (finite values only). */
export function terminalChart(values: readonly number[], height = 6): string {
  const points = values.filter(Number.isFinite);
  if (points.length < 2) return "";
  return asciichart.plot(points, { height, format: (x: number) => x.toFixed(4).padStart(8) });
}
