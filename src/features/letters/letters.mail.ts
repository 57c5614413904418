import type { CampaignRow, LetterRow } from './letters.repository.js';

/** `"Name" <address>`, with the characters that could break the header removed from the name. */
export function formatAddress(name: string, email: string): string {
  const clean = name.replace(/["\\<>\r\n]/g, '').trim();
  return clean ? `"${clean}" <${email}>` : email;
}

type Campaign = Pick<CampaignRow, 'title' | 'slug'>;
type Letter = Pick<
  LetterRow,
  | 'target_name'
  | 'sender_name'
  | 'sender_email'
  | 'sender_address'
  | 'sender_postcode'
  | 'subject'
  | 'body'
>;

function signature(letter: Letter): string[] {
  return [letter.sender_name, letter.sender_address ?? '', letter.sender_postcode].filter(Boolean);
}

export function confirmationMail(campaign: Campaign, letter: Letter, link: string) {
  return {
    subject: `Confirm your letter to ${letter.target_name}`,
    text: [
      `Hello ${letter.sender_name},`,
      '',
      `You wrote to ${letter.target_name} for the campaign "${campaign.title}".`,
      'Nothing is sent until you confirm that this is your email address, so no one can write in your name.',
      '',
      'Read your letter again and confirm it here:',
      '',
      link,
      '',
      'If you did not write this letter, ignore this message: it will not be sent.',
    ].join('\n'),
  };
}

/** The letter as the target receives it: the sender's words, signed, and a line on how it came. */
export function letterText(
  campaign: Campaign,
  letter: Letter,
  opts: { sentByRally: boolean } = { sentByRally: true },
): string {
  const lines = [
    `Dear ${letter.target_name},`,
    '',
    letter.body,
    '',
    'Yours sincerely,',
    '',
    ...signature(letter),
  ];
  if (opts.sentByRally)
    lines.push(
      '',
      '--',
      `${letter.sender_name} wrote this letter in their own words for the campaign "${campaign.title}" and confirmed their email address (${letter.sender_email}) before it was sent. Reply to this email to answer them directly.`,
    );
  return lines.join('\n');
}

export function digestText(campaign: Campaign, targetName: string, letters: Letter[]): string {
  const parts = [
    `Dear ${targetName},`,
    '',
    `${letters.length === 1 ? 'One person has' : `${letters.length} people have`} written to you about "${campaign.title}". Each wrote in their own words and confirmed their email address; reply to each at the address shown.`,
  ];
  letters.forEach((l, i) => {
    parts.push(
      '',
      `==== Letter ${i + 1} of ${letters.length}: ${l.subject}`,
      `From: ${l.sender_name} <${l.sender_email}>, ${[l.sender_address, l.sender_postcode].filter(Boolean).join(', ')}`,
      '',
      l.body,
      '',
      ...signature(l),
    );
  });
  return parts.join('\n');
}

export function digestCopyMail(campaign: Campaign, letter: Letter) {
  return {
    subject: `Your letter to ${letter.target_name} was sent: ${letter.subject}`,
    text: [
      `Hello ${letter.sender_name},`,
      '',
      `Your letter to ${letter.target_name} went out today with the other letters of the campaign "${campaign.title}". This is your copy.`,
      '',
      '----',
      letterText(campaign, letter),
    ].join('\n'),
  };
}

export function followUpMail(letter: Letter, link: string) {
  return {
    subject: `Did ${letter.target_name} reply to your letter?`,
    text: [
      `Hello ${letter.sender_name},`,
      '',
      `Two weeks ago you wrote to ${letter.target_name} ("${letter.subject}"). Did you have a reply?`,
      'One click tells the campaign, and helps it see which representatives answer:',
      '',
      `Yes, I had a reply: ${link}?answer=yes`,
      `No reply yet: ${link}?answer=no`,
      '',
      'Each link works once. You will not be asked again about this letter.',
    ].join('\n'),
  };
}

export function approvedMail(letter: Letter, link: string) {
  return {
    subject: `Your letter to ${letter.target_name} is ready to send`,
    text: [
      `Hello ${letter.sender_name},`,
      '',
      `A moderator has read your letter to ${letter.target_name} ("${letter.subject}"). Open this link to send it from your own email:`,
      '',
      link,
    ].join('\n'),
  };
}

export function rejectionMail(letter: Letter, note: string | null) {
  return {
    subject: `Your letter to ${letter.target_name} was not sent`,
    text: [
      `Hello ${letter.sender_name},`,
      '',
      `A moderator read your letter to ${letter.target_name} ("${letter.subject}") and did not send it, because parts of it may read as abusive.`,
      ...(note ? ['', `Their note: ${note}`] : []),
      '',
      'You are welcome to write again, in your own words and politely: letters like that are the ones that get answers.',
    ].join('\n'),
  };
}

/** A mailto: link that opens the sender's own mail program with the letter filled in. */
export function mailtoLink(campaign: Campaign, letter: Letter, targetEmail: string | null): string {
  const params = new URLSearchParams({
    subject: letter.subject,
    body: letterText(campaign, letter, { sentByRally: false }),
  });
  // mailto wants %20 for spaces, not URLSearchParams' "+".
  return `mailto:${targetEmail ? encodeURIComponent(targetEmail) : ''}?${params.toString().replace(/\+/g, '%20')}`;
}
