/**
 * One training at a time per model file: a lock file beside the model
 * (`<model>.lock`, holding the owner's process id and start time), taken
 * before training and removed after. A lock whose process is gone (killed)
 * is taken over; while the lock is held, temporary files a killed writer left
 * beside the model (`<model>.tmp-<pid>`) are removed.
 *
 * @module
 */

/** A held lock; release it when the run ends, however it ends. */
export interface ModelLock {
  /** Removes the lock file. */
  release(): Promise<void>;
}

/** Takes the lock of `modelPath`, or throws an error naming the process that holds it. */
export async function lockModelPath(modelPath: string): Promise<ModelLock> {
  const lockPath = `${modelPath}.lock`;
  const dir = modelPath.replace(/[^/\\]*$/, "");
  if (dir) await Deno.mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(
        lockPath,
        JSON.stringify({ pid: Deno.pid, started: new Date().toISOString() }) + "\n",
        { createNew: true },
      );
      await removeStaleTemps(modelPath);
      return { release: () => Deno.remove(lockPath).catch(() => {}) };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) {
        throw new Error(`Cannot lock "${modelPath}" for training: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    const owner = await readOwner(lockPath);
    if (owner && !processIsGone(owner.pid)) {
      throw new Error(
        `Cannot train into "${modelPath}": another training (process ${owner.pid}, started ${owner.started}) is writing it; wait for it to finish or use another --model (if that process is gone, delete "${lockPath}")`,
      );
    }
    await Deno.remove(lockPath).catch(() => {});
  }
  throw new Error(
    `Cannot train into "${modelPath}": its lock "${lockPath}" keeps reappearing; is another training starting?`,
  );
}

async function readOwner(lockPath: string): Promise<{ pid: number; started: string } | null> {
  try {
    const owner = JSON.parse(await Deno.readTextFile(lockPath));
    return Number.isInteger(owner?.pid) ? owner : null;
  } catch {
    return null;
  }
}

/** True only when the process surely no longer exists (checked through /proc, where there is one). */
function processIsGone(pid: number): boolean {
  try {
    Deno.statSync("/proc/self");
  } catch {
    return false;
  }
  try {
    Deno.statSync(`/proc/${pid}`);
    return false;
  } catch {
    return true;
  }
}

/** Removes `<model>.tmp-<pid>` files beside the model: with the lock held, their writers are gone. */
async function removeStaleTemps(modelPath: string): Promise<void> {
  const dir = modelPath.replace(/[^/\\]*$/, "") || ".";
  const base = modelPath.slice(modelPath.replace(/[^/\\]*$/, "").length);
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.startsWith(`${base}.tmp-`)) {
        await Deno.remove(`${dir}/${entry.name}`).catch(() => {});
      }
    }
  } catch {
    // An unreadable folder leaves nothing to clean that we could see.
  }
}
