import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import { readCatalog } from '../api/client.js';
import type { SubscriptionChange, SubscriptionInput } from '../api/types.js';
import { Field } from '../ui/field.js';
import { describeJsonProblem, parseJsonText } from '../ui/json-text.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link, navigate } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { useLoad } from '../ui/use-load.js';
import { EventTypePicker } from './event-type-picker.js';
import { nameSelectors, toEventTypes } from './event-type-picking.js';
import { FilterEditor } from './filter-editor.js';
import type { PortalContext } from './portal-context.js';

interface Draft {
  url: string;
  eventTypes: string;
  description: string;
  filter: string;
}

const EMPTY: Draft = { url: '', eventTypes: '*', description: '', filter: '' };

/**
 * Creating an endpoint, or editing one (`id`). The API checks everything (the URL as it will
 * deliver to it, the types, the filter); its answer is shown next to the field it names. The
 * types are picked from the catalog when there is one, typed as text otherwise.
 */
export function EndpointForm(props: { context: PortalContext; id?: string }) {
  const { api } = props.context;
  const [draft, setDraft] = useState<Draft>(props.id ? { ...EMPTY, eventTypes: '' } : EMPTY);
  const [initial, setInitial] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const [filterError, setFilterError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<readonly string[]>([]);
  // Editing: nothing is shown to change before the endpoint's own values are in.
  const [ready, setReady] = useState(props.id === undefined);
  const catalog = useLoad(() => readCatalog(api.listEventTypes), [api]);
  const picking = (catalog.data?.length ?? 0) > 0;
  const editing = props.id !== undefined;

  useEffect(() => {
    if (!props.id) return;
    api.getSubscription(props.id).then((found) => {
      setDraft({
        url: found.url,
        eventTypes: found.eventTypes.join(', '),
        description: found.description ?? '',
        filter: found.filter ? JSON.stringify(found.filter, null, 2) : '',
      });
      setInitial(new Set(found.eventTypes));
      setSelected(new Set(found.eventTypes));
      setReady(true);
    }, setError);
  }, [api, props.id]);

  /** The filter's value, or a syntax problem shown next to it (nothing is sent then). */
  function readFilter(): { value?: Record<string, unknown>; bad: boolean } {
    if (!draft.filter.trim()) return { bad: false };
    const parsed = parseJsonText(draft.filter);
    if (!parsed.ok) {
      setFilterError(describeJsonProblem(parsed));
      return { bad: true };
    }
    // Any JSON value goes to the API, which says what a filter must be.
    return { value: parsed.value as Record<string, unknown>, bad: false };
  }

  const set = (name: keyof Draft) => (event: Event) =>
    setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value });

  async function submit(event: Event) {
    event.preventDefault();
    setError(undefined);
    setFilterError(undefined);
    const { value: filter, bad } = readFilter();
    if (bad) return;
    const eventTypes = picking
      ? toEventTypes(selected)
      : draft.eventTypes
          .split(/[\s,]+/)
          .map((type) => type.trim())
          .filter(Boolean);
    setSent(eventTypes);
    setBusy(true);
    try {
      if (props.id) {
        const change: SubscriptionChange = {
          url: draft.url,
          eventTypes,
          description: draft.description || null,
          filter: filter ?? null,
        };
        await api.updateSubscription(props.id, change);
        navigate(`/portal/endpoints/${props.id}`);
      } else {
        const input: SubscriptionInput = {
          url: draft.url,
          eventTypes,
          ...(draft.description && { description: draft.description }),
          ...(filter && { filter }),
        };
        const created = await api.createSubscription(input);
        navigate(`/portal/endpoints/${created.id}`);
      }
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : undefined;
  const fieldError = (field: string) =>
    field === 'eventTypes' && apiError
      ? nameSelectors(apiError.forField('eventTypes', { paths: true }), sent)
      : apiError?.forField(field, { paths: field === 'filter' });
  const named = ['url', 'eventTypes', 'description', 'filter'].some((f) => fieldError(f));
  if (!ready)
    return (
      <>
        <ScreenTitle>Edit endpoint</ScreenTitle>
        {error === undefined ? (
          <p class="muted">Loading the endpoint…</p>
        ) : (
          <ErrorNotice error={error} />
        )}
      </>
    );
  return (
    <>
      <ScreenTitle>{editing ? 'Edit endpoint' : 'Add endpoint'}</ScreenTitle>
      <form onSubmit={submit} noValidate>
        <Field
          id="endpoint-url"
          label="URL"
          hint="Where Hookbridge POSTs each event (https)."
          error={fieldError('url')}
        >
          {(aria) => <input {...aria} type="url" value={draft.url} onInput={set('url')} required />}
        </Field>
        {catalog.loading && !catalog.data ? (
          <p class="muted">Loading the event types…</p>
        ) : picking ? (
          <EventTypePicker
            id="endpoint-types"
            catalog={catalog.data ?? []}
            initial={initial}
            selected={selected}
            onChange={setSelected}
            error={fieldError('eventTypes')}
          />
        ) : (
          <Field
            id="endpoint-types"
            label="Event types"
            hint="Separated by commas: exact types (order.created), prefixes (order.*), or * for all."
            error={fieldError('eventTypes')}
          >
            {(aria) => <input {...aria} value={draft.eventTypes} onInput={set('eventTypes')} />}
          </Field>
        )}
        {catalog.error !== undefined && (
          <p class="hint">The event type catalog could not be read, so the types are typed here.</p>
        )}
        <Field id="endpoint-description" label="Description" error={fieldError('description')}>
          {(aria) => <input {...aria} value={draft.description} onInput={set('description')} />}
        </Field>
        <FilterEditor
          id="endpoint-filter"
          value={draft.filter}
          onInput={(filter) => {
            setDraft({ ...draft, filter });
            if (filterError && parseJsonText(filter).ok) setFilterError(undefined);
          }}
          onBlur={() => {
            setFilterError(undefined);
            readFilter();
          }}
          error={filterError ?? fieldError('filter')}
        />
        {error !== undefined && !named && <ErrorNotice error={error} />}
        {named && (
          <p class="notice error" role="alert">
            The endpoint was not saved: see the fields marked above.
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {editing ? 'Save changes' : 'Create endpoint'}
          </button>
          <Link href={props.id ? `/portal/endpoints/${props.id}` : '/portal'}>Cancel</Link>
        </div>
      </form>
    </>
  );
}
