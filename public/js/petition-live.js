// Keeps a petition's count up to date while the page is open. The page works without it.
(function () {
  'use strict';
  var page = document.querySelector('[data-count-src]');
  if (!page) return;
  var base = page.getAttribute('data-count-src');
  var countEl = page.querySelector('[data-live-count]');
  var bar = page.querySelector('[data-live-progress]');
  function show(count) {
    if (typeof count !== 'number') return;
    if (countEl) countEl.textContent = count.toLocaleString('en-GB');
    if (bar) bar.value = Math.min(count, Number(bar.max));
  }
  function poll() {
    fetch(base + '/count.json', { headers: { accept: 'application/json' } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (d) {
        if (d) show(d.count);
      })
      .catch(function () {});
  }
  if ('EventSource' in window) {
    var source = new EventSource(base + '/events');
    source.onmessage = function (e) {
      try {
        show(JSON.parse(e.data).count);
      } catch {
        /* ignore a malformed event */
      }
    };
    source.onerror = function () {
      // Closed by the server (busy or restarting): fall back to polling.
      if (source.readyState === EventSource.CLOSED) window.setInterval(poll, 10000);
    };
  } else {
    window.setInterval(poll, 10000);
  }
})();
