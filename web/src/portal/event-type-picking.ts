/**
 * What the event type picker shows and what a selection sends, as pure functions. A selection
 * is the set of selectors ticked (`*`, `prefix.*`, exact types); the API takes the same
 * selectors in `eventTypes`, and `prefix.*` matches every type starting `prefix.`.
 */

/** The part of a catalog entry the picker needs. */
export interface PickableType {
  readonly name: string;
  readonly description?: string;
  readonly deprecated: boolean;
}

/** Types sharing the part of their name before the last `.`, offered whole as `prefix.*`. */
export interface TypeGroup {
  /** `''` for types without a dot: they have no `prefix.*` to offer. */
  readonly prefix: string;
  readonly pattern: string | undefined;
  readonly types: readonly PickableType[];
}

export const ALL = '*';

/** The part before the last `.` (`order.line.created` → `order.line`), `''` without a dot. */
export function prefixOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(0, dot);
}

/** The catalog grouped by prefix, groups and types sorted by name; dotless types come last. */
export function groupByPrefix(catalog: readonly PickableType[]): TypeGroup[] {
  const groups = new Map<string, PickableType[]>();
  for (const type of catalog) {
    const prefix = prefixOf(type.name);
    groups.set(prefix, [...(groups.get(prefix) ?? []), type]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
    .map(([prefix, types]) => ({
      prefix,
      pattern: prefix === '' ? undefined : `${prefix}.*`,
      types: [...types].sort((a, b) => a.name.localeCompare(b.name)),
    }));
}

/** Whether `selector` matches everything `other` does (and is not `other` itself). */
export function covers(selector: string, other: string): boolean {
  if (selector === other) return false;
  if (selector === ALL) return true;
  return selector.endsWith('.*') && other.startsWith(selector.slice(0, -1)) && other !== ALL;
}

/** The ticked selector that already takes in `selector`, if any (`*` before any `prefix.*`). */
export function coveredBy(selected: ReadonlySet<string>, selector: string): string | undefined {
  if (selected.has(ALL) && selector !== ALL) return ALL;
  return [...selected].sort().find((other) => covers(other, selector));
}

/**
 * The `eventTypes` a selection turns into: every ticked selector that no other ticked one
 * covers, `*` first and the rest sorted. Covered ones stay ticked in the picker (unticking the
 * group gives them back) but are not sent twice.
 */
export function toEventTypes(selected: ReadonlySet<string>): string[] {
  const kept = [...selected].filter((selector) => coveredBy(selected, selector) === undefined);
  return kept.sort((a, b) => (a === ALL ? -1 : b === ALL ? 1 : a.localeCompare(b)));
}

/**
 * The selectors an endpoint has that the picker would not otherwise show: neither `*`, a
 * catalog type, nor the `prefix.*` of a group. They are shown apart and kept, never dropped.
 */
export function notInCatalog(
  selected: ReadonlySet<string>,
  groups: readonly TypeGroup[],
): string[] {
  const shown = new Set<string>([ALL]);
  for (const group of groups) {
    if (group.pattern) shown.add(group.pattern);
    for (const type of group.types) shown.add(type.name);
  }
  return [...selected].filter((selector) => !shown.has(selector)).sort();
}

/**
 * Whether a type can be ticked: a deprecated one only if the endpoint had it already (it is
 * kept and marked), never as a new pick.
 */
export function offered(type: PickableType, initial: ReadonlySet<string>): boolean {
  return !type.deprecated || initial.has(type.name);
}

/**
 * Whether a group's `prefix.*` is offered: it has a type that can be picked, or the endpoint
 * has the pattern already. A group of only deprecated types is not offered as a new pick.
 */
export function groupOffered(group: TypeGroup, initial: ReadonlySet<string>): boolean {
  if (!group.pattern) return false;
  return initial.has(group.pattern) || group.types.some((type) => !type.deprecated);
}

/**
 * The groups with only the types whose name or description contains `query` (any case); a
 * group whose prefix matches keeps all its types. Groups left empty are dropped.
 */
export function filterGroups(groups: readonly TypeGroup[], query: string): TypeGroup[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...groups];
  const matches = (text: string | undefined) => text?.toLowerCase().includes(needle) ?? false;
  return groups
    .map((group) =>
      group.pattern && matches(group.pattern)
        ? group
        : {
            ...group,
            types: group.types.filter((type) => matches(type.name) || matches(type.description)),
          },
    )
    .filter((group) => group.types.length > 0);
}

/** A selection with `selector` ticked or not. */
export function withSelector(
  selected: ReadonlySet<string>,
  selector: string,
  ticked: boolean,
): Set<string> {
  const next = new Set(selected);
  if (ticked) next.add(selector);
  else next.delete(selector);
  return next;
}

/**
 * The API's message about `eventTypes` with each `eventTypes[i]` replaced by the selector sent
 * at that place (`"type!": must be an event type…`): the picker has no positions to point at.
 */
export function nameSelectors(
  message: string | undefined,
  sent: readonly string[],
): string | undefined {
  return message?.replace(/eventTypes\[(\d+)\]/g, (path, index: string) => {
    const selector = sent[Number(index)];
    return selector === undefined ? path : `"${selector}"`;
  });
}
