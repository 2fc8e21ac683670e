/**
 * How often screens ask again about work the bank has not finished (a pending top-up or
 * withdrawal), and for how long. Tests shorten the interval.
 */
export const polling = { intervalMs: 3000, maxTries: 60 };
