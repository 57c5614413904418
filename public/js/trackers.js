// Keeps a tracker board up to date while it is open: the count, the progress bar, the totals by
// status, and each shown target's status, date and evidence link. The page works without it.
(function () {
  'use strict';
  var board = document.querySelector('[data-tk-src]');
  if (!board) return;
  var src = board.getAttribute('data-tk-src');
  var period = Number(board.getAttribute('data-tk-poll-ms')) || 10000;
  var countEl = board.querySelector('[data-tk-count]');
  var bar = board.querySelector('[data-tk-progress]');
  var reached = board.querySelector('[data-tk-reached]');
  var dateFormat = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  var busy = false;

  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;
  }

  function showTarget(card, t) {
    var badge = card.querySelector('[data-tk-status]');
    if (badge) {
      setText(badge, t.status);
      badge.className = t.counts ? 'badge badge-ok' : 'badge';
    }
    var when = card.querySelector('[data-tk-when]');
    var time = card.querySelector('[data-tk-date]');
    if (when && time) {
      when.hidden = !t.changed_at;
      if (t.changed_at) {
        time.setAttribute('datetime', t.changed_at);
        setText(time, dateFormat.format(new Date(t.changed_at)));
      }
    }
    var evidence = card.querySelector('[data-tk-evidence]');
    if (evidence) {
      if (t.evidence_url) {
        evidence.setAttribute('href', t.evidence_url);
        evidence.hidden = false;
      } else {
        evidence.removeAttribute('href');
        evidence.hidden = true;
      }
    }
  }

  function show(data) {
    if (!data || typeof data.count !== 'number') return;
    setText(countEl, data.count.toLocaleString('en-GB'));
    if (bar) bar.value = Math.min(data.count, Number(bar.max));
    if (reached) reached.hidden = !data.threshold_reached;
    var totals = {};
    (data.statuses || []).forEach(function (s) {
      totals[s.status] = s.targets;
    });
    board.querySelectorAll('[data-tk-status-count]').forEach(function (el) {
      var n = totals[el.getAttribute('data-tk-status-count')];
      if (typeof n === 'number') setText(el, String(n));
    });
    var byId = {};
    (data.targets || []).forEach(function (t) {
      byId[String(t.id)] = t;
    });
    board.querySelectorAll('[data-tk-target]').forEach(function (card) {
      var t = byId[card.getAttribute('data-tk-target')];
      if (t) showTarget(card, t);
    });
  }

  function poll() {
    if (busy || document.visibilityState === 'hidden') return;
    busy = true;
    fetch(src, { headers: { accept: 'application/json' } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(show)
      .catch(function () {})
      .then(function () {
        busy = false;
      });
  }

  window.setInterval(poll, period);
  // Back on the tab after a while: bring it up to date at once rather than at the next tick.
  document.addEventListener('visibilitychange', poll);
})();
