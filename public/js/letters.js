// Letter campaigns: a live "own words" meter beside the letter editor. It compares the letter
// with the brief and points on the page, as the server does (three-word phrases); the server also
// compares with other letters to the same person, and its check is the one that counts.
(function () {
  'use strict';
  var form = document.querySelector('[data-letters-form]');
  var meter = document.querySelector('[data-letters-meter]');
  var body = form && form.querySelector('textarea[name="body"]');
  if (!form || !meter || !body) return;
  var minWords = Number(form.getAttribute('data-min-words')) || 0;
  var minPercent = Number(form.getAttribute('data-min-percent')) || 0;
  var WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;

  function words(text) {
    var found = text.match(WORD) || [];
    return found.map(function (w) {
      return w
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/\u2019/g, "'");
    });
  }

  function phrases(list, into) {
    for (var i = 0; i + 3 <= list.length; i++) into.add(list.slice(i, i + 3).join(' '));
    return into;
  }

  var reference = new Set();
  document.querySelectorAll('[data-letters-reference]').forEach(function (el) {
    var parts = el.querySelectorAll('p, li');
    (parts.length ? parts : [el]).forEach(function (part) {
      phrases(words(part.textContent || ''), reference);
    });
  });

  function update() {
    var list = words(body.value);
    var copied = new Array(list.length).fill(false);
    for (var i = 0; i + 3 <= list.length; i++) {
      if (reference.has(list.slice(i, i + 3).join(' ')))
        copied[i] = copied[i + 1] = copied[i + 2] = true;
    }
    var own = copied.filter(function (c) {
      return !c;
    }).length;
    var percent = list.length ? Math.floor((own * 100) / list.length) : 0;
    var enough = own >= minWords && percent >= minPercent;
    meter.textContent =
      list.length === 0
        ? 'Write at least ' + minWords + ' words of your own.'
        : list.length +
          ' words, ' +
          own +
          ' of them your own (' +
          percent +
          '%). ' +
          (enough
            ? 'Enough of your own words.'
            : 'This campaign asks for at least ' +
              minWords +
              ' words and ' +
              minPercent +
              '% in your own words.');
    meter.classList.toggle('lt-meter-ok', enough);
  }

  body.addEventListener('input', update);
  update();
})();
