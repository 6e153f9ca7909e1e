/**
 * Progress bars on stderr for long work; silent when stderr is not a
 * terminal or when the command runs with --quiet or --json.
 *
 * @module
 */

import cliProgress from "cli-progress";
import process from "node:process";

/** A progress bar; every method is a no-op when disabled. */
export interface Progress {
  /** Sets the amount done. */
  update(done: number): void;
  /** Removes the bar. */
  stop(): void;
}

/** Starts a bar labelled `label` for `total` units (`unit` names them, e.g. "MB"). */
export function startProgress(label: string, total: number, unit: string, enabled = true): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: `${label.padEnd(18)} {bar} {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
