/**
 * undici, loaded on the first request rather than at start: importing it costs tens of
 * milliseconds that every server start (B4) would pay, though only sending needs it. The module
 * is imported once and the same promise handed to every later caller, so a request pays nothing
 * for it after the first.
 */
type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;

export function loadUndici(): Promise<Undici> {
  // A CommonJS module: its exports object is the namespace's default (named exports are only
  // what a loader managed to detect, and not every loader detects them all).
  loading ??= import('undici').then((m) => (m as Undici & { default?: Undici }).default ?? m);
  return loading;
}
