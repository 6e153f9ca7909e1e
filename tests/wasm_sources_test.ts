import assert from "node:assert/strict";
import { ROOT } from "./_helpers.ts";

const CORE = new URL("core-wasm/", ROOT);

async function sha256(url: URL): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(url));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("core-wasm/pmf_core.sha256 lists every Rust source and built file with its current hash", async () => {
  const manifest = await Deno.readTextFile(new URL("pmf_core.sha256", CORE));
  const entries = manifest.trim().split("\n").map((line) => {
    const [hash, path] = line.split(/\s+/);
    return { hash, path };
  });
  const listed = new Set(entries.map((e) => e.path));
  for await (const entry of Deno.readDir(new URL("src/", CORE))) {
    if (entry.name.endsWith(".rs")) {
      assert.ok(listed.has(`src/${entry.name}`), `src/${entry.name} is missing from the manifest`);
    }
  }
  for (
    const file of [
      "Cargo.toml",
      "Cargo.lock",
      "build.sh",
      "pkg/pmf_core_bg.wasm",
      "pkg/pmf_core.js",
      "pkg/pmf_core.d.ts",
    ]
  ) {
    assert.ok(listed.has(file), `${file} is missing from the manifest`);
  }
  for (const { hash, path } of entries) {
    assert.equal(
      await sha256(new URL(path, CORE)),
      hash,
      `core-wasm/${path} changed since core-wasm/pkg/ was built: run 'deno task build:wasm' and commit the result`,
    );
  }
});
