import assert from "node:assert/strict";
import { MIN_ALIGN, RegionAllocator } from "../lib/_allocator.ts";

function fixed(start: number, end: number): RegionAllocator {
  return new RegionAllocator(start, end, () => end);
}

Deno.test("RegionAllocator.alloc() returns aligned, non-overlapping blocks", () => {
  const heap = fixed(100, 10_000);
  const a = heap.alloc(10);
  const b = heap.alloc(1);
  const c = heap.alloc(100, 64);
  for (const p of [a, b, c]) assert.equal(p % MIN_ALIGN, 0);
  assert.equal(c % 64, 0);
  assert.ok(a >= 100 && b >= a + 16 && c >= b + 16);
  assert.equal(heap.bytesInUse, 16 + 16 + 112);
});

Deno.test("RegionAllocator.free() makes space reusable and coalesces neighbours", () => {
  const heap = fixed(0, 64);
  const a = heap.alloc(16);
  const b = heap.alloc(16);
  const c = heap.alloc(32);
  assert.throws(() => heap.alloc(16), RangeError);
  heap.free(a);
  heap.free(b);
  // a and b coalesce into one 32-byte block.
  assert.equal(heap.alloc(32), a);
  heap.free(c);
  assert.equal(heap.bytesInUse, 32);
});

Deno.test("RegionAllocator.alloc() grows the range when nothing fits", () => {
  let end = 64;
  const heap = new RegionAllocator(0, end, (minEnd) => (end = Math.ceil(minEnd / 1024) * 1024));
  heap.alloc(48);
  const big = heap.alloc(2000);
  assert.ok(big + 2000 <= end);
  assert.equal(heap.end, end);
  assert.equal(end, 2048);
});

Deno.test("RegionAllocator rejects a double free and bad sizes", () => {
  const heap = fixed(0, 1024);
  const p = heap.alloc(8);
  heap.free(p);
  assert.throws(() => heap.free(p), /double free/);
  assert.throws(() => heap.alloc(-1), RangeError);
  assert.throws(() => heap.alloc(8, 3), /power of two/);
});
