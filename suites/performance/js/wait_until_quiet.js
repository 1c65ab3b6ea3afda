
([settle, maxWait, timerHorizon]) => new Promise((resolve) => {
  const began = performance.now();
  const v = window.__readinessVitals || {};
  const wait = v.setTimeout || setTimeout;
  const read = (capped) => {
    const nav = performance.getEntriesByType('navigation')[0] || {};
    return {now: performance.now(), last: v.last || 0, fcp: v.fcp ?? null, lcp: v.lcp || [],
            shifts: v.shifts || [], tasks: v.tasks || [], capped,
            requests: [[0, nav.responseEnd || 0], ...performance.getEntriesByType('resource')
              .map((e) => [e.startTime, e.responseEnd])],
            ttfb: nav.responseStart ?? null, dcl: nav.domContentLoadedEventEnd || null,
            load: nav.loadEventEnd || null};
  };
  const check = () => {
    const now = performance.now();
    const load = (performance.getEntriesByType('navigation')[0] || {}).loadEventEnd || 0;
    const quietFor = now - Math.max(v.last || 0, load);
    const waited = now - began;
    const next = v.nextDue ? v.nextDue() : Infinity;
    const dueSoon = next <= (load || now) + timerHorizon;
    // The first paint usually comes after the load event: until it has, the page is not
    // quiet (unless it stays blank for a whole window: nothing to paint).
    const painted = v.fcp != null || !v.nextDue || now - load >= settle + 50;
    if (quietFor >= settle && !dueSoon && painted) return resolve(read(false));
    if (waited >= maxWait) return resolve(read(true));
    // Idle callbacks are due "now": look again shortly rather than spin.
    const untilQuiet = Math.max(settle - quietFor, dueSoon ? next - now : 0, 5);
    wait(check, Math.min(untilQuiet, maxWait - waited) + 1);
  };
  check();
})
