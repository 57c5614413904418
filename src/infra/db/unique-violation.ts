/**
 * A write lost a race with another on a unique key (a slug, an email): the caller turns it into
 * a "that is taken" message. Same meaning on both dialects.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
