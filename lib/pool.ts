/**
 * A pool of Workers that run core kernels over one shared memory.
 *
 * Workers are created once and live until {@link WorkerPool.close}; each gets
 * its own stack region in the shared memory, allocated by the main thread.
 * Tasks carry raw kernel arguments (pointers and numbers); results come back
 * through memory. Tasks for one Worker run in the order they were given.
 *
 * @module
 */

import type { KernelName, WasmCore } from "./wasm.ts";

/** One kernel call for a Worker. */
export interface PoolTask {
  /** The kernel to run. */
  kernel: KernelName;
  /** Its C-ABI arguments (pointers are byte offsets in the shared memory). */
  args: readonly number[];
}

/** Options for {@link WorkerPool.create}. */
export interface WorkerPoolOptions {
  /** Number of Workers. Default: the number of logical cores. */
  threads?: number;
  /** Stack bytes per Worker. Default: 1 MiB. */
  stackBytes?: number;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  region: number;
  pending: Map<number, Pending>;
}

/** The number of logical cores, at least 1. */
export function defaultThreads(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** Workers over a {@link WasmCore}'s shared memory; see the module doc. */
export class WorkerPool implements AsyncDisposable {
  #core: WasmCore;
  #slots: Slot[];
  #nextId = 1;
  #closed = false;

  private constructor(core: WasmCore, slots: Slot[]) {
    this.#core = core;
    this.#slots = slots;
  }

  /** Starts the Workers and waits until each has instantiated the core. */
  static async create(core: WasmCore, options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    const threads = options.threads ?? defaultThreads();
    const stackBytes = options.stackBytes ?? 1 << 20;
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`Cannot start a pool of "${threads}" threads: expected an integer in 1–256`);
    }
    if (!Number.isInteger(stackBytes) || stackBytes < 65536 || stackBytes % 16 !== 0) {
      throw new RangeError(
        `Cannot give Workers "${stackBytes}" stack bytes: expected a multiple of 16, at least 64 KiB`,
      );
    }
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < threads; i++) {
        const region = core.alloc(stackBytes);
        const worker = new Worker(new URL("./_pool_worker.ts", import.meta.url), { type: "module" });
        slots.push({ worker, region, pending: new Map() });
      }
      await Promise.all(slots.map((slot) => initWorker(core, slot, stackBytes)));
    } catch (error) {
      for (const slot of slots) {
        slot.worker.terminate();
        core.free(slot.region);
      }
      throw error;
    }
    const pool = new WorkerPool(core, slots);
    for (const slot of slots) pool.#listen(slot);
    return pool;
  }

  /** Number of Workers. */
  get size(): number {
    return this.#slots.length;
  }

  /** Runs one task on Worker `index`; resolves when it is done. */
  run(index: number, task: PoolTask): Promise<void> {
    if (this.#closed) return Promise.reject(new TypeError("Cannot run a task: the pool is closed"));
    const slot = this.#slots[index];
    if (!slot) {
      return Promise.reject(new RangeError(`Cannot run on Worker ${index}: the pool has ${this.size}`));
    }
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ type: "call", id, kernel: task.kernel, args: task.args });
    });
  }

  /**
   * Runs `tasks[i]` on Worker `i % size`, all Workers at once; resolves when
   * every task is done, or rejects with the first failure after all settle.
   */
  async runAll(tasks: readonly PoolTask[]): Promise<void> {
    const results = await Promise.allSettled(tasks.map((task, i) => this.run(i % this.size, task)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  /** Stops every Worker, rejects tasks still running, and frees the stacks. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const slot of this.#slots) {
      slot.worker.terminate();
      for (const p of slot.pending.values()) {
        p.reject(new Error("The pool was closed while a task was running"));
      }
      slot.pending.clear();
      this.#core.free(slot.region);
    }
    return Promise.resolve();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #listen(slot: Slot): void {
    slot.worker.onmessage = (event: MessageEvent) => {
      const msg = event.data;
      const pending = slot.pending.get(msg.id);
      if (!pending) return;
      slot.pending.delete(msg.id);
      if (msg.type === "done") pending.resolve();
      else pending.reject(new Error(msg.message));
    };
    slot.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      const error = new Error(`A pool Worker crashed: ${event.message}`);
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
    };
  }
}

function initWorker(core: WasmCore, slot: Slot, stackBytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    slot.worker.onmessage = (event: MessageEvent) => {
      if (event.data.type === "ready") resolve();
      else reject(new Error(`A pool Worker failed to start: ${event.data.message}`));
    };
    slot.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      reject(new Error(`A pool Worker failed to start: ${event.message}`));
    };
    slot.worker.postMessage({
      type: "init",
      module: core.module,
      memory: core.memory,
      region: { ptr: slot.region, bytes: stackBytes },
    });
  });
}
