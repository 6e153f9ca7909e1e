/**
 * A pool of Workers that run core kernels over one shared memory.
 *
 * Workers are created once and live until {@link WorkerPool.close}; each
 * starts the core over the main thread's memory (the core gives each thread
 * its own stack). Tasks carry a kernel name and its arguments (pointers and
 * numbers); a task resolves with what the kernel returned. Tasks for one
 * Worker run in the order they were given.
 *
 * Teardown is ordered: {@link WorkerPool.close} first waits for every task
 * in flight to settle (also after a failure), then asks each Worker to free
 * its stack in the core and waits for the answer, and only then terminates
 * it; so nothing a Worker may still touch is freed under it.
 *
 * @module
 */

import type { KernelArgs, KernelName, KernelResult, WasmCore } from "./wasm.ts";

/** One kernel call for a Worker. */
export interface PoolTask<K extends KernelName = KernelName> {
  /** The kernel to run. */
  kernel: K;
  /** Its arguments (pointers are byte offsets in the shared memory). */
  args: KernelArgs<K>;
}

/** Options for {@link WorkerPool.create}. */
export interface WorkerPoolOptions {
  /** Number of Workers. Default: the number of logical cores. */
  threads?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Settles when the Worker has crashed (its tasks are then rejected). */
  crashed: boolean;
}

/** The number of logical cores, at least 1. */
export function defaultThreads(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** Workers over a {@link WasmCore}'s shared memory; see the module doc. */
export class WorkerPool implements AsyncDisposable {
  #slots: Slot[];
  #nextId = 1;
  #closed: Promise<void> | undefined;
  #inFlight = new Set<Promise<unknown>>();

  private constructor(slots: Slot[]) {
    this.#slots = slots;
  }

  /** Starts the Workers and waits until each has started the core. */
  static async create(core: WasmCore, options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    const threads = options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`Cannot start a pool of "${threads}" threads: expected an integer in 1–256`);
    }
    const slots: Slot[] = [];
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL("./_pool_worker.ts", import.meta.url), { type: "module" });
      slots.push({ worker, pending: new Map(), crashed: false });
    }
    const pool = new WorkerPool(slots);
    for (const slot of slots) pool.#listen(slot);
    const started = await Promise.allSettled(
      slots.map((slot) => pool.#request(slot, { type: "init", module: core.module, memory: core.memory })),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      await pool.close();
      throw new Error(`A pool Worker failed to start: ${(failed.reason as Error).message}`);
    }
    return pool;
  }

  /** Number of Workers. */
  get size(): number {
    return this.#slots.length;
  }

  /** Tasks given and not yet settled. */
  get busy(): number {
    return this.#inFlight.size;
  }

  /** Runs one task on Worker `index`; resolves with the kernel's result when it is done. */
  run<K extends KernelName>(index: number, task: PoolTask<K>): Promise<KernelResult<K>> {
    if (this.#closed) return Promise.reject(new TypeError("Cannot run a task: the pool is closed"));
    const slot = this.#slots[index];
    if (!slot) {
      return Promise.reject(new RangeError(`Cannot run on Worker ${index}: the pool has ${this.size}`));
    }
    const done = this.#request(slot, { type: "call", kernel: task.kernel, args: task.args });
    this.#inFlight.add(done);
    const forget = () => this.#inFlight.delete(done);
    done.then(forget, forget);
    return done as Promise<KernelResult<K>>;
  }

  /**
   * Runs `tasks[i]` on Worker `i % size`, all Workers at once; resolves with
   * the results in task order when every task is done, or rejects with the
   * first failure once all have settled.
   */
  runAll<K extends KernelName>(tasks: readonly PoolTask<K>[]): Promise<KernelResult<K>[]> {
    return settleAll(tasks.map((task, i) => this.run(i % this.size, task)));
  }

  /**
   * Waits for the tasks in flight to settle, frees each Worker's stack in the
   * core, then stops the Workers. Idempotent; safe after a failure.
   */
  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    await Promise.allSettled(
      this.#slots.filter((slot) => !slot.crashed).map((slot) => this.#request(slot, { type: "stop" })),
    );
    for (const slot of this.#slots) slot.worker.terminate();
  }

  #request(slot: Slot, message: Record<string, unknown>): Promise<unknown> {
    if (slot.crashed) return Promise.reject(new Error("A pool Worker crashed earlier"));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...message, id });
    });
  }

  #listen(slot: Slot): void {
    slot.worker.onmessage = (event: MessageEvent) => {
      const msg = event.data;
      const pending = slot.pending.get(msg.id);
      if (!pending) return;
      slot.pending.delete(msg.id);
      if (msg.type === "done") pending.resolve(msg.result);
      else pending.reject(new Error(msg.message));
    };
    slot.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      slot.crashed = true;
      const error = new Error(`A pool Worker crashed: ${event.message}`);
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
    };
  }
}

/** Like `Promise.all`, but rejects only once every promise has settled. */
export async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
