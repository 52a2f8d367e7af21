/**
 * Per-match working memory, reused across matches: the bounds of captured
 * params (so the walk slices strings only for the winning route), the
 * lazily normalised host and the methods seen for a possible 405.
 */
import type { MatchInput } from "./router.ts";
import { normaliseHost } from "./host-match.ts";

export class MatchState {
  readonly paramStart: number[] = [];
  readonly paramEnd: number[] = [];
  input: MatchInput | null = null;
  private host: string | null = null;
  allowed: Set<string> | null = null;

  begin(input: MatchInput): void {
    this.input = input;
    this.host = null;
    this.allowed = null;
  }

  /** Drops references to the request so an idle router keeps nothing alive. */
  end(): void {
    this.input = null;
    this.allowed = null;
  }

  /** Normalised lazily: most routes carry no host, so most requests never pay for it. */
  requestHost(): string {
    return (this.host ??= normaliseHost(this.input!.host));
  }

  addAllowed(methods: readonly string[]): void {
    const set = (this.allowed ??= new Set());
    for (let i = 0; i < methods.length; i++) set.add(methods[i]!);
  }
}
