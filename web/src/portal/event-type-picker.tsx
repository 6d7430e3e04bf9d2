import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import {
  ALL,
  coveredBy,
  filterGroups,
  groupByPrefix,
  groupOffered,
  notInCatalog,
  offered,
  type PickableType,
  type TypeGroup,
  toEventTypes,
  withSelector,
} from './event-type-picking.js';

/**
 * The catalog's types as checkboxes grouped by prefix, each group also takeable whole as
 * `prefix.*`, and `*` for all. `initial` is what the endpoint had: its deprecated types and
 * those not in the catalog are shown, marked, and kept. The API's error for `eventTypes` is
 * tied to the whole group of checkboxes.
 */
export function EventTypePicker(props: {
  id: string;
  catalog: readonly PickableType[];
  initial: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  onChange(selected: Set<string>): void;
  error?: string | undefined;
}) {
  const { id, selected, initial } = props;
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupByPrefix(props.catalog), [props.catalog]);
  const shown = useMemo(() => filterGroups(groups, query), [groups, query]);
  const unknown = notInCatalog(new Set([...selected, ...initial]), groups);
  const set = (selector: string) => (event: Event) =>
    props.onChange(
      withSelector(selected, selector, (event.currentTarget as HTMLInputElement).checked),
    );
  const described = [`${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ');
  const visible = shown.reduce((n, group) => n + group.types.length, 0);
  const sending = toEventTypes(selected);

  return (
    <fieldset class="picker" aria-describedby={described}>
      <legend>Event types</legend>
      <p class="hint" id={`${id}-hint`}>
        Tick the events this endpoint receives, a whole group (<code>prefix.*</code>, which also
        takes types added to it later), or all events.
      </p>
      {props.error && (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
      <Check
        id={`${id}-all`}
        label={
          <>
            All events (<code>*</code>)
          </>
        }
        checked={selected.has(ALL)}
        onChange={set(ALL)}
      />
      <div class="field picker-filter">
        <label for={`${id}-filter`}>Filter the list</label>
        <input
          id={`${id}-filter`}
          type="search"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          aria-describedby={`${id}-count`}
        />
        <p class="hint" id={`${id}-count`} aria-live="polite">
          {query.trim()
            ? `${visible} of ${props.catalog.length} types match`
            : `${props.catalog.length} types`}
        </p>
      </div>
      {shown.map((group) => (
        <Group key={group.prefix} id={id} group={group} {...{ selected, initial, set }} />
      ))}
      {unknown.length > 0 && (
        <fieldset>
          <legend>Not in the catalog</legend>
          <p class="hint">This endpoint has these; they are kept unless you untick them.</p>
          {unknown.map((selector, index) => (
            <Check
              key={selector}
              id={`${id}-u${index}`}
              label={<code>{selector}</code>}
              checked={selected.has(selector) || coveredBy(selected, selector) !== undefined}
              disabled={coveredBy(selected, selector) !== undefined}
              onChange={set(selector)}
            />
          ))}
        </fieldset>
      )}
      <p class="picker-summary">
        <strong>Receives:</strong> {sending.length > 0 ? sending.join(', ') : 'nothing yet'}
      </p>
    </fieldset>
  );
}

function Group(props: {
  id: string;
  group: TypeGroup;
  selected: ReadonlySet<string>;
  initial: ReadonlySet<string>;
  set(selector: string): (event: Event) => void;
}) {
  const { id, group, selected, initial, set } = props;
  const base = `${id}-g${group.prefix.replace(/[^\w-]/g, '_')}`;
  const pattern = group.pattern;
  const patternCover = pattern ? coveredBy(selected, pattern) : undefined;
  return (
    <fieldset class="type-group">
      <legend>{group.prefix || 'Other types'}</legend>
      {pattern && groupOffered(group, initial) && (
        <Check
          id={`${base}-all`}
          label={
            <>
              All <code>{group.prefix}</code> events (<code>{pattern}</code>)
            </>
          }
          checked={selected.has(pattern) || patternCover !== undefined}
          disabled={patternCover !== undefined}
          note={patternCover && `included in ${patternCover}`}
          onChange={set(pattern)}
        />
      )}
      <ul class="plain type-list">
        {group.types.map((type, index) => {
          const cover = coveredBy(selected, type.name);
          return (
            <li key={type.name}>
              <Check
                id={`${base}-${index}`}
                label={<code>{type.name}</code>}
                checked={selected.has(type.name) || cover !== undefined}
                disabled={cover !== undefined || !offered(type, initial)}
                deprecated={type.deprecated}
                note={
                  [cover && `included in ${cover}`, type.description].filter(Boolean).join(' · ') ||
                  undefined
                }
                onChange={set(type.name)}
              />
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function Check(props: {
  id: string;
  label: ComponentChildren;
  checked: boolean;
  disabled?: boolean;
  deprecated?: boolean;
  note?: string | undefined;
  onChange(event: Event): void;
}) {
  const described = [props.note && `${props.id}-note`, props.deprecated && `${props.id}-dep`]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="check">
      <input
        type="checkbox"
        id={props.id}
        checked={props.checked}
        disabled={props.disabled}
        onChange={props.onChange}
        {...(described && { 'aria-describedby': described })}
      />
      <div>
        <label for={props.id}>{props.label}</label>{' '}
        {props.deprecated && (
          <span class="badge neutral" id={`${props.id}-dep`}>
            deprecated
          </span>
        )}
        {props.note && (
          <span class="hint type-note" id={`${props.id}-note`}>
            {props.note}
          </span>
        )}
      </div>
    </div>
  );
}
