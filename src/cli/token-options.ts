/**
 * The text options of `blindfold token create` (--expires, --rate), parsed into what the token
 * registry keeps. What was given is never repeated in an error: an option in the wrong place is
 * where a token or key turns up by habit.
 */
import { BlindfoldError } from '../errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d{1,6})(s|m|h|d|w)$/;
/** A calendar date, optionally a time and a zone (without a zone, the machine's local time). */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** `--expires`: a duration from `now` (30m, 12h, 30d, 2w) or an ISO date. The past is refused by the registry. */
export function parseExpiry(text: string, now: Date): Date {
  const duration = DURATION.exec(text.trim());
  if (duration) return new Date(now.getTime() + Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  const date = ISO_DATE.exec(text.trim());
  const when = date ? new Date(text.trim()) : undefined;
  // Date() rolls 2026-02-31 over to March; a day past the month's end is refused instead.
  const realDay = date && Number(date[3]) <= new Date(Date.UTC(Number(date[1]), Number(date[2]), 0)).getUTCDate();
  if (!when || Number.isNaN(when.getTime()) || !realDay) {
    throw new BlindfoldError(
      'BAD_INPUT',
      '--expires expects a duration (a whole number then s, m, h, d or w: 30d, 12h) or an ISO date (2027-01-31, 2027-01-31T18:00Z); what was given is not repeated',
    );
  }
  return when;
}

const RATE = /^(\d{1,7})\/(s|min|h)$/;
const MAX_PER_MINUTE = 1_000_000;

/** `--rate`: N/s, N/min or N/h, as calls per minute (how the server counts). */
export function parseRate(text: string): number {
  const m = RATE.exec(text.trim());
  const usage = '--rate expects a whole number of calls per second, minute or hour: 1/s, 60/min, 600/h (what was given is not repeated)';
  if (!m) throw new BlindfoldError('BAD_INPUT', usage);
  const n = Number(m[1]);
  const perMinute = m[2] === 's' ? n * 60 : m[2] === 'h' ? n / 60 : n;
  if (n === 0) throw new BlindfoldError('BAD_INPUT', `--rate must allow at least one call; ${usage}`);
  if (!Number.isInteger(perMinute)) throw new BlindfoldError('BAD_INPUT', '--rate per hour must be a multiple of 60 (the limit is kept per minute): 60/h, 600/h, or say it per minute');
  if (perMinute > MAX_PER_MINUTE) throw new BlindfoldError('BAD_INPUT', `--rate allows at most ${MAX_PER_MINUTE}/min`);
  return perMinute;
}
