/**
 * How often screens ask again about work the bank has not finished (a pending top-up or
 * withdrawal), and for how long; and how often open merchant orders are looked for while home,
 * the payment code or the orders inbox is shown; and how often home asks for device events (a new
 * device, a freeze); how often the app asks whether the backend's idle lock has engaged, and
 * how often user input is reported to it at most. Tests shorten the intervals.
 */
export const polling = { intervalMs: 3000, maxTries: 60, ordersMs: 5000, eventsMs: 5000, lockMs: 15000, touchMs: 15000 };
