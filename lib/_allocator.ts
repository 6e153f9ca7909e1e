/**
 * A first-fit allocator over a range of byte offsets, with coalescing.
 *
 * Pure bookkeeping: it never touches memory. The binding module (`wasm.ts`)
 * owns one per WebAssembly memory and supplies `grow`, which extends the
 * managed range. Offsets and sizes are multiples of {@link MIN_ALIGN}, so a
 * SIMD row or an f64 never straddles a misaligned address.
 *
 * @module
 */

/** Smallest alignment and size granule, in bytes (one `v128`). */
export const MIN_ALIGN = 16;

interface Block {
  start: number;
  size: number;
}

/** Extends the managed range so it ends at or after `minEnd`; returns the new end. */
export type GrowFn = (minEnd: number) => number;

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** First-fit free-list allocator; see the module doc. */
export class RegionAllocator {
  #free: Block[] = [];
  #used = new Map<number, Block>();
  #end: number;
  #grow: GrowFn;

  /** Manages `[start, end)`; `grow` is called when no free block fits. */
  constructor(start: number, end: number, grow: GrowFn) {
    const first = alignUp(start, MIN_ALIGN);
    this.#end = end;
    this.#grow = grow;
    if (end > first) this.#free.push({ start: first, size: end - first });
  }

  /** Bytes handed out and not yet freed (rounded sizes, padding included). */
  get bytesInUse(): number {
    let total = 0;
    for (const block of this.#used.values()) total += block.size;
    return total;
  }

  /** End of the managed range. */
  get end(): number {
    return this.#end;
  }

  /**
   * Returns the offset of `bytes` bytes aligned to `align` (a power of two,
   * at least {@link MIN_ALIGN}). A zero-byte request still gets a unique offset.
   */
  alloc(bytes: number, align: number = MIN_ALIGN): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`Cannot allocate "${bytes}" bytes: expected a non-negative integer`);
    }
    if (!Number.isSafeInteger(align) || align < 1 || (align & (align - 1)) !== 0) {
      throw new RangeError(`Cannot allocate with alignment "${align}": expected a power of two`);
    }
    align = Math.max(align, MIN_ALIGN);
    const size = alignUp(Math.max(bytes, 1), MIN_ALIGN);
    let ptr = this.#take(size, align);
    if (ptr < 0) {
      this.#extend(alignUp(this.#lastFreeStart(), align) + size);
      ptr = this.#take(size, align);
    }
    if (ptr < 0) throw new RangeError(`Cannot allocate ${bytes} bytes: memory could not grow enough`);
    return ptr;
  }

  /** Frees an offset returned by {@link alloc}; a double free throws. */
  free(ptr: number): void {
    const block = this.#used.get(ptr);
    if (!block) throw new RangeError(`Cannot free offset ${ptr}: it is not allocated (double free?)`);
    this.#used.delete(ptr);
    this.#insertFree(block);
  }

  #take(size: number, align: number): number {
    for (let i = 0; i < this.#free.length; i++) {
      const block = this.#free[i];
      const start = alignUp(block.start, align);
      const pad = start - block.start;
      if (pad + size > block.size) continue;
      const after = block.size - pad - size;
      const replacement: Block[] = [];
      if (pad > 0) replacement.push({ start: block.start, size: pad });
      if (after > 0) replacement.push({ start: start + size, size: after });
      this.#free.splice(i, 1, ...replacement);
      this.#used.set(start, { start, size });
      return start;
    }
    return -1;
  }

  /** Where a block grown at the end would start: the last free block if it touches the end. */
  #lastFreeStart(): number {
    const last = this.#free[this.#free.length - 1];
    return last && last.start + last.size === this.#end ? last.start : this.#end;
  }

  #extend(minEnd: number): void {
    if (minEnd <= this.#end) return;
    const newEnd = this.#grow(minEnd);
    if (newEnd < minEnd) return;
    const added = { start: this.#end, size: newEnd - this.#end };
    this.#end = newEnd;
    this.#insertFree(added);
  }

  #insertFree(block: Block): void {
    const list = this.#free;
    let i = 0;
    while (i < list.length && list[i].start < block.start) i++;
    list.splice(i, 0, { ...block });
    // Coalesce with the next, then with the previous neighbour.
    if (i + 1 < list.length && list[i].start + list[i].size === list[i + 1].start) {
      list[i].size += list[i + 1].size;
      list.splice(i + 1, 1);
    }
    if (i > 0 && list[i - 1].start + list[i - 1].size === list[i].start) {
      list[i - 1].size += list[i].size;
      list.splice(i, 1);
    }
  }
}
