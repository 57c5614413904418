import { MIXED_SCRIPTS_MESSAGE, checkEmail } from '../../infra/validation/email.js';
import { COMMENT_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH } from './comments.limits.js';

export type FormErrors = Partial<Record<'body' | 'name' | 'email' | 'parent' | 'form', string>>;

// Control characters other than newline and tab, and the bidirectional overrides that can make
// text read differently from what it says.
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const UNWANTED = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** A comment as stored: Windows line endings folded, unwanted characters dropped, trimmed. */
export function cleanCommentText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNWANTED, '').trim();
}

export function commentTextError(text: string): string | undefined {
  if (!text) return 'Write your comment first.';
  if (text.length > COMMENT_MAX_LENGTH)
    return `Your comment is ${text.length.toLocaleString('en-GB')} characters long; the limit is ${COMMENT_MAX_LENGTH.toLocaleString('en-GB')}. Please shorten it.`;
  return undefined;
}

export function cleanDisplayName(name: string): string {
  return name.replace(UNWANTED, '').replace(/\s+/g, ' ').trim();
}

export function displayNameError(name: string): string | undefined {
  if (!name) return 'Enter the name to show with your comment.';
  if (name.length > DISPLAY_NAME_MAX_LENGTH)
    return `The name can be at most ${DISPLAY_NAME_MAX_LENGTH} characters.`;
  return undefined;
}

export function emailOrError(input: string): { email: string } | { error: string } {
  const checked = checkEmail(input);
  if (checked.ok) return { email: checked.email };
  return {
    error:
      checked.reason === 'mixed-scripts'
        ? MIXED_SCRIPTS_MESSAGE
        : 'Enter a valid email address, like name@example.org.',
  };
}
