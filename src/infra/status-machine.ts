/** One button on a record's admin page: the statuses it may start from, and where it leads. */
export interface StatusRule<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
  readonly label: string;
}

/**
 * The status changes an organiser-managed record allows (petitions, letter campaigns, storms):
 * one table, read the same way by the service that applies a change, the admin page that shows
 * the buttons and the admin-resource route that checks a posted action.
 */
export interface StatusMachine<A extends string, S extends string> {
  readonly actions: Readonly<Record<A, StatusRule<S>>>;
  /** A posted action names one of ours (`in` would also accept "toString" and "__proto__"). */
  isAction(value: string): value is A;
  /** The rule for `action` on a record in `status`, or undefined when that change is not allowed. */
  ruleFor(action: A, status: S): StatusRule<S> | undefined;
  /** The changes a record in `status` offers, in the table's order. */
  offered(status: S): [A, StatusRule<S>][];
}

export function statusMachine<A extends string, S extends string>(
  actions: Readonly<Record<A, StatusRule<S>>>,
): StatusMachine<A, S> {
  const entries = Object.entries(actions) as [A, StatusRule<S>][];
  return {
    actions,
    isAction: (value): value is A => Object.hasOwn(actions, value),
    ruleFor: (action, status) =>
      actions[action].from.includes(status) ? actions[action] : undefined,
    offered: (status) => entries.filter(([, rule]) => rule.from.includes(status)),
  };
}
