/**
 * The three resolutions rollups are kept at. Buckets are aligned to UTC;
 * a bucket is named by its start in epoch milliseconds.
 */
export const STEPS = ["minute", "hour", "day"] as const;
export type Step = (typeof STEPS)[number];

export const STEP_MS: Readonly<Record<Step, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export function isStep(s: string): s is Step {
  return (STEPS as readonly string[]).includes(s);
}

export function bucketStart(ts: number, step: Step): number {
  const size = STEP_MS[step];
  return Math.floor(ts / size) * size;
}

/** The first bucket start at or after `ts`. */
export function bucketCeil(ts: number, step: Step): number {
  const size = STEP_MS[step];
  return Math.ceil(ts / size) * size;
}
