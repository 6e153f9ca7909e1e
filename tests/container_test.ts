import assert from "node:assert/strict";
import { checksum } from "../lib/ingest/_ingest_kernels.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import {
  checksumPieces,
  checksumWords,
  ContainerError,
  ContainerFile,
  writeContainer,
} from "../lib/util/container.ts";
import { train } from "../mod.ts";
import { existsSync, seededFloats, tempDir } from "./_helpers.ts";

const FORMAT = { magic: "PMFTESTS", version: 3, what: "test container" };

Deno.test("checksumWords() equals the core's SIMD and scalar checksums for every length up to 70 and a large array", async () => {
  const core = await WasmCore.create();
  for (const n of [...Array.from({ length: 71 }, (_, i) => i), 1_000_003]) {
    const words = new Uint32Array(seededFloats(n, n + 3).buffer);
    using arr = core.allocArray(Uint32Array, Math.max(1, n));
    arr.view.set(words);
    const ts = checksumWords(words);
    assert.equal(ts, checksum(core, arr.ptr, n), `n=${n}`);
    assert.equal(ts, checksum(core, arr.ptr, n, true), `n=${n} scalar`);
  }
});

Deno.test("checksumPieces() over pieces of whole groups of 4 words equals checksumWords, and refuses a ragged middle piece", () => {
  const words = new Uint32Array(seededFloats(1003, 5).buffer);
  for (const cut of [0, 4, 16, 400, 1000]) {
    const sum = checksumPieces();
    sum.addWords(words.subarray(0, cut));
    sum.add(new Uint8Array(words.buffer, cut * 4));
    assert.equal(sum.digest(), checksumWords(words), `cut at ${cut}`);
  }
  const ragged = checksumPieces();
  ragged.addWords(words.subarray(0, 5));
  assert.throws(() => ragged.addWords(words.subarray(5, 9)), /partial group/);
});

Deno.test("ContainerFile.pieces() copies an array piece by piece into a new container, and a damaged array fails it", async () => {
  await using dir = await tempDir();
  const a = new Uint32Array(seededFloats(100_001, 9).buffer), b = Uint32Array.of(7, 8, 9);
  await writeContainer(`${dir.path}/x.bin`, FORMAT, { note: "x" }, [
    { name: "a", dtype: "u32", bytes: new Uint8Array(a.buffer) },
    { name: "b", dtype: "u32", bytes: new Uint8Array(b.buffer) },
  ]);
  const copy = async (from: string, to: string) => {
    using src = await ContainerFile.open(from, FORMAT);
    await writeContainer(
      to,
      FORMAT,
      { note: "copy" },
      src.header.arrays.map((e) => ({
        name: e.name,
        dtype: e.dtype,
        byteLength: e.length * 4,
        checksum: e.checksum,
        pieces: (write: (piece: Uint8Array) => Promise<void>) => src.pieces(e.name, write, 4096),
      })),
    );
  };
  await copy(`${dir.path}/x.bin`, `${dir.path}/y.bin`);
  using y = await ContainerFile.open(`${dir.path}/y.bin`, FORMAT);
  assert.deepEqual(new Uint32Array((await y.read("a")).buffer), a);
  assert.deepEqual(new Uint32Array((await y.read("b")).buffer), b);
  // Flip one byte inside "a": the copy fails and leaves no file behind.
  const bytes = await Deno.readFile(`${dir.path}/x.bin`);
  {
    using x = await ContainerFile.open(`${dir.path}/x.bin`, FORMAT);
    bytes[x.entry("a")!.offset + 50_000] ^= 1;
  }
  await Deno.writeFile(`${dir.path}/x.bin`, bytes);
  await assert.rejects(copy(`${dir.path}/x.bin`, `${dir.path}/z.bin`), /array "a" fails its checksum/);
  assert.ok(!existsSync(`${dir.path}/z.bin`));
});

Deno.test("the core's checksumMany equals checksumWords for arrays of equal and unequal lengths", async () => {
  const core = await WasmCore.create();
  for (const lengths of [[], [5], [64, 64, 64, 64], [0, 3, 17, 1000, 4, 4099], [1 << 18, 1 << 18, 1 << 18]]) {
    const arrays = lengths.map((n, i) => {
      const arr = core.allocArray(Uint32Array, Math.max(1, n));
      arr.view.set(new Uint32Array(seededFloats(n, 11 + i).buffer));
      return { arr, n };
    });
    try {
      using ptrs = core.allocArray(Uint32Array, Math.max(1, lengths.length));
      using lens = core.allocArray(Uint32Array, Math.max(1, lengths.length));
      arrays.forEach(({ arr, n }, i) => {
        ptrs.view[i] = arr.ptr;
        lens.view[i] = n;
      });
      const got = core.kernels.checksumMany(ptrs.ptr, lens.ptr, lengths.length);
      const want = arrays.map(({ arr, n }) => checksumWords(arr.view.subarray(0, n)));
      assert.deepEqual(got, want, `lengths ${lengths}`);
    } finally {
      for (const { arr } of arrays) arr.free();
    }
  }
});

Deno.test("writeContainer() and ContainerFile round-trip a header and arrays, and name what is damaged", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/c.bin`;
  const a = new Float32Array([1, 2, 3, 4.5]), b = new Uint32Array([7, 8, 9]);
  await writeContainer(path, FORMAT, { hello: "world" }, [
    { name: "a", dtype: "f32", bytes: new Uint8Array(a.buffer) },
    { name: "b", dtype: "u32", bytes: new Uint8Array(b.buffer) },
  ]);
  {
    using file = await ContainerFile.open(path, FORMAT);
    assert.equal(file.header.hello, "world");
    assert.deepEqual(new Float32Array((await file.read("a")).buffer), a);
    assert.deepEqual(new Uint32Array((await file.read("b")).buffer), b);
    await assert.rejects(file.read("c"), /lacks the array "c"/);
  }
  const good = await Deno.readFile(path);
  const bAt = await (async () => {
    using file = await ContainerFile.open(path, FORMAT);
    return file.entry("b")!.offset;
  })();
  const refuse = async (bytes: Uint8Array, kind: string, pattern: RegExp, array?: string) => {
    await Deno.writeFile(path, bytes);
    const attempt = async () => {
      using file = await ContainerFile.open(path, FORMAT);
      if (array) await file.read(array);
    };
    await assert.rejects(attempt(), (e: unknown) => {
      assert.ok(e instanceof ContainerError);
      assert.equal(e.kind, kind);
      assert.match(e.message, pattern);
      return true;
    });
  };
  const flipped = good.slice();
  flipped[bAt + 5] ^= 1;
  await refuse(flipped, "corrupt", /its array "b" fails its checksum \(corrupt\)/, "b");
  const header = good.slice();
  header[40] ^= 1;
  await refuse(header, "corrupt", /its header fails its checksum/);
  await refuse(
    good.slice(0, good.length - 32),
    "truncated",
    /it is truncated: \d+ bytes, expected at least \d+/,
  );
  await refuse(
    new TextEncoder().encode("PK\x03\x04 a zip file perhaps, long enough to hold a prefix"),
    "foreign",
    /not a test container file/,
  );
  const other = good.slice();
  new DataView(other.buffer).setUint32(8, 9, true);
  await refuse(other, "version", /format version 9, this version reads 3/);
  await assert.rejects(
    ContainerFile.open(`${dir.path}/none`, FORMAT),
    (e: unknown) => (e as ContainerError).kind === "missing",
  );
  const leftovers = [...Deno.readDirSync(dir.path)].map((e) => e.name).filter((n) => n.includes(".tmp-"));
  assert.deepEqual(leftovers, [], "no temporary file is left behind");
});

Deno.test("a model file verifies with the TypeScript checksum alone (no core needed)", async () => {
  await using dir = await tempDir();
  const ratings = [];
  for (let u = 1; u <= 20; u++) {
    for (let m = 1; m <= 15; m++) ratings.push({ userId: u, movieId: m, rating: 1 + ((u + m) % 9) / 2 });
  }
  await Deno.writeTextFile(
    `${dir.path}/ratings.csv`,
    "userId,movieId,rating\n" + ratings.map((r) => `${r.userId},${r.movieId},${r.rating}`).join("\n") + "\n",
  );
  await train({ ratingsPath: `${dir.path}/ratings.csv`, modelPath: `${dir.path}/m.bin`, epochs: 2, k: 4 });
  using file = await ContainerFile.open(`${dir.path}/m.bin`, {
    magic: "PMFMODEL",
    version: 1,
    what: "movie-recommender model",
  });
  assert.ok(file.header.arrays.length >= 6);
  for (const e of file.header.arrays) await file.read(e.name);
});

Deno.test({
  name: "writeContainer() on a full disk names the file and the cause, and leaves no temporary file",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await using dir = await tempDir();
    const path = `${dir.path}/m.bin`;
    // The temporary file is a link to /dev/full: every write fails with "no space left".
    await Deno.symlink("/dev/full", `${path}.tmp-${Deno.pid}`);
    const bytes = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    await assert.rejects(
      writeContainer(path, FORMAT, {}, [{ name: "a", dtype: "f32", bytes }]),
      new RegExp(`^Error: Cannot write ".*m\\.bin": the disk is full; free some space$`),
    );
    assert.deepEqual([...Deno.readDirSync(dir.path)], [], "no temporary file and no model file");
  },
});
