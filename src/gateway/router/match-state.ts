/**
 * Per-match working memory, reused across matches so the walk allocates
 * nothing: an explicit stack of trie frames (no recursion, so pattern depth
 * cannot overflow the call stack) and the bounds of captured params.
 */
import type { MatchInput } from "./router.ts";
import { normaliseHost } from "./host-match.ts";
import type { TrieNode } from "./trie-node.ts";

export class MatchState<T> {
  readonly node: TrieNode<T>[] = [];
  /** Index of the '/' before the next unconsumed segment (or the scan end). */
  readonly pos: number[] = [];
  /** 0: try static child, 1: try param child, 2: try tail entries. */
  readonly stage: number[] = [];
  readonly segEnd: number[] = [];
  /** How many params the path to this frame captured. */
  readonly params: number[] = [];
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
