import { z } from 'zod';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^([01]\d|2[0-4]):[0-5]\d$/;
const RANGE = /^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

/** An IANA time zone name Intl knows (`Europe/Berlin`, `America/New_York`, `UTC`). */
export const timeZoneSchema = z.string().refine(isTimeZone, (v) => ({ message: `"${v}" is not an IANA time zone (e.g. Europe/Berlin)` }));

/** `HH:MM-HH:MM` opening range, local time; `24:00` ends at midnight. */
export const hourRange = z.string().regex(RANGE, 'must be "HH:MM-HH:MM", e.g. "09:00-17:30"');
export const hhmm = z.string().regex(HHMM, 'must be "HH:MM"');

/**
 * A business-hours calendar: opening ranges per weekday (local time of the node's `timeZone`)
 * and closed dates (`YYYY-MM-DD`, local). A weekday without ranges is closed.
 */
export const calendarSchema = z
  .object({
    weekly: z.record(z.enum(WEEKDAYS), z.array(hourRange)),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be "YYYY-MM-DD"')).default([]),
  })
  .strict();
export type Calendar = z.infer<typeof calendarSchema>;

/** Wall-clock view of an instant in a time zone (via Intl, so DST follows the tz database). */
export interface LocalTime {
  weekday: Weekday;
  /** `YYYY-MM-DD` */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function localTime(at: Date, timeZone: string): LocalTime {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    weekday: parts.weekday.toLowerCase().slice(0, 3) as Weekday,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Minutes since midnight of `HH:MM`. */
export function toMinutes(hhmmText: string): number {
  const [h, m] = hhmmText.split(':').map(Number);
  return h * 60 + m;
}

/** Whether `at` is inside `from`–`to` (local); a range past midnight (`22:00-06:00`) wraps. */
export function inRange(minutes: number, from: string, to: string): boolean {
  const a = toMinutes(from);
  const b = toMinutes(to);
  return a <= b ? minutes >= a && minutes < b : minutes >= a || minutes < b;
}

/** Whether the calendar is open at `at`, read in `timeZone`. */
export function isOpen(calendar: Calendar, at: Date, timeZone: string): boolean {
  const local = localTime(at, timeZone);
  if (calendar.holidays.includes(local.date)) return false;
  return (calendar.weekly[local.weekday] ?? []).some((r) => {
    const [from, to] = r.split('-');
    return inRange(local.minutes, from, to);
  });
}

/** Answers of {@link isTimeZone}, bounded: building an Intl.DateTimeFormat costs ~0.2 ms, and every branch node of every flow asks (issue 13: validation time). */
const zoneChecks = new Map<string, boolean>();
const ZONE_CHECKS_KEPT = 1_000;

export function isTimeZone(tz: string): boolean {
  const known = zoneChecks.get(tz);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    ok = true;
  } catch (err) {
    // Intl throws RangeError for an unknown zone; that is the answer, not a failure.
    if (!(err instanceof RangeError)) throw err;
    ok = false;
  }
  if (zoneChecks.size >= ZONE_CHECKS_KEPT) zoneChecks.delete(zoneChecks.keys().next().value!);
  zoneChecks.set(tz, ok);
  return ok;
}
