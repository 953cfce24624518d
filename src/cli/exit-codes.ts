/** Exit codes are part of the interface: scripts branch on them. Documented in the README. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  sealed: 3,
  notFound: 4,
  conflict: 5,
} as const;
