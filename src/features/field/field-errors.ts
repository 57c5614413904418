/** A 4xx-worthy problem with what the organiser or volunteer asked for. */
export class FieldInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    /** Further lines to list under the message (an import's rejected rows, say). */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

const cacheListeners = new Set<() => void>();
/** Caches built on the plan, the targets or the elections register here to be dropped on change. */
export function onFieldChange(listener: () => void): void {
  cacheListeners.add(listener);
}
export function forgetFieldCaches(): void {
  for (const l of cacheListeners) l();
}
