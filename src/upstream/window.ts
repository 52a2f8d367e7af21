/**
 * Counts over a sliding time window, kept in fixed buckets so that memory is
 * constant and old samples fall out without a per-sample queue. The window is
 * therefore accurate to one bucket: a sample leaves the window between
 * `windowMs - bucketMs` and `windowMs` after it was added.
 */
export class SlidingCounts<K extends string> {
  private readonly bucketMs: number;
  private readonly epochs: number[];
  private readonly counts: Record<K, number>[];

  constructor(
    readonly windowMs: number,
    private readonly fields: readonly K[],
    bucketCount = 10,
  ) {
    const n = Math.max(1, Math.floor(bucketCount));
    this.bucketMs = Math.max(1, Math.ceil(windowMs / n));
    this.epochs = new Array<number>(n).fill(-Infinity);
    this.counts = Array.from({ length: n }, () => this.zero());
  }

  add(now: number, field: K, n = 1): void {
    const epoch = Math.floor(now / this.bucketMs);
    const i = this.slot(epoch);
    if (this.epochs[i] !== epoch) {
      this.epochs[i] = epoch;
      this.counts[i] = this.zero();
    }
    const bucket = this.counts[i];
    if (bucket) bucket[field] += n;
  }

  totals(now: number): Record<K, number> {
    const current = Math.floor(now / this.bucketMs);
    const oldest = current - this.epochs.length + 1;
    const out = this.zero();
    for (let i = 0; i < this.epochs.length; i++) {
      const epoch = this.epochs[i] ?? -Infinity;
      const bucket = this.counts[i];
      if (!bucket || epoch < oldest || epoch > current) continue;
      for (const f of this.fields) out[f] += bucket[f];
    }
    return out;
  }

  reset(): void {
    this.epochs.fill(-Infinity);
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = this.zero();
  }

  private slot(epoch: number): number {
    const n = this.epochs.length;
    return ((epoch % n) + n) % n;
  }

  private zero(): Record<K, number> {
    const o = {} as Record<K, number>;
    for (const f of this.fields) o[f] = 0;
    return o;
  }
}
