import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_NAME_LENGTH,
  MAX_SLUG_LENGTH,
  normaliseBluesky,
  normaliseEmail,
  normaliseFacebook,
  normaliseMastodon,
  normalisePhone,
  normaliseTwitter,
  slugify,
  validateTargetFields,
  validateTargetList,
} from './targets.rules.js';

const value = (r: { ok: boolean; value?: string | null; error?: string }) =>
  r.ok ? r.value : `ERROR: ${r.error}`;

describe('target contact rules', () => {
  it('takes a Twitter/X handle from "@handle" or a twitter.com / x.com profile link', () => {
    assert.equal(value(normaliseTwitter('@stuartandrew')), 'stuartandrew');
    assert.equal(value(normaliseTwitter('https://twitter.com/FabianLeedsNE')), 'FabianLeedsNE');
    assert.equal(value(normaliseTwitter('https://x.com/someone_1?lang=en')), 'someone_1');
    assert.equal(value(normaliseTwitter('www.x.com/someone')), 'someone');
    assert.match(String(value(normaliseTwitter('https://example.com/someone'))), /^ERROR/);
    assert.match(String(value(normaliseTwitter('https://x.com/intent/tweet'))), /^ERROR/);
    assert.match(String(value(normaliseTwitter('far_too_long_handle_here'))), /^ERROR/);
    assert.match(String(value(normaliseTwitter('has space'))), /^ERROR/);
  });

  it('accepts Bluesky handles as domains and bsky.app profile links', () => {
    assert.equal(value(normaliseBluesky('@Name.bsky.social')), 'name.bsky.social');
    assert.equal(
      value(normaliseBluesky('https://bsky.app/profile/mp.example.org')),
      'mp.example.org',
    );
    assert.match(String(value(normaliseBluesky('justaname'))), /^ERROR/);
    assert.match(String(value(normaliseBluesky('https://example.com/profile/x.y'))), /^ERROR/);
  });

  it('writes Mastodon accounts as @user@instance', () => {
    assert.equal(value(normaliseMastodon('user@Mastodon.Social')), '@user@mastodon.social');
    assert.equal(value(normaliseMastodon('@user@mastodon.social')), '@user@mastodon.social');
    assert.equal(
      value(normaliseMastodon('https://mastodon.social/@user')),
      '@user@mastodon.social',
    );
    assert.match(String(value(normaliseMastodon('@user'))), /^ERROR/);
  });

  it('checks emails, phone numbers and Facebook pages', () => {
    assert.equal(value(normaliseEmail('mailto:mp@parliament.uk')), 'mp@parliament.uk');
    assert.match(String(value(normaliseEmail('not-an-email'))), /^ERROR/);
    assert.equal(value(normalisePhone('+44 20 7219 3000')), '+44 20 7219 3000');
    assert.match(String(value(normalisePhone('call me'))), /^ERROR/);
    assert.equal(
      value(normaliseFacebook('StuartAndrewMP')),
      'https://www.facebook.com/StuartAndrewMP',
    );
    assert.equal(
      value(normaliseFacebook('https://m.facebook.com/SomePage/')),
      'https://www.facebook.com/SomePage',
    );
    assert.match(String(value(normaliseFacebook('https://example.com/page'))), /^ERROR/);
  });

  it('enforces the name length limit and requires a name when asked', () => {
    const long = validateTargetFields(
      { name: 'x'.repeat(MAX_NAME_LENGTH + 1) },
      { requireName: true },
    );
    assert.equal(long.ok, false);
    assert.ok(
      validateTargetFields({ name: 'x'.repeat(MAX_NAME_LENGTH) }, { requireName: true }).ok,
    );
    const missing = validateTargetFields({ name: '  ' }, { requireName: true });
    assert.deepEqual(missing.ok ? null : missing.errors, { name: 'Name is required.' });
  });

  it('makes list slugs from names and limits their length', () => {
    assert.equal(
      slugify('Leeds City Council & Friends — Ynys Môn'),
      'leeds-city-council-and-friends-ynys-mon',
    );
    assert.ok(slugify('word '.repeat(40)).length <= MAX_SLUG_LENGTH);
    const bad = validateTargetList({ name: 'X', slug: 'Not OK!' });
    assert.equal(bad.ok, false);
  });
});
