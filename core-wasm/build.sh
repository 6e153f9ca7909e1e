#!/usr/bin/env bash
# Builds the WebAssembly core reproducibly: Debian's Rust 1.96 (rustc-web) builds
# std from source for wasm32 with atomics and SIMD, wasm-bindgen generates the glue,
# and binaryen's wasm-opt (the npm package: Debian's cannot parse every opcode the
# toolchain may emit) optimises the module.
#
#   bash core-wasm/build.sh          rebuild pkg/ (module, glue, types) and the manifest
#   bash core-wasm/build.sh --check  rebuild into a temporary folder and fail if any
#                                    file differs from the committed pkg/
#
# Needs: apt-get install rustc-web cargo-web rust-web-src lld-16, and
# cargo install wasm-bindgen-cli --version 0.2.105 --locked (see core-wasm/README.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rustc=${PMF_RUSTC:-/usr/bin/rustc}
cargo=${PMF_CARGO:-/usr/bin/cargo}
bindgen_version=0.2.105
binaryen=binaryen@132.0.0
mode=${1:-build}

fail() {
  echo "Cannot build the WebAssembly core: $1" >&2
  echo "Fix: $2" >&2
  exit 1
}
[ -x "$rustc" ] && "$rustc" --version | grep -q '^rustc 1\.9[6-9]' ||
  fail "\"$rustc\" is not Debian's rustc-web 1.96 or later." "apt-get install -y rustc-web cargo-web rust-web-src lld-16"
[ -d /usr/lib/rustlib/src/rust/library ] ||
  fail "the standard library's source (rust-web-src) is missing." "apt-get install -y rust-web-src"
command -v wasm-ld-16 >/dev/null || fail "wasm-ld-16 was not found." "apt-get install -y lld-16"
bindgen=${PMF_WASM_BINDGEN:-wasm-bindgen}
if ! command -v "$bindgen" >/dev/null || ! "$bindgen" --version | grep -q " $bindgen_version\$"; then
  fail "wasm-bindgen $bindgen_version was not found." "cargo install wasm-bindgen-cli --version $bindgen_version --locked"
fi

# Threads over an imported shared memory; std built from source with atomics.
# Paths are remapped so the bytes do not depend on where the checkout lives.
flags=(
  -C linker=wasm-ld-16
  -C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128
  -C link-arg=--shared-memory
  -C link-arg=--import-memory
  -C link-arg=--max-memory=4294967296
  -C link-arg=--export=__wasm_init_tls
  -C link-arg=--export=__tls_size
  -C link-arg=--export=__tls_align
  -C link-arg=--export=__tls_base
  "--remap-path-prefix=$here=/pmf_core"
  "--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
)
export RUSTC="$rustc" RUSTC_BOOTSTRAP=1 SOURCE_DATE_EPOCH=0
export RUSTFLAGS="${flags[*]}"
unset CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
"$cargo" build --quiet --release --locked \
  --manifest-path "$here/Cargo.toml" \
  --target wasm32-unknown-unknown \
  --target-dir "$here/target" \
  -Z build-std=std,panic_abort

out=$(mktemp -d "${TMPDIR:-/tmp}/pmf_core.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$bindgen" --target web --out-dir "$out" --out-name pmf_core \
  "$here/target/wasm32-unknown-unknown/release/pmf_core.wasm"
wasm_opt=(npx -y -p "$binaryen" wasm-opt)
[ -n "${PMF_WASM_OPT:-}" ] && wasm_opt=("$PMF_WASM_OPT")
"${wasm_opt[@]}" -O3 --enable-simd --enable-threads --enable-bulk-memory --enable-mutable-globals \
  --enable-sign-ext --enable-nontrapping-float-to-int --strip-debug --strip-producers \
  "$out/pmf_core_bg.wasm" -o "$out/pmf_core_bg.opt.wasm"
mv "$out/pmf_core_bg.opt.wasm" "$out/pmf_core_bg.wasm"
rm -f "$out/pmf_core_bg.wasm.d.ts"

files=(pmf_core.js pmf_core.d.ts pmf_core_bg.wasm)
manifest() {
  (cd "$here" && sha256sum Cargo.toml Cargo.lock build.sh $(ls src/*.rs | LC_ALL=C sort))
  (cd "$1" && sha256sum "${files[@]}" | sed 's#  #  pkg/#')
}

if [ "$mode" = "--check" ]; then
  for f in "${files[@]}"; do
    if ! cmp -s "$out/$f" "$here/pkg/$f"; then
      echo "core-wasm/pkg/$f is stale: rebuilding the Rust sources gives different bytes." >&2
      echo "Run 'deno task build:wasm' and commit core-wasm/pkg/ and core-wasm/pmf_core.sha256." >&2
      exit 1
    fi
  done
  if ! diff -q <(manifest "$out") "$here/pmf_core.sha256" >/dev/null; then
    echo "core-wasm/pmf_core.sha256 does not match the sources; run 'deno task build:wasm'." >&2
    exit 1
  fi
  echo "core-wasm/pkg/ is up to date ($(wc -c <"$out/pmf_core_bg.wasm") bytes of WebAssembly)."
else
  mkdir -p "$here/pkg"
  for f in "${files[@]}"; do cat "$out/$f" >"$here/pkg/$f"; done
  manifest "$here/pkg" >"$here/pmf_core.sha256"
  echo "Built core-wasm/pkg/ ($(wc -c <"$here/pkg/pmf_core_bg.wasm") bytes of WebAssembly)."
fi
