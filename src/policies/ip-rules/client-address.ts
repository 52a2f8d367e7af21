/**
 * Which address a request comes from. The socket peer is the client unless
 * it is a trusted proxy; then X-Forwarded-For is walked from the right,
 * past every trusted hop, and the first untrusted address is the client.
 * Entries to its left were written by parties nobody vouches for — a client
 * can put anything there — so they are never read.
 */
import { type CidrSet, type IpAddress, parseForwardedIp, parseIp } from "../../net/cidr.ts";

export function clientAddress(socketIp: string, xff: string | null, trusted: CidrSet | undefined): IpAddress | undefined {
  const peer = parseIp(socketIp);
  if (!peer || !trusted || !trusted.has(peer) || !xff) return peer;
  let nearest: IpAddress = peer;
  // Several X-Forwarded-For headers arrive joined by ", ", so one split covers both forms.
  const hops = xff.split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const entry = hops[i]!;
    if (entry.trim() === "") continue;
    const hop = parseForwardedIp(entry);
    // A trusted proxy wrote this entry yet it is not an address: the chain is broken and the client unknown.
    if (!hop) return undefined;
    if (!trusted.has(hop)) return hop;
    nearest = hop;
  }
  // Every hop was a trusted proxy: the farthest one is the client.
  return nearest;
}
