// Client-side pacing: requests are spaced so the documented rate is never exceeded, and a server's
// "wait until" (Retry-After, reset headers, Bitrix24's operating_reset_at) holds every later request too.

export interface Throttle {
  /** Resolves when the next request may go; returns how long it waited (ms). `perSecond` overrides the rate for this request's spacing. */
  take(perSecond?: number): Promise<number>;
  /** No request before this many ms from now. */
  pause(ms: number): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** At most `perSecond` requests in any second, evenly spaced (a burst of 1: the strictest reading of every CRM's limit). */
export function createThrottle(perSecond: number, clock: () => number = () => performance.now()): Throttle {
  const gapOf = (rate: number) => (rate > 0 && Number.isFinite(rate) ? 1000 / rate : 0);
  let next = 0;
  return {
    async take(rate = perSecond) {
      const now = clock();
      const at = Math.max(now, next);
      next = at + gapOf(rate);
      // Node's timers count whole milliseconds and may fire up to one early: sleep until the clock has reached the
      // slot, so no request goes before its time.
      let sent = now;
      while (sent < at) {
        await sleep(Math.ceil(at - sent));
        sent = clock();
      }
      // A timer that fires late (a busy machine) sends late: the next request keeps its distance from the real send.
      next = Math.max(next, sent + gapOf(rate));
      return sent - now;
    },
    pause(ms) {
      next = Math.max(next, clock() + ms);
    },
  };
}
