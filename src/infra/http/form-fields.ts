/**
 * Reading urlencoded form bodies: a field is a string or it is absent. Repeated fields (an
 * attacker's `a=1&a=2`) and anything else count as absent, so handlers never see arrays where
 * they expect text.
 */
export function formField(body: unknown, name: string, max = Number.POSITIVE_INFINITY): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** Every value of a field that may repeat (ticked boxes, a multi-select), strings only. */
export function formFieldList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}
