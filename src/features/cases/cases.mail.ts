import type { OutgoingMail } from '../../infra/mail/mailer.js';
import { CATEGORY_LABELS, OUTCOME_LABELS } from './cases.rules.js';
import type { CaseRow } from './cases.repository.js';

export const MAIL_CATEGORY = 'cases';

const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

export function confirmComplaintMail(to: string, link: string): OutgoingMail {
  return {
    to,
    category: MAIL_CATEGORY,
    subject: 'Confirm your complaint',
    text: [
      'We received a complaint from this address. Nothing happens until you confirm it:',
      '',
      link,
      '',
      'If you did not send a complaint, ignore this email and it will be discarded.',
    ].join('\n'),
  };
}

export function acknowledgedMail(to: string, c: CaseRow, decisionBy: string): OutgoingMail {
  return {
    to,
    category: MAIL_CATEGORY,
    subject: `Your complaint (case ${c.id}) is being handled`,
    text: [
      `We have acknowledged your complaint (case ${c.id}, ${CATEGORY_LABELS[c.category]}).`,
      `A caseworker who has no connection to it is handling it. We aim to decide by ${day(decisionBy)}.`,
      'The person complained about will be told what is alleged and can reply before any decision.',
    ].join('\n'),
  };
}

export function allegationMail(
  to: string,
  c: CaseRow,
  link: string,
  replyBy: string,
): OutgoingMail {
  const from =
    c.complainant_anonymous || !c.complainant_name
      ? 'The complainant asked not to be named to you.'
      : `The complaint was made by ${c.complainant_name}.`;
  return {
    to,
    category: MAIL_CATEGORY,
    subject: `A complaint about your conduct (case ${c.id})`,
    text: [
      `Hello ${c.respondent_name},`,
      '',
      `We have received a complaint about your conduct (${CATEGORY_LABELS[c.category]}). ${from}`,
      '',
      'What is alleged:',
      c.summary,
      '',
      `You can reply before any decision is made, until ${day(replyBy)}:`,
      link,
      '',
      'Your reply becomes part of the case. No decision is made before you have had this chance.',
    ].join('\n'),
  };
}

export function outcomeMail(
  to: string,
  c: CaseRow,
  link: string | null,
  who: 'respondent' | 'complainant',
): OutgoingMail {
  const outcome = c.outcome ? OUTCOME_LABELS[c.outcome] : '';
  return {
    to,
    category: MAIL_CATEGORY,
    subject: `Decision on case ${c.id}: ${outcome}`,
    text: [
      who === 'respondent' ? `Hello ${c.respondent_name},` : 'Hello,',
      '',
      `The decision on case ${c.id} is: ${outcome}${c.outcome_until ? ` (until ${day(`${c.outcome_until}T00:00:00Z`)})` : ''}.`,
      '',
      'Reasons:',
      c.outcome_reasons ?? '',
      '',
      ...(link && c.appeal_due_at
        ? [
            `You can appeal until ${day(c.appeal_due_at)}. Someone who took no part will review it:`,
            link,
          ]
        : []),
    ].join('\n'),
  };
}

export function appealRulingMail(to: string, c: CaseRow): OutgoingMail {
  return {
    to,
    category: MAIL_CATEGORY,
    subject: `Appeal on case ${c.id}: ${c.appeal_result === 'overturned' ? 'decision overturned' : 'decision upheld'}`,
    text: [
      `The appeal on case ${c.id} was reviewed by someone who took no part in the decision.`,
      `Result: the decision is ${c.appeal_result}.`,
      '',
      'Reasons:',
      c.appeal_reasons ?? '',
    ].join('\n'),
  };
}
