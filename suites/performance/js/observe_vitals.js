
(() => {
  if (window !== window.top || window.__readinessVitals) return;
  const store = {fcp: null, lcp: [], shifts: [], tasks: [], last: 0};
  // TTI needs every request's timing; the default buffer keeps only 250.
  performance.setResourceTimingBufferSize(100000);
  Object.defineProperty(window, '__readinessVitals', {value: store});
  const describe = (el) => {
    if (!el) return null;
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\s+/).join('.');
    return s;
  };
  const observe = (type, each) => {
    try {
      new PerformanceObserver((list) => {
        list.getEntries().forEach(each);
        store.last = performance.now();
      }).observe({type, buffered: true});
    } catch (e) { /* entry type not supported: the metric stays empty */ }
  };
  observe('paint', (e) => { if (e.name === 'first-contentful-paint') store.fcp = e.startTime; });
  observe('largest-contentful-paint', (e) => store.lcp.push(
    {time: e.startTime, size: e.size, url: e.url || '', element: describe(e.element)}));
  observe('layout-shift', (e) => store.shifts.push(
    {start: e.startTime, value: e.value, input: e.hadRecentInput}));
  observe('longtask', (e) => store.tasks.push({start: e.startTime, duration: e.duration}));
  // A finished request is activity too: the image, font or data it brought paints next.
  observe('resource', () => {});
  // Work the page has scheduled that no entry announces yet: a hero a timer reveals 600 ms
  // after navigation paints after a short quiet window from a fast load has ended. One-shot
  // timers and idle callbacks are tracked (due time per id) so that the observation waits
  // for those due soon; the untouched setTimeout is kept for our own waiting, which must not
  // count as the page's work.
  store.setTimeout = window.setTimeout.bind(window);
  const afterHorizon = () => {
    const load = (performance.getEntriesByType('navigation')[0] || {}).loadEventEnd;
    return load > 0 && performance.now() > load + __TIMER_HORIZON_MS__;
  };
  const track = (setName, clearName, dueOf) => {
    if (typeof window[setName] !== 'function') return () => Infinity;
    const nativeSet = window[setName].bind(window);
    const nativeClear = window[clearName].bind(window);
    const due = new Map();
    window[setName] = function (fn, arg, ...rest) {
      if (typeof fn !== 'function') return nativeSet(fn, arg, ...rest);
      let id;
      const run = function (...args) {
        due.delete(id);
        // Running it is activity (its paint and requests follow), unless it runs after the
        // horizon: a poller must not keep the observation open until the cap.
        if (!afterHorizon()) store.last = performance.now();
        return fn.apply(this, args);
      };
      id = nativeSet(run, arg, ...rest);
      due.set(id, dueOf(arg));
      return id;
    };
    window[clearName] = function (id) { due.delete(id); return nativeClear(id); };
    return () => Math.min(Infinity, ...due.values());
  };
  const nextTimer = track('setTimeout', 'clearTimeout',
    (delay) => performance.now() + Math.max(0, Number(delay) || 0));
  // An idle callback runs as soon as the page is idle: it is due now.
  const nextIdle = track('requestIdleCallback', 'cancelIdleCallback', () => performance.now());
  // A finite CSS animation or transition still running is due when it ends (an infinite
  // one, a spinner, is like a poller and is not waited for).
  const nextAnimationEnd = () => {
    let next = Infinity;
    for (const a of (document.getAnimations ? document.getAnimations() : [])) {
      if (a.playState !== 'running' || !a.effect || !(a.playbackRate > 0)) continue;
      const end = a.effect.getComputedTiming().endTime;
      const at = Number(a.currentTime);
      if (Number.isFinite(end) && Number.isFinite(at))
        next = Math.min(next, performance.now() + (end - at) / a.playbackRate);
    }
    return next;
  };
  store.nextDue = () => Math.min(nextTimer(), nextIdle(), nextAnimationEnd());
})();
