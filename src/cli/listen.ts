/** Parses HOST:PORT, [IPv6]:PORT or a bare PORT. */
export function parseListen(value: string, flag: string): { hostname: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value) ?? /^()()(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new Error(`${flag} must be HOST:PORT or PORT, got "${value}"`);
  return { hostname: m[1] || m[2] || "0.0.0.0", port };
}
