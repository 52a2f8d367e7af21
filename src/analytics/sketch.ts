/**
 * DDSketch (Masson, Rim, Lee; VLDB 2019): a quantile sketch with relative
 * accuracy α. A value v > 0 falls in bin ⌈log_γ v⌉ with γ = (1+α)/(1−α);
 * each bin's representative 2γ^i/(γ+1) is within α of every value in it, so
 * any quantile read back is within α (relative) of the true value of that
 * rank. Two sketches with the same α merge exactly by adding bin counts:
 * the merge of the minutes of an hour is the sketch of the hour's values.
 *
 * Bins are sparse; past `maxBins` the lowest bins collapse into one, so the
 * high quantiles (the ones latency is judged by) keep their accuracy and the
 * size stays bounded whatever the input.
 */

/** Values at or below this count as zero (latencies in ms: a nanosecond). */
const MIN_VALUE = 1e-6;
export const DEFAULT_ALPHA = 0.01;
export const DEFAULT_MAX_BINS = 2048;

/** The serialized form: JSON-safe, compact (bin indexes delta-encoded). */
export interface SketchData {
  alpha: number;
  count: number;
  zero: number;
  sum: number;
  min: number;
  max: number;
  /** Bin indexes, ascending: the first absolute, every next one the difference to the previous. */
  bins: number[];
  counts: number[];
}

export class DDSketch {
  readonly alpha: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly bins = new Map<number, number>();
  private zeroCount = 0;
  private n = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  constructor(
    alpha = DEFAULT_ALPHA,
    private readonly maxBins = DEFAULT_MAX_BINS,
  ) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`sketch relative accuracy must be in (0, 1), got ${alpha}`);
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  get count(): number {
    return this.n;
  }

  get sum(): number {
    return this.total;
  }

  get min(): number {
    return this.n === 0 ? Number.NaN : this.lo;
  }

  get max(): number {
    return this.n === 0 ? Number.NaN : this.hi;
  }

  /** Adds a non-negative value (negative and non-finite values are ignored: latencies never are). */
  add(value: number, times = 1): void {
    if (!Number.isFinite(value) || value < 0 || times <= 0) return;
    if (value <= MIN_VALUE) this.zeroCount += times;
    else {
      const i = Math.ceil(Math.log(value) / this.logGamma);
      this.bins.set(i, (this.bins.get(i) ?? 0) + times);
      if (this.bins.size > this.maxBins) this.collapseLowest();
    }
    this.n += times;
    this.total += value * times;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  /**
   * The value at quantile q ∈ [0, 1]: the element of rank ⌊q·(n−1)⌋ of the
   * sorted input, within α. NaN when empty.
   */
  quantile(q: number): number {
    if (this.n === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
    const rank = Math.floor(q * (this.n - 1));
    if (rank < this.zeroCount) return 0;
    let seen = this.zeroCount;
    for (const i of this.sortedIndexes()) {
      seen += this.bins.get(i)!;
      if (seen > rank) return clamp((2 * this.gamma ** i) / (this.gamma + 1), this.lo, this.hi);
    }
    return this.hi;
  }

  /** Adds every value of `other` to this sketch. Both must share α. */
  merge(other: DDSketch): void {
    if (other.alpha !== this.alpha) throw new RangeError(`cannot merge sketches of accuracy ${other.alpha} and ${this.alpha}`);
    if (other.n === 0) return;
    for (const [i, c] of other.bins) this.bins.set(i, (this.bins.get(i) ?? 0) + c);
    while (this.bins.size > this.maxBins) this.collapseLowest();
    this.zeroCount += other.zeroCount;
    this.n += other.n;
    this.total += other.total;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
  }

  toJSON(): SketchData {
    const bins: number[] = [];
    const counts: number[] = [];
    let prev = 0;
    for (const i of this.sortedIndexes()) {
      bins.push(bins.length === 0 ? i : i - prev);
      counts.push(this.bins.get(i)!);
      prev = i;
    }
    return {
      alpha: this.alpha,
      count: this.n,
      zero: this.zeroCount,
      sum: this.total,
      min: this.n === 0 ? 0 : this.lo,
      max: this.n === 0 ? 0 : this.hi,
      bins,
      counts,
    };
  }

  /** Rebuilds a sketch from toJSON(); throws RangeError on a malformed document. */
  static fromJSON(data: SketchData, maxBins = DEFAULT_MAX_BINS): DDSketch {
    const s = new DDSketch(data.alpha, maxBins);
    if (!Array.isArray(data.bins) || !Array.isArray(data.counts) || data.bins.length !== data.counts.length) {
      throw new RangeError("malformed sketch: bins and counts differ in length");
    }
    let index = 0;
    let binned = 0;
    for (let k = 0; k < data.bins.length; k++) {
      index = k === 0 ? data.bins[0]! : index + data.bins[k]!;
      const c = data.counts[k]!;
      if (!Number.isInteger(index) || !(c > 0)) throw new RangeError("malformed sketch: bad bin");
      s.bins.set(index, c);
      binned += c;
    }
    if (binned + data.zero !== data.count) throw new RangeError("malformed sketch: counts do not add up");
    while (s.bins.size > maxBins) s.collapseLowest();
    s.zeroCount = data.zero;
    s.n = data.count;
    s.total = data.sum;
    if (data.count > 0) {
      s.lo = data.min;
      s.hi = data.max;
    }
    return s;
  }

  static parse(text: string): DDSketch {
    return DDSketch.fromJSON(JSON.parse(text) as SketchData);
  }

  private sortedIndexes(): number[] {
    return [...this.bins.keys()].sort((a, b) => a - b);
  }

  private collapseLowest(): void {
    const [first, second] = this.sortedIndexes();
    if (first === undefined || second === undefined) return;
    this.bins.set(second, this.bins.get(second)! + this.bins.get(first)!);
    this.bins.delete(first);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
