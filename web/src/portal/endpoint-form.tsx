import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { SubscriptionChange, SubscriptionInput } from '../api/types.js';
import { Field } from '../ui/field.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link, navigate } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
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
 * deliver to it, the types, the filter); its answer is shown next to the field it names.
 */
export function EndpointForm(props: { context: PortalContext; id?: string }) {
  const { api } = props.context;
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>();
  const [filterError, setFilterError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const editing = props.id !== undefined;

  useEffect(() => {
    if (!props.id) return;
    api.getSubscription(props.id).then(
      (found) =>
        setDraft({
          url: found.url,
          eventTypes: found.eventTypes.join(', '),
          description: found.description ?? '',
          filter: found.filter ? JSON.stringify(found.filter, null, 2) : '',
        }),
      setError,
    );
  }, [api, props.id]);

  const set = (name: keyof Draft) => (event: Event) =>
    setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value });

  async function submit(event: Event) {
    event.preventDefault();
    setError(undefined);
    setFilterError(undefined);
    let filter: Record<string, unknown> | undefined;
    if (draft.filter.trim()) {
      try {
        filter = JSON.parse(draft.filter) as Record<string, unknown>;
      } catch (problem) {
        setFilterError(`Not valid JSON: ${(problem as Error).message}`);
        return;
      }
    }
    const eventTypes = draft.eventTypes
      .split(/[\s,]+/)
      .map((type) => type.trim())
      .filter(Boolean);
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
  const fieldError = (field: string) => apiError?.forField(field);
  const named = ['url', 'eventTypes', 'description', 'filter'].some((f) => fieldError(f));
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
        <Field
          id="endpoint-types"
          label="Event types"
          hint="Separated by commas: exact types (order.created), prefixes (order.*), or * for all."
          error={fieldError('eventTypes')}
        >
          {(aria) => <input {...aria} value={draft.eventTypes} onInput={set('eventTypes')} />}
        </Field>
        <Field id="endpoint-description" label="Description" error={fieldError('description')}>
          {(aria) => <input {...aria} value={draft.description} onInput={set('description')} />}
        </Field>
        <Field
          id="endpoint-filter"
          label="Filter (optional)"
          hint='An EventBridge pattern on the event data, e.g. {"amount": [{"numeric": [">", 100]}]}'
          error={filterError ?? fieldError('filter')}
        >
          {(aria) => <textarea {...aria} rows={4} value={draft.filter} onInput={set('filter')} />}
        </Field>
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
