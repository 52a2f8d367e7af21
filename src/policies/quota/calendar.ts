/**
 * Calendar windows in UTC for quotas and budgets: a minute, hour, day or
 * month as the calendar has them (not a sliding span), so a quota "per day"
 * resets at 00:00 UTC for everyone, on every node, and reports can name the
 * period ("2026-11", "2026-11-22").
 */
import type { Clock } from "../../core/clock.ts";

export const CALENDAR_UNITS = ["minute", "hour", "day", "month"] as const;
export type CalendarUnit = (typeof CALENDAR_UNITS)[number];

export interface CalendarWindow {
  /** The period's name: "2026-11-22T04:25" (minute), "2026-11-22T04" (hour), "2026-11-22" (day), "2026-11" (month). */
  id: string;
  startMs: number;
  /** The next window's start. */
  endMs: number;
}

const ID_LENGTH: Record<CalendarUnit, number> = { minute: 16, hour: 13, day: 10, month: 7 };

export function calendarWindow(nowMs: number, unit: CalendarUnit): CalendarWindow {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  let startMs: number;
  let endMs: number;
  switch (unit) {
    case "minute":
      startMs = Date.UTC(y, mo, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
      endMs = startMs + 60_000;
      break;
    case "hour":
      startMs = Date.UTC(y, mo, d.getUTCDate(), d.getUTCHours());
      endMs = startMs + 3_600_000;
      break;
    case "day":
      startMs = Date.UTC(y, mo, d.getUTCDate());
      endMs = Date.UTC(y, mo, d.getUTCDate() + 1);
      break;
    case "month":
      startMs = Date.UTC(y, mo, 1);
      endMs = Date.UTC(y, mo + 1, 1);
      break;
  }
  return { id: new Date(startMs).toISOString().slice(0, ID_LENGTH[unit]), startMs, endMs };
}

/** Whole seconds until the window ends, at least 1 so a client told to wait never retries at once. */
export function secondsLeft(window: CalendarWindow, nowMs: number): number {
  return Math.max(1, Math.ceil((window.endMs - nowMs) / 1000));
}

/**
 * How long a window's counter must live: until the window ends, plus a
 * margin so a node whose clock runs a little behind still finds it.
 */
export function counterTtlMs(window: CalendarWindow, nowMs: number): number {
  return Math.max(1, window.endMs - nowMs) + 60_000;
}

/** "2026-11-23T00:00:00Z", for messages. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Calendar windows need epoch time, not a monotonic clock. */
export const wallClock: Clock = { now: () => Date.now() };
