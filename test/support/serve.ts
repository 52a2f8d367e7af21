/** Helpers for tests that run `waygate serve` as a child process. */

/** The proxy and admin URLs a starting `waygate serve` prints; throws with its output if it exits first. */
export async function servedUrls(proc: { stdout: ReadableStream<Uint8Array>; stderr: ReadableStream<Uint8Array> }): Promise<{ proxy: string; admin: string }> {
  const reader = proc.stdout.getReader();
  let out = "";
  for (;;) {
    const proxy = /proxy listening on (http:\/\/\S+)/.exec(out)?.[1];
    const admin = /admin API on (http:\/\/\S+)\/admin/.exec(out)?.[1];
    if (proxy && admin) {
      reader.releaseLock();
      return { proxy, admin };
    }
    const { done, value } = await reader.read();
    if (done) throw new Error(`serve exited: ${out}${await new Response(proc.stderr).text()}`);
    out += new TextDecoder().decode(value);
  }
}
