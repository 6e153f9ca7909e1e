#!/usr/bin/env bash
# Builds core-wasm/pmf_core.wasm, reproducibly, with Debian's Rust toolchain
# (rustc 1.63 + libstd-rust-dev-wasm32 + lld, and binaryen's wasm-opt).
#
#   bash core-wasm/build.sh          rebuild pmf_core.wasm and its hash manifest
#   bash core-wasm/build.sh --check  rebuild into a temporary file and fail if it
#                                    differs from the committed pmf_core.wasm
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rustc=${PMF_RUSTC:-/usr/bin/rustc}
cargo=${PMF_CARGO:-/usr/bin/cargo}
mode=${1:-build}

for tool in "$rustc" "$cargo" wasm-opt; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "Cannot build the WebAssembly core: \"$tool\" was not found." >&2
    echo "Install Debian's toolchain: apt-get install -y rustc cargo libstd-rust-dev-wasm32 lld binaryen" >&2
    exit 1
  fi
done
if [ ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]; then
  echo "Cannot build the WebAssembly core: the wasm32 standard library is missing." >&2
  echo "Install it: apt-get install -y libstd-rust-dev-wasm32 lld" >&2
  exit 1
fi

# Threaded SIMD build over an imported shared memory (see core-wasm/README.md).
# --no-check-features lets core's bounds-check panics link; they reach the
# trapping panic handler. Paths are remapped so the bytes do not depend on
# where the checkout lives.
flags=(
  -C target-feature=+simd128,+atomics,+bulk-memory,+mutable-globals
  -C link-arg=--shared-memory
  -C link-arg=--import-memory
  -C link-arg=--max-memory=4294967296
  -C link-arg=--export=__stack_pointer
  -C link-arg=--export=__heap_base
  -C link-arg=--no-check-features
  "--remap-path-prefix=$here=/pmf_core"
  "--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
)

export RUSTC="$rustc"
export RUSTFLAGS="${flags[*]}"
export SOURCE_DATE_EPOCH=0
unset CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
"$cargo" build --quiet --release --locked --offline \
  --manifest-path "$here/Cargo.toml" \
  --target wasm32-unknown-unknown \
  --target-dir "$here/target"

raw="$here/target/wasm32-unknown-unknown/release/pmf_core.wasm"
tmp=$(mktemp "${TMPDIR:-/tmp}/pmf_core.XXXXXX.wasm")
trap 'rm -f "$tmp"' EXIT
wasm-opt -O3 --enable-simd --enable-threads --enable-bulk-memory \
  --enable-mutable-globals --enable-sign-ext --strip-debug --strip-producers \
  "$raw" -o "$tmp"

manifest() {
  (cd "$here" && sha256sum Cargo.toml Cargo.lock build.sh $(ls src/*.rs | LC_ALL=C sort) pmf_core.wasm)
}

if [ "$mode" = "--check" ]; then
  if ! cmp -s "$tmp" "$here/pmf_core.wasm"; then
    echo "core-wasm/pmf_core.wasm is stale: rebuilding the Rust sources gives different bytes." >&2
    echo "Run 'deno task build:wasm' and commit core-wasm/pmf_core.wasm and core-wasm/pmf_core.wasm.sha256." >&2
    exit 1
  fi
  if ! diff -q <(manifest) "$here/pmf_core.wasm.sha256" >/dev/null; then
    echo "core-wasm/pmf_core.wasm.sha256 does not match the sources; run 'deno task build:wasm'." >&2
    exit 1
  fi
  echo "core-wasm/pmf_core.wasm is up to date ($(wc -c <"$tmp") bytes)."
else
  cat "$tmp" >"$here/pmf_core.wasm"
  manifest >"$here/pmf_core.wasm.sha256"
  echo "Built core-wasm/pmf_core.wasm ($(wc -c <"$here/pmf_core.wasm") bytes)."
fi
