/** Helpers shared by tests: a seeded generator and file locations. */

/** Deterministic xorshift32 floats in [-1, 1). */
export function seededFloats(n: number, seed: number): Float32Array {
  let s = (seed * 2654435761 + 1) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** The repository root as a file URL ending in "/". */
export const ROOT: URL = new URL("../", import.meta.url);

/** Path to the deno binary running the tests, for subprocesses. */
export const DENO: string = Deno.execPath();

/** The shared real-data folder beside the repository (MovieLens and TMDB samples), as a path. */
export const SHARED_DATA: string = new URL("../../shared/data/", import.meta.url).pathname;

/**
 * True when the real-data file `relPath` (under ../shared/data) is missing, so
 * the test `name` must be skipped; then says so on stderr, with how to run it.
 */
export function missingSharedData(relPath: string, name: string): boolean {
  if (existsSync(`${SHARED_DATA}${relPath}`)) return false;
  console.warn(
    `skipping "${name}": it needs the real data file ../shared/data/${relPath} (MovieLens / TMDB), which is not beside this checkout; put the shared data folder there to run it (see data/README.md)`,
  );
  return true;
}

/** True when `path` exists. */
export function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A fresh temporary directory; remove it with `await using`. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "pmf-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Runs `deno <args> -` with `script` on stdin; kills it after `timeoutMs`. */
export async function runDenoScript(
  args: string[],
  script: string,
  timeoutMs = 60_000,
  env?: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(DENO, {
    args: [...args, "-"],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
