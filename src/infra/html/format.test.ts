import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badge, percent, utcTime } from './format.js';

describe('formatting', () => {
  it('shows timestamps in UTC as <time>, to the minute or second', () => {
    assert.equal(utcTime(null), '');
    assert.equal(
      utcTime('2025-03-01T14:30:59.123Z').toString(),
      '<time datetime="2025-03-01T14:30:59.123Z">2025-03-01 14:30 UTC</time>',
    );
    assert.match(
      utcTime('2025-03-01T14:30:59.123Z', 'second').toString(),
      />2025-03-01 14:30:59 UTC</,
    );
  });

  it('rounds shares to whole percentages', () => {
    assert.equal(percent(1, 3), '33%');
    assert.equal(percent(57, 200), '29%');
    assert.equal(percent(0, 0), '—');
  });

  it('colours badges by tone and escapes their text', () => {
    assert.equal(badge('<new>').toString(), '<span class="badge">&lt;new&gt;</span>');
    assert.equal(badge('sent', 'ok').toString(), '<span class="badge badge-ok">sent</span>');
  });
});
