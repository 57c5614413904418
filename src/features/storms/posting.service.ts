/** "I posted": counting a post, and the mailed confirmation that links it to a supporter. */
import { unsubscribeFooter } from '../mailings/unsubscribe.service.js';
import { nowIso } from '../../infra/db/database.js';
import type { Services } from '../../infra/services.js';
import { actionSourcesOf } from '../../infra/http/attribution.js';
import type { CivilityAssessment } from '../civility/civility.service.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import { recordActivity, recordConsent, upsertPerson } from '../people/people.service.js';
import * as repo from './storms.repository.js';
import type { StormRow } from './storms.repository.js';
import { VARIANT_MAX_LENGTH } from './storms.rules.js';
import { assessText, variantsOf } from './storms.service.js';
import { PLATFORM_LABELS } from './storm-text.js';
import { issueConfirmToken } from './storm-tokens.js';
import { STORM_PLATFORMS, type StormPlatform } from './storms.tables.js';

/** People finish their posts after the storm's end; their clicks still count for this long. */
export const POSTED_GRACE_MS = 30 * 60 * 1000;
/** One confirmation mail per address per storm in this window, however often it is given. */
export const CONFIRM_MAIL_INTERVAL_MS = 60 * 60 * 1000;
export const CONFIRM_MAIL_CATEGORY = 'storms.confirm';

export const CONSENT_WORDING =
  'Keep me updated by email about this campaign. I can unsubscribe at any time.';

export function acceptsPosts(
  storm: Pick<StormRow, 'status' | 'starts_at' | 'ends_at'>,
  now = Date.now(),
): boolean {
  return (
    storm.status === 'published' &&
    now >= Date.parse(storm.starts_at) &&
    now < Date.parse(storm.ends_at) + POSTED_GRACE_MS
  );
}

export interface PostInput {
  variant: string;
  platform: string;
  /** The words as the person left them; empty means the suggestion unchanged. */
  text: string;
  email: string;
  consent: boolean;
  participantKey: string;
  /** Where the person came from (infra/http/attribution.ts actionSource); null: unknown. */
  source?: string | null;
}

export type PostOutcome =
  | { ok: true; postId: number; mailed: boolean }
  | { ok: false; message: string; assessment?: CivilityAssessment; text?: string };

export function stormPath(storm: Pick<StormRow, 'slug'>): string {
  return `/storms/${encodeURIComponent(storm.slug)}`;
}

export function isPlatform(value: string): value is StormPlatform {
  return (STORM_PLATFORMS as readonly string[]).includes(value);
}

/**
 * Counts one post. Edited words pass the civility guard before they count; an email gets a
 * confirmation link, and only that link adds anything to the person's record.
 */
export async function recordPost(
  services: Services,
  storm: StormRow,
  input: PostInput,
  secret: string,
  now = Date.now(),
): Promise<PostOutcome> {
  const variants = variantsOf(storm);
  const variant = /^\d{1,2}$/.test(input.variant) ? Number(input.variant) : 0;
  const suggested = variants[variant - 1];
  if (suggested === undefined) return { ok: false, message: 'Choose one of the suggested posts.' };
  if (!isPlatform(input.platform))
    return { ok: false, message: 'Say where you posted: X, Bluesky, Mastodon or Facebook.' };
  const text = input.text.replace(/\r\n/g, '\n').trim();
  if (text.length > VARIANT_MAX_LENGTH * 2)
    return { ok: false, message: `Your post is too long (${text.length} characters).` };
  const edited = text !== '' && text !== suggested;
  if (edited) {
    const assessment = await assessText(services.db, text);
    if (assessment.decision !== 'allow')
      return {
        ok: false,
        message:
          'Your edited words did not pass our civility check, so this post is not counted. Please delete the post, and reword the highlighted part.',
        assessment,
        text,
      };
  }
  const emailText = input.email.trim();
  const email = emailText ? normaliseEmail(emailText) : null;
  if (emailText && !email)
    return {
      ok: false,
      message: 'Enter a valid email address, like name@example.org, or leave it empty.',
    };
  const createdAt = new Date(now).toISOString();
  const { db } = services;
  const mailAgain =
    email !== null &&
    !(await repo.recentUnconfirmedEmail(
      db.kysely,
      storm.id,
      email,
      new Date(now - CONFIRM_MAIL_INTERVAL_MS).toISOString(),
    ));
  const postId = await db.kysely.transaction().execute(async (trx) => {
    const id = await repo.insertPost(trx, {
      storm_id: storm.id,
      variant,
      platform: input.platform as StormPlatform,
      edited: edited ? 1 : 0,
      participant_key: input.participantKey,
      posted_minute: Math.floor(now / 60_000),
      email,
      consent_wording: email && input.consent ? CONSENT_WORDING : null,
      person_id: null,
      confirmed_at: null,
      source: input.source ?? null,
      created_at: createdAt,
    });
    if (email && mailAgain) {
      const link = `${services.config.baseUrl}${stormPath(storm)}/confirm/${issueConfirmToken(secret, id)}`;
      await services.mailer.send(
        {
          to: email,
          subject: `Confirm your email: ${storm.title}`,
          text:
            [
              `Thank you for posting in the storm "${storm.title}" (#${storm.hashtag}).`,
              '',
              input.consent
                ? 'You asked to be kept updated by email. Open this link to confirm it is your address:'
                : 'Open this link to confirm it is your address, so we can note your post on your supporter record:',
              link,
              '',
              'If this was not you, ignore this message: nothing is kept and you will not hear from us.',
            ].join('\n') + (input.consent ? (await unsubscribeFooter(services, email)).text : ''),
          category: CONFIRM_MAIL_CATEGORY,
        },
        trx,
      );
    }
    return id;
  });
  return { ok: true, postId, mailed: email !== null && mailAgain };
}

export type ConfirmOutcome = 'confirmed' | 'already' | 'invalid';

/**
 * What opening a mailed link may show, changing nothing: 'confirmable' (the button),
 * 'already' or 'invalid', by the same rules confirmPost applies.
 */
export async function confirmLinkStatus(
  services: Services,
  storm: StormRow,
  postId: number,
): Promise<'confirmable' | 'already' | 'invalid'> {
  const post = await repo.findPost(services.db.kysely, postId);
  if (!post || post.storm_id !== storm.id) return 'invalid';
  if (post.person_id !== null) return 'already';
  return post.email ? 'confirmable' : 'invalid';
}

/**
 * The mailed link's button was pressed: the person is created or found, their consent recorded
 * if they ticked the box, and the post noted on their timeline, in one transaction.
 */
export async function confirmPost(
  services: Services,
  storm: StormRow,
  postId: number,
): Promise<ConfirmOutcome> {
  const { db } = services;
  return db.kysely.transaction().execute(async (trx) => {
    const post = await repo.findPost(trx, postId);
    if (!post || post.storm_id !== storm.id) return 'invalid';
    if (post.person_id !== null) return 'already';
    if (!post.email) return 'invalid';
    const source = `storm:${storm.slug}`;
    const { id: personId } = await upsertPerson(db, { email: post.email, source }, { trx });
    if (post.consent_wording)
      await recordConsent(
        db,
        personId,
        {
          channel: 'email',
          status: 'granted',
          method: 'form',
          wording: post.consent_wording,
          source,
        },
        { trx },
      );
    await recordActivity(
      db,
      personId,
      {
        kind: 'storm',
        summary: `Posted on ${PLATFORM_LABELS[post.platform]} in the storm "${storm.title}" (#${storm.hashtag})`,
        refType: 'storm',
        refId: storm.id,
        data: { variant: post.variant, platform: post.platform, edited: post.edited === 1 },
      },
      { trx },
    );
    await repo.markPostConfirmed(trx, post.id, personId, nowIso());
    return 'confirmed';
  });
}

/**
 * Storms' part of `Feature.actionSources`: "I posted" clicks by the `source` they came with,
 * confirmed or not (the post was made).
 */
export const stormPostSources = actionSourcesOf({
  kind: 'storm-post',
  label: 'Storm posts',
  table: 'storm_posts',
});
