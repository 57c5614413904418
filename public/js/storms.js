// The storm page's live parts: the countdown, links and lengths that follow the edited words, a
// civility check while typing, the copy button, the remembered Mastodon server and the "I posted"
// counter. The page works without it: links then carry the suggestion the server picked.
// composePost and postLength repeat src/features/storms/storm-text.ts; keep them in step.
(function () {
  'use strict';
  var page = document.querySelector('[data-storm]');
  if (!page) return;

  var LIMITS = { x: 280, bluesky: 300, mastodon: 500 };
  var LINK_WEIGHT = 23;
  var CHECK_DELAY_MS = 600;
  var COUNT_POLL_MS = 15000;
  var INSTANCE_KEY = 'rally.mastodon-instance';
  var BROWSER_KEY = 'rally.browser-id';

  function store(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch {
      /* storage off (private mode): nothing is remembered */
    }
    return null;
  }

  // ---- countdown -------------------------------------------------------------------------------
  var countdown = page.querySelector('[data-storm-countdown]');
  if (countdown) {
    var startsAt = Date.parse(countdown.getAttribute('datetime'));
    // The server's clock decides when the storm starts, not this device's.
    var skew = Number(countdown.getAttribute('data-now')) - Date.now() || 0;
    var reloading = false;
    var pad = function (n) {
      return n < 10 ? '0' + n : String(n);
    };
    var tick = function () {
      var left = Math.max(0, Math.floor((startsAt - Date.now() - skew) / 1000));
      if (left === 0) {
        if (reloading) return;
        reloading = true;
        countdown.textContent = 'Starting…';
        // Spread the reloads of everyone waiting, and let the cached page expire first.
        setTimeout(
          function () {
            window.location.reload();
          },
          1500 + Math.random() * 3000,
        );
        return;
      }
      var days = Math.floor(left / 86400);
      var rest = left % 86400;
      var clock =
        pad(Math.floor(rest / 3600)) +
        ':' +
        pad(Math.floor((rest % 3600) / 60)) +
        ':' +
        pad(rest % 60);
      countdown.textContent = (days ? days + (days === 1 ? ' day, ' : ' days, ') : '') + clock;
    };
    tick();
    window.setInterval(tick, 1000);
  }

  // ---- composing -------------------------------------------------------------------------------
  var TRAILING = /[.,;:!?)\]}'"]+$/;
  var LEADING = /^[([{'"]+/;
  var URLS = /https?:\/\/[^\s<>"'`]+/g;

  function words(text) {
    var set = {};
    text
      .toLowerCase()
      .split(/\s+/)
      .forEach(function (w) {
        w = w.replace(LEADING, '').replace(TRAILING, '');
        if (w) set[w] = true;
      });
    return set;
  }

  function composePost(text, parts, platform) {
    var body = text.trim();
    var present = words(body);
    var extra = [];
    (parts.mentions[platform] || []).forEach(function (m) {
      if (!present[m.toLowerCase()]) extra.push(m);
    });
    var tag = '#' + parts.hashtag;
    if (parts.hashtag && !present[tag.toLowerCase()]) extra.push(tag);
    if (parts.link && body.indexOf(parts.link) < 0) extra.push(parts.link);
    return [body].concat(extra).filter(Boolean).join(' ');
  }

  var segmenter =
    window.Intl && Intl.Segmenter ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null;
  function graphemes(text) {
    if (!segmenter) return Array.from(text);
    return Array.from(segmenter.segment(text), function (s) {
      return s.segment;
    });
  }
  var LIGHT = [
    [0, 4351],
    [8192, 8205],
    [8208, 8223],
    [8242, 8247],
  ];
  var EMOJI = /\p{Extended_Pictographic}/u;
  function xWeight(g) {
    if (EMOJI.test(g)) return 2;
    var weight = 0;
    Array.from(g).forEach(function (ch) {
      var cp = ch.codePointAt(0);
      weight += LIGHT.some(function (r) {
        return cp >= r[0] && cp <= r[1];
      })
        ? 1
        : 2;
    });
    return weight;
  }
  function withShortLinks(text) {
    var placeholder = new Array(LINK_WEIGHT + 1).join('x');
    return text.replace(URLS, function (match) {
      var url = match.replace(TRAILING, '');
      return placeholder + match.slice(url.length);
    });
  }
  function postLength(text, platform) {
    var t = text.normalize('NFC');
    if (platform === 'x')
      return graphemes(withShortLinks(t)).reduce(function (n, g) {
        return n + xWeight(g);
      }, 0);
    if (platform === 'bluesky') return graphemes(t).length;
    return Array.from(withShortLinks(t).replace(/(^|[^/\w])@(\w+)@[a-z0-9.-]+[a-z0-9]/gi, '$1@$2'))
      .length;
  }

  var HOSTNAME =
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  function normaliseInstance(input) {
    var text = input
      .trim()
      .toLowerCase()
      .replace(/^https:\/\//, '')
      .replace(/\/+$/, '');
    var at = text.lastIndexOf('@');
    if (at >= 0) text = text.slice(at + 1);
    return HOSTNAME.test(text) ? text : null;
  }

  var form = page.querySelector('[data-storm-form]');
  var textarea = page.querySelector('[data-storm-text]');
  var postedForm = page.querySelector('[data-storm-posted]');
  var feedback = page.querySelector('[data-storm-civility]');
  var instanceInput = page.querySelector('[data-storm-instance]');
  var copyButton = page.querySelector('[data-storm-copy]');
  var copied = page.querySelector('[data-storm-copied]');
  var lastCheck = { text: textarea ? textarea.value.trim() : '', allowed: true };

  if (form && textarea) {
    var parts = {
      hashtag: form.getAttribute('data-hashtag') || '',
      link: form.getAttribute('data-link') || null,
      mentions: JSON.parse(form.getAttribute('data-mentions') || '{}'),
    };
    var plain = { hashtag: parts.hashtag, link: parts.link, mentions: {} };
    var suggested = textarea.getAttribute('data-suggested') || '';
    var intents = page.querySelectorAll('[data-intent="x"], [data-intent="bluesky"]');
    var postedText = page.querySelector('[data-storm-posted-text]');

    var setLinksEnabled = function (enabled) {
      intents.forEach(function (a) {
        if (enabled) {
          a.removeAttribute('aria-disabled');
          if (a.dataset.href) a.setAttribute('href', a.dataset.href);
        } else {
          a.setAttribute('aria-disabled', 'true');
          a.removeAttribute('href');
        }
      });
    };

    var update = function () {
      var text = textarea.value;
      intents.forEach(function (a) {
        var platform = a.getAttribute('data-intent');
        var composed = composePost(text, parts, platform);
        a.dataset.href =
          (platform === 'x'
            ? 'https://twitter.com/intent/tweet?text='
            : 'https://bsky.app/intent/compose?text=') + encodeURIComponent(composed);
        if (a.getAttribute('aria-disabled') !== 'true') a.setAttribute('href', a.dataset.href);
      });
      page.querySelectorAll('[data-length]').forEach(function (li) {
        var platform = li.getAttribute('data-length');
        var length = postLength(composePost(text, parts, platform), platform);
        li.querySelector('[data-length-value]').textContent = String(length);
        li.classList.toggle('storm-over', length > LIMITS[platform]);
      });
      if (copyButton) copyButton.setAttribute('data-copy-text', composePost(text, plain, 'x'));
      if (postedText) postedText.value = text;
    };

    var showFeedback = function (result, text) {
      feedback.textContent = '';
      if (result.allowed) return;
      var p = document.createElement('p');
      p.className = 'error-message';
      p.textContent =
        result.error ||
        'These words did not pass our civility check. Reword the highlighted part to post them.';
      feedback.appendChild(p);
      if (!result.spans || !result.spans.length) return;
      var quote = document.createElement('blockquote');
      quote.className = 'civility-highlighted';
      var at = 0;
      result.spans
        .slice()
        .sort(function (a, b) {
          return a.start - b.start;
        })
        .forEach(function (s) {
          if (s.start < at) return;
          quote.appendChild(document.createTextNode(text.slice(at, s.start)));
          var mark = document.createElement('mark');
          mark.title = s.label;
          mark.textContent = text.slice(s.start, s.end);
          quote.appendChild(mark);
          at = s.end;
        });
      quote.appendChild(document.createTextNode(text.slice(at)));
      feedback.appendChild(quote);
    };

    var timer = null;
    var check = function () {
      var text = textarea.value.trim();
      if (text === suggested.trim() || text === '') {
        lastCheck = { text: text, allowed: true };
        showFeedback({ allowed: true }, text);
        setLinksEnabled(true);
        return;
      }
      var body = new window.URLSearchParams();
      body.set('text', text);
      fetch(form.getAttribute('data-check-url'), {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: body,
      })
        .then(function (res) {
          return res.json();
        })
        .then(function (result) {
          if (textarea.value.trim() !== text) return;
          if (result.error && result.allowed === undefined) result.allowed = true;
          lastCheck = { text: text, allowed: result.allowed };
          showFeedback(result, text);
          setLinksEnabled(result.allowed);
        })
        .catch(function () {
          /* offline or busy: the server still checks words sent through Rally */
        });
    };

    textarea.addEventListener('input', function () {
      update();
      if (timer) clearTimeout(timer);
      timer = setTimeout(check, CHECK_DELAY_MS);
    });
    update();

    if (instanceInput) {
      var remembered = store(INSTANCE_KEY);
      if (remembered && !instanceInput.value) instanceInput.value = remembered;
      form.addEventListener('submit', function (e) {
        var instance = normaliseInstance(instanceInput.value);
        if (!instance) return; // the server explains what it needs
        store(INSTANCE_KEY, instance);
        var text = textarea.value.trim();
        // Words not yet checked go through Rally, which checks them before sending them on.
        if (lastCheck.text !== text || !lastCheck.allowed) return;
        e.preventDefault();
        window.open(
          'https://' +
            instance +
            '/share?text=' +
            encodeURIComponent(composePost(text, parts, 'mastodon')),
          '_blank',
          'noopener',
        );
      });
    }

    if (copyButton) {
      copyButton.hidden = false;
      copyButton.addEventListener('click', function () {
        var text = copyButton.getAttribute('data-copy-text') || '';
        var done = function () {
          if (copied) copied.textContent = 'Copied.';
        };
        if (navigator.clipboard && navigator.clipboard.writeText)
          navigator.clipboard.writeText(text).then(done, function () {
            if (copied) copied.textContent = 'Select the words above and copy them.';
          });
      });
    }
  }

  // ---- "I posted" ------------------------------------------------------------------------------
  var counts = page.querySelectorAll('[data-storm-count]');
  var showCount = function (n) {
    if (typeof n !== 'number') return;
    counts.forEach(function (el) {
      el.textContent = n.toLocaleString('en-GB');
    });
  };

  if (postedForm) {
    var browserField = postedForm.querySelector('[data-storm-browser]');
    var status = postedForm.querySelector('[data-storm-posted-status]');
    var id = store(BROWSER_KEY);
    if (!id && window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.from(bytes, function (b) {
        return ('0' + b.toString(16)).slice(-2);
      }).join('');
      store(BROWSER_KEY, id);
    }
    if (id && browserField) browserField.value = id;

    postedForm.addEventListener('submit', function (e) {
      var button = e.submitter;
      if (!button || !button.value) return;
      e.preventDefault();
      var body = new window.URLSearchParams(new window.FormData(postedForm));
      body.set('platform', button.value);
      button.disabled = true;
      fetch(postedForm.getAttribute('action'), {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: body,
      })
        .then(function (res) {
          return res.json().then(function (data) {
            return { ok: res.ok, data: data };
          });
        })
        .then(function (r) {
          if (r.ok) {
            showCount(r.data.count);
            status.className = 'storm-posted-status flash flash-success';
            status.textContent =
              'Counted: thank you!' +
              (r.data.mailed
                ? ' Open the link in the email we sent you to confirm your address.'
                : '');
          } else {
            button.disabled = false;
            status.className = 'storm-posted-status flash flash-error';
            status.textContent = r.data.error || 'Your post could not be counted.';
          }
        })
        .catch(function () {
          button.disabled = false;
          status.className = 'storm-posted-status flash flash-error';
          status.textContent =
            'Your post could not be counted: check your connection and try again.';
        });
    });
  }

  if (counts.length && page.getAttribute('data-phase') === 'live') {
    var countUrl = page.getAttribute('data-storm') + '/count.json';
    window.setInterval(function () {
      fetch(countUrl, { headers: { accept: 'application/json' } })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(function (d) {
          if (d) showCount(d.count);
        })
        .catch(function () {});
    }, COUNT_POLL_MS);
  }
})();
