// Keeps the people-import progress bar moving by polling the import's JSON status, and shows the
// result page when the import finishes. Without JavaScript the page refreshes itself instead.
(function () {
  'use strict';
  var bar = document.getElementById('import-progress');
  var statusLine = document.getElementById('import-status');
  if (!bar || !bar.dataset.statusUrl) return;
  var url = bar.dataset.statusUrl;
  var POLL_MS = 1000;
  var LABELS = { queued: 'Waiting to start', running: 'Importing', done: 'Done', failed: 'Failed' };

  function poll() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      })
      .then(function (s) {
        bar.value = s.progress;
        bar.textContent = s.progress + '%';
        if (statusLine) {
          var text = LABELS[s.status] || s.status;
          if (s.counts) text += ' · ' + s.counts.rows.toLocaleString('en-GB') + ' rows read';
          statusLine.textContent = text;
        }
        if (s.finished) window.location.reload();
        else setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        // A dropped request is retried more slowly; the page still works on reload.
        setTimeout(poll, POLL_MS * 5);
      });
  }
  setTimeout(poll, POLL_MS);
})();
