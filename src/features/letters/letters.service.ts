/**
 * A supporter's letter from the form to the queue: field checks, the civility guard, the
 * originality check, then storage and a confirmation mail. Nothing is sent in anyone's name until
 * the address's owner confirms; then the letter is held for a moderator, handed to the sender
 * (mailto), or given its delivery slot (delivery.service.ts).
 */
import { unsubscribeFooter } from '../mailings/unsubscribe.service.js';
import { hashLinkToken, isLinkTokenShape, newLinkToken } from '../../infra/crypto/tokens.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import type { CivilityReason, CivilitySpan } from '../civility/civility.service.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import { recordModeratorDecision } from '../civility/civility-learning.service.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { recordActivity, recordConsent, upsertPerson } from '../people/people.service.js';
import { type Target, getTarget } from '../targets/targets.service.js';
import { pointsOf } from './campaigns.service.js';
import { type InTransaction, scheduleDelivery, scheduleFollowUp } from './delivery.service.js';
import * as repo from './letters.repository.js';
import type { CampaignRow, LetterRow } from './letters.repository.js';
import { approvedMail, confirmationMail, formatAddress, rejectionMail } from './letters.mail.js';
import {
  CONSENT_WORDING,
  type Errors,
  type LetterFields,
  type LetterForm,
  splitName,
  validateLetter,
} from './letters.rules.js';
import type { LetterStatus, ReplyAnswer } from './letters.tables.js';
import { actionSourcesOf } from '../../infra/http/attribution.js';
import {
  type Originality,
  assessOriginality,
  decodeFingerprint,
  encodeFingerprint,
  fingerprintOf,
} from './similarity.js';

/** Earlier letters to the same target a new one is compared with: the most recent this many. */
export const COMPARED_LETTERS_MAX = 200;
/** A letter sharing this share (%) of its phrases with one other letter is refused as a copy. */
export const MAX_LETTER_SIMILARITY = 50;
/** Writing again before confirming replaces the letter and resends the mail at most this often. */
export const RESEND_INTERVAL_MS = 2 * 60 * 1000;
/** Notes moderators write when refusing a letter. */
export const MODERATION_NOTE_MAX_LENGTH = 500;

/** Letter services also write links to the site into mail. */
type LettersContext = ServiceContext & Pick<Services, 'config'>;

export type SubmitResult =
  | { ok: true; letter: LetterRow; resent: boolean }
  | {
      ok: false;
      status: 409 | 422 | 429;
      errors: Errors;
      /** The text the guard read, and what it objected to, to show highlighted. */
      civility?: { text: string; spans: CivilitySpan[]; reasons: CivilityReason[] };
      originality?: Originality;
    };

/** The campaign's own text: brief, points and suggested subject, as one fingerprint. */
export function briefFingerprint(campaign: CampaignRow) {
  return fingerprintOf(campaign.brief, ...pointsOf(campaign), campaign.subject ?? '');
}

/** Whether the sender's postcode lies in the target's division (when the target has one). */
async function checkConstituency(
  ctx: Pick<ServiceContext, 'db'>,
  target: Target,
  postcode: string,
): Promise<{ error?: string; constituencyCode: string | null }> {
  const directory = await getConstituencyDirectory(ctx.db);
  if (!directory.isLoaded()) return { constituencyCode: null };
  const lookup = directory.lookupPostcode(postcode);
  if (lookup.status !== 'found') {
    if (!target.division_code) return { constituencyCode: null };
    return { error: lookup.message, constituencyCode: null };
  }
  const codes = lookup.candidates.map((c) => c.code);
  if (!target.division_code) return { constituencyCode: codes[0] ?? null };
  if (!codes.includes(target.division_code))
    return {
      error: `${lookup.postcode} is not in ${target.division_name ?? 'the area'} ${target.name} represents. Representatives answer the people they represent: find yours from your postcode.`,
      constituencyCode: null,
    };
  return { constituencyCode: target.division_code };
}

function originalityErrors(campaign: CampaignRow, target: Target, o: Originality): Errors {
  if (o.letterSimilarity >= MAX_LETTER_SIMILARITY)
    return {
      body: `Your letter is ${o.letterSimilarity}% the same as another letter to ${target.name}. Offices set identical letters aside: please write it in your own words (copied passages are marked below).`,
    };
  if (o.ownWords < campaign.min_own_words || o.ownPercent < campaign.min_own_percent)
    return {
      body: `${o.ownPercent}% of your words are your own (${o.ownWords} of ${o.words}). This campaign asks for at least ${campaign.min_own_words} words${campaign.min_own_percent ? ` and ${campaign.min_own_percent}% of the letter` : ''} in your own words, because offices set aside letters that repeat a campaign's text. Passages that repeat the brief or other letters are marked below.`,
    };
  return {};
}

/** Everything a submitted letter is checked against; stores it only when all pass. */
export async function submitLetter(
  ctx: LettersContext,
  {
    campaign,
    form,
    source = null,
  }: { campaign: CampaignRow; form: LetterForm; source?: string | null },
): Promise<SubmitResult> {
  const { db } = ctx;
  const checked = validateLetter(form);
  if (!checked.ok) return { ok: false, status: 422, errors: checked.errors };
  const fields = checked.value;
  const target = await getTarget(db, campaign.target_list_id, fields.targetId);
  if (!target)
    return {
      ok: false,
      status: 422,
      errors: {
        targetId: 'That target is not on this campaign’s list. Start again from your postcode.',
      },
    };
  const errors: Errors = {};
  const place = await checkConstituency(ctx, target, fields.postcode);
  if (place.error) errors.postcode = place.error;

  const guardText = `${fields.subject}\n\n${fields.body}`;
  const verdict = (await campaignGuard(db)).assess(guardText);
  const refused =
    verdict.decision === 'block' ||
    (verdict.decision === 'review' && campaign.review_policy === 'block');
  if (refused)
    errors.civility = `Your letter was not accepted because parts of it read as ${verdict.labels.filter((l) => l !== 'profanity').join(', ') || verdict.labels.join(', ') || 'abusive'} (marked below). Letters that stay polite get answers: please rephrase those parts.`;

  const others = (
    await repo.recentFingerprints(queries(ctx), target.id, fields.email, COMPARED_LETTERS_MAX)
  ).map(decodeFingerprint);
  const originality = assessOriginality(fields.body, briefFingerprint(campaign), others);
  Object.assign(errors, originalityErrors(campaign, target, originality));

  if (Object.keys(errors).length)
    return {
      ok: false,
      status: 422,
      errors,
      ...(refused
        ? { civility: { text: guardText, spans: verdict.spans, reasons: verdict.reasons } }
        : {}),
      ...(errors.body ? { originality } : {}),
    };

  const now = ctx.clock.now();
  const existing = await repo.findSenderLetter(queries(ctx), campaign.id, target.id, fields.email);
  if (existing && existing.status !== 'unconfirmed')
    return {
      ok: false,
      status: 409,
      errors: {
        form: `You have already written to ${target.name} in this campaign, on ${existing.created_at.slice(0, 10)}. One letter each keeps every letter read.`,
      },
    };
  if (existing && Date.parse(existing.last_mail_at) > now.getTime() - RESEND_INTERVAL_MS)
    return {
      ok: false,
      status: 429,
      errors: {
        form: `We have just emailed ${fields.email} a link to confirm your letter. Please check your inbox (and spam folder), or wait two minutes to send it again.`,
      },
    };

  const token = newLinkToken();
  const row = {
    ...letterRow(campaign, target, fields, originality, verdict, {
      token,
      constituencyCode: place.constituencyCode,
      now: now.toISOString(),
    }),
    source,
  };
  const letter = await inTransaction(ctx, async (tx) => {
    const saved = existing
      ? await replaceUnconfirmed(tx, existing.id, row)
      : await repo.insertLetter(tx.trx, row);
    const link = `${ctx.config.baseUrl}/letters/${campaign.slug}/confirm/${token}`;
    const mail = confirmationMail(campaign, saved, link);
    // A ticked consent box promises "unsubscribe at any time": the confirmation keeps it.
    if (saved.consent_wording) mail.text += (await unsubscribeFooter(ctx, saved.sender_email)).text;
    await tx.mailer.send(
      {
        to: formatAddress(saved.sender_name, saved.sender_email),
        ...mail,
        category: 'letters.confirm',
      },
      tx.trx,
    );
    return saved;
  });
  return { ok: true, letter, resent: existing !== undefined };
}

async function replaceUnconfirmed(
  tx: InTransaction,
  id: number,
  row: repo.NewLetterRow,
): Promise<LetterRow> {
  await repo.updateLetter(tx.trx, id, row);
  const saved = await repo.findLetter(tx.trx, id);
  if (!saved) throw new Error(`letter ${id} vanished`);
  return saved;
}

/** How a letter's originality is stored: the same for a letter written now or a demo one. */
export function originalityColumns(o: Originality) {
  return {
    word_count: o.words,
    own_words: o.ownWords,
    own_percent: o.ownPercent,
    brief_similarity: o.briefSimilarity,
    letter_similarity: o.letterSimilarity,
    fingerprint: encodeFingerprint(o.fingerprint),
  } satisfies Partial<repo.NewLetterRow>;
}

function letterRow(
  campaign: CampaignRow,
  target: Target,
  f: LetterFields,
  o: Originality,
  verdict: { score: number; labels: string[]; decision: string },
  extra: { token: string; constituencyCode: string | null; now: string },
): repo.NewLetterRow {
  return {
    campaign_id: campaign.id,
    target_id: target.id,
    target_name: target.name,
    target_email: null,
    // A target with no email can still be written to: the sender sends it from their own mail.
    delivery: target.email ? campaign.delivery_mode : 'mailto',
    status: 'unconfirmed',
    sender_name: f.name,
    sender_email: f.email,
    sender_postcode: f.postcode,
    sender_address: f.address,
    constituency_code: extra.constituencyCode,
    subject: f.subject,
    body: f.body,
    ...originalityColumns(o),
    civility_score: verdict.score,
    civility_labels: JSON.stringify(verdict.labels),
    needs_review: verdict.decision === 'review' ? 1 : 0,
    consent_wording: f.consent ? CONSENT_WORDING : null,
    follow_up_wanted: f.followUp && campaign.follow_up === 1 ? 1 : 0,
    confirm_token_hash: hashLinkToken(extra.token),
    last_mail_at: extra.now,
    person_id: null,
    scheduled_for: null,
    outbox_id: null,
    delivery_error: null,
    created_at: extra.now,
    confirmed_at: null,
    delivered_at: null,
    moderated_by: null,
    moderated_at: null,
    moderation_note: null,
    follow_up_token_hash: null,
    follow_up_sent_at: null,
    reply: null,
    replied_at: null,
  };
}

/** The letter a confirmation link points at, for the page that shows it before confirming. */
export async function letterForToken(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  token: string,
): Promise<{ letter: LetterRow; campaign: CampaignRow } | undefined> {
  if (!isLinkTokenShape(token)) return undefined;
  const letter = await repo.findLetterByConfirmHash(queries(ctx), hashLinkToken(token));
  if (!letter) return undefined;
  const campaign = await repo.findCampaign(queries(ctx), letter.campaign_id);
  return campaign ? { letter, campaign } : undefined;
}

export type ConfirmOutcome =
  | { status: 'confirmed' | 'already'; letter: LetterRow; campaign: CampaignRow }
  | { status: 'closed'; campaign: CampaignRow }
  | { status: 'invalid' };

/**
 * Where a confirmed or approved letter goes next, in the caller's transaction (which holds the
 * campaign's lock): to a moderator, back to the sender (mailto), or into the delivery queue.
 */
async function route(
  tx: InTransaction,
  input: {
    campaign: CampaignRow;
    letter: LetterRow;
    from: LetterStatus;
    now: Date;
    skipReview: boolean;
  },
): Promise<boolean> {
  const { campaign, letter, from, now } = input;
  if (letter.needs_review === 1 && !input.skipReview)
    return repo.transition(tx.trx, letter.id, [from], { status: 'held' });
  if (letter.delivery === 'mailto') {
    if (
      !(await repo.transition(tx.trx, letter.id, [from], {
        status: 'mailto',
        delivered_at: now.toISOString(),
      }))
    )
      return false;
    await scheduleFollowUp(tx, { campaign, letter, deliveredAt: now });
    return true;
  }
  const slot = await scheduleDelivery(tx, { campaign, letter, now });
  return repo.transition(tx.trx, letter.id, [from], { status: 'queued', scheduled_for: slot });
}

/**
 * The sender confirms: the letter moves on, the sender becomes (or enriches) a person with the
 * letter on their timeline, and a ticked consent box becomes consent, now that the address's
 * owner has acted.
 */
export async function confirmLetter(ctx: ServiceContext, token: string): Promise<ConfirmOutcome> {
  const { db } = ctx;
  const found = await letterForToken(ctx, token);
  if (!found) return { status: 'invalid' };
  const now = ctx.clock.now();
  // upsertPerson needs the directory; read before the transaction (SQLite has one connection).
  const directory = await getConstituencyDirectory(db);
  return inTransaction(ctx, async (tx): Promise<ConfirmOutcome> => {
    const { trx } = tx;
    const campaign = await repo.lockCampaign(trx, found.campaign.id, db.dialect);
    const letter = await repo.findLetter(trx, found.letter.id);
    if (!campaign || !letter) return { status: 'invalid' };
    if (letter.status !== 'unconfirmed') return { status: 'already', letter, campaign };
    if (campaign.status !== 'open') return { status: 'closed', campaign };
    const source = `letter:${campaign.slug}`;
    const person = await upsertPerson(
      db,
      {
        email: letter.sender_email,
        ...splitName(letter.sender_name),
        postcode: letter.sender_postcode,
        source,
      },
      { trx, directory },
    );
    await recordActivity(
      db,
      person.id,
      {
        kind: 'letter',
        summary: `Wrote to ${letter.target_name}: "${letter.subject}" (${campaign.title})`,
        refType: 'letter',
        refId: letter.id,
      },
      { trx },
    );
    if (letter.consent_wording)
      await recordConsent(
        db,
        person.id,
        {
          channel: 'email',
          status: 'granted',
          method: 'form',
          wording: letter.consent_wording,
          source,
        },
        { trx },
      );
    await repo.updateLetter(trx, letter.id, {
      person_id: person.id,
      confirmed_at: now.toISOString(),
    });
    await route(tx, { campaign, letter, from: 'unconfirmed', now, skipReview: false });
    const updated = await repo.findLetter(trx, letter.id);
    return { status: 'confirmed', letter: updated ?? letter, campaign };
  });
}

export type ModerationResult = { ok: true; letter: LetterRow } | { ok: false; message: string };

/** A moderator's decision on a held letter: approved letters go on as if never held. */
export async function moderateLetter(
  ctx: LettersContext,
  input: { letterId: number; decision: 'approve' | 'reject'; note: string },
  actor: Actor,
): Promise<ModerationResult> {
  const { db } = ctx;
  const { letterId, decision } = input;
  const now = ctx.clock.now();
  const cleanNote = input.note.trim().slice(0, MODERATION_NOTE_MAX_LENGTH) || null;
  const found = await repo.findLetter(queries(ctx), letterId);
  if (!found) return { ok: false, message: 'No such letter.' };
  return inTransaction(ctx, async (tx): Promise<ModerationResult> => {
    const { trx } = tx;
    const campaign = await repo.lockCampaign(trx, found.campaign_id, db.dialect);
    const letter = await repo.findLetter(trx, letterId);
    if (!campaign || !letter) return { ok: false, message: 'No such letter.' };
    if (letter.status !== 'held')
      return { ok: false, message: 'This letter is no longer waiting for a moderator.' };
    await repo.updateLetter(trx, letter.id, {
      moderated_by: actorId(actor),
      moderated_at: now.toISOString(),
      moderation_note: cleanNote,
    });
    // A held letter decided by a person: an example the guard can learn from.
    await recordModeratorDecision(trx, {
      source: 'letter',
      sourceId: String(letter.id),
      text: `${letter.subject}\n\n${letter.body}`,
      guardScore: letter.civility_score,
      guardDecision: letter.needs_review === 1 ? 'review' : 'allow',
      decision,
      personId: letter.person_id,
      personEmail: letter.sender_email,
      moderatorUserId: actorId(actor),
      at: now.toISOString(),
    });
    if (decision === 'approve') {
      await route(tx, { campaign, letter, from: 'held', now, skipReview: true });
      // A letter the sender sends themselves needs its mailto link again: a fresh link to it.
      if (letter.delivery === 'mailto') {
        const token = newLinkToken();
        await repo.updateLetter(trx, letter.id, { confirm_token_hash: hashLinkToken(token) });
        const link = `${ctx.config.baseUrl}/letters/${campaign.slug}/confirm/${token}`;
        await tx.mailer.send(
          {
            to: formatAddress(letter.sender_name, letter.sender_email),
            ...approvedMail(letter, link),
            category: 'letters.approved',
          },
          trx,
        );
      }
    } else {
      await repo.transition(trx, letter.id, ['held'], { status: 'rejected' });
      await tx.mailer.send(
        {
          to: formatAddress(letter.sender_name, letter.sender_email),
          ...rejectionMail(letter, cleanNote),
          category: 'letters.rejected',
        },
        trx,
      );
      if (letter.person_id !== null)
        await recordActivity(
          db,
          letter.person_id,
          {
            kind: 'letter',
            summary: `Letter to ${letter.target_name} not sent: refused by a moderator`,
            refType: 'letter',
            refId: letter.id,
          },
          { trx },
        );
    }
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: `letters.${decision}`,
        subjectType: 'letter',
        subjectId: letter.id,
        ...(cleanNote ? { details: { note: cleanNote } } : {}),
      },
      trx,
    );
    const updated = await repo.findLetter(trx, letter.id);
    return { ok: true, letter: updated ?? letter };
  });
}

/** An organiser records a bounce that reached the campaign's mailbox after SMTP accepted the letter. */
export async function markBounced(
  ctx: ServiceContext,
  { letterId, note }: { letterId: number; note: string },
  actor: Actor,
): Promise<boolean> {
  const error =
    note.trim().slice(0, MODERATION_NOTE_MAX_LENGTH) || 'Bounced (marked by an organiser).';
  return inTransaction(ctx, async (tx) => {
    if (
      !(await repo.transition(tx.trx, letterId, ['sent'], {
        status: 'bounced',
        delivery_error: error,
      }))
    )
      return false;
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'letters.bounced',
        subjectType: 'letter',
        subjectId: letterId,
      },
      tx.trx,
    );
    return true;
  });
}

/** Sends a failed letter again (say, once the target's email has been added). */
export async function retryLetter(
  ctx: ServiceContext,
  letterId: number,
  actor: Actor,
): Promise<boolean> {
  const { db } = ctx;
  const found = await repo.findLetter(queries(ctx), letterId);
  if (!found || found.status !== 'failed') return false;
  return inTransaction(ctx, async (tx) => {
    const { trx } = tx;
    const campaign = await repo.lockCampaign(trx, found.campaign_id, db.dialect);
    const letter = await repo.findLetter(trx, letterId);
    if (!campaign || letter?.status !== 'failed') return false;
    const slot = await scheduleDelivery(tx, { campaign, letter, now: ctx.clock.now() });
    await repo.transition(trx, letterId, ['failed'], {
      status: 'queued',
      scheduled_for: slot,
      delivery_error: null,
      outbox_id: null,
    });
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'letters.retry',
        subjectType: 'letter',
        subjectId: letterId,
      },
      trx,
    );
    return true;
  });
}

export type FollowUpLookup =
  { status: 'open' | 'answered'; letter: LetterRow } | { status: 'invalid' };

export async function followUpFor(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  token: string,
): Promise<FollowUpLookup> {
  if (!isLinkTokenShape(token)) return { status: 'invalid' };
  const letter = await repo.findLetterByFollowUpHash(queries(ctx), hashLinkToken(token));
  if (!letter) return { status: 'invalid' };
  return { status: letter.reply === null ? 'open' : 'answered', letter };
}

/** The sender's answer to "did you have a reply?": recorded once, and on their timeline. */
export async function answerFollowUp(
  ctx: ServiceContext,
  { token, answer }: { token: string; answer: ReplyAnswer },
): Promise<FollowUpLookup> {
  const found = await followUpFor(ctx, token);
  if (found.status !== 'open') return found;
  const { letter } = found;
  const { db } = ctx;
  return inTransaction(ctx, async ({ trx, clock }): Promise<FollowUpLookup> => {
    if (!(await repo.recordReply(trx, letter.id, answer, clock.now().toISOString())))
      return { status: 'answered', letter };
    if (letter.person_id !== null)
      await recordActivity(
        db,
        letter.person_id,
        {
          kind: 'letter',
          summary:
            answer === 'yes'
              ? `Had a reply from ${letter.target_name}`
              : `No reply yet from ${letter.target_name}`,
          refType: 'letter',
          refId: letter.id,
        },
        { trx },
      );
    return { status: 'open', letter: { ...letter, reply: answer } };
  });
}

/**
 * Letters' part of `Feature.actionSources`: letters by the `source` they came with, unconfirmed
 * ones too (the letter was written).
 */
export const letterSources = actionSourcesOf({
  kind: 'letter',
  label: 'Letters',
  table: 'letters',
});
