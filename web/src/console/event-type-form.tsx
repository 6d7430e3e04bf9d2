import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { EventType } from '../api/types.js';
import { Field } from '../ui/field.js';
import { describeJsonProblem, parseJsonText } from '../ui/json-text.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link, navigate } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import type { ConsoleContext } from './console-app.js';

interface Draft {
  name: string;
  description: string;
  schema: string;
  example: string;
  deprecated: boolean;
  validate: boolean;
}

const EMPTY: Draft = {
  name: '',
  description: '',
  schema: '',
  example: '',
  deprecated: false,
  validate: false,
};

const pretty = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

/**
 * Creating a catalog entry, or editing and deleting one (`name`). The API judges the schema
 * (its subset) and the example; its problems are shown by the field, each with its path.
 */
export function EventTypeForm(props: {
  context: ConsoleContext;
  name?: string | undefined;
  onCreated?(entry: EventType): void;
}) {
  const { api } = props.context;
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>();
  const [syntax, setSyntax] = useState<{ schema?: string; example?: string }>({});
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const editing = props.name !== undefined;

  useEffect(() => {
    if (!props.name) return;
    api.getEventType(props.name).then(
      (found: EventType) =>
        setDraft({
          name: found.name,
          description: found.description ?? '',
          schema: pretty(found.schema),
          example: pretty(found.example),
          deprecated: found.deprecated,
          validate: found.validate,
        }),
      setError,
    );
  }, [api, props.name]);

  const text = (field: 'name' | 'description' | 'schema' | 'example') => (event: Event) =>
    setDraft({ ...draft, [field]: (event.currentTarget as HTMLInputElement).value });
  const flag = (field: 'deprecated' | 'validate') => (event: Event) =>
    setDraft({ ...draft, [field]: (event.currentTarget as HTMLInputElement).checked });

  async function run(action: () => Promise<void>) {
    setError(undefined);
    setBusy(true);
    try {
      await action();
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: Event) {
    event.preventDefault();
    const schema = draft.schema.trim() ? parseJsonText(draft.schema) : undefined;
    const example = draft.example.trim() ? parseJsonText(draft.example) : undefined;
    const problems = {
      ...(schema && !schema.ok && { schema: describeJsonProblem(schema) }),
      ...(example && !example.ok && { example: describeJsonProblem(example) }),
    };
    setSyntax(problems);
    if (problems.schema || problems.example) return;
    const value = (parsed: typeof schema) =>
      parsed?.ok ? (parsed.value as Record<string, unknown>) : undefined;
    await run(async () => {
      if (props.name) {
        await api.updateEventType(props.name, {
          description: draft.description.trim() || null,
          schema: value(schema) ?? null,
          example: value(example) ?? null,
          deprecated: draft.deprecated,
          validate: draft.validate,
        });
        navigate('/console/event-types');
      } else {
        const description = draft.description.trim();
        const created = await api.createEventType({
          name: draft.name.trim(),
          ...(description && { description }),
          ...(schema && { schema: value(schema) }),
          ...(example && { example: value(example) }),
          deprecated: draft.deprecated,
          validate: draft.validate,
        });
        setDraft(EMPTY);
        props.onCreated?.(created);
      }
    });
  }

  const apiError = error instanceof ApiError ? error : undefined;
  const fieldError = (field: keyof Draft) => apiError?.forField(field, { paths: true });
  const fields: (keyof Draft)[] = ['name', 'description', 'schema', 'example', 'validate'];
  const named = fields.some((field) => fieldError(field));
  return (
    <>
      {editing ? (
        <>
          <p>
            <Link href="/console/event-types">← Event types</Link>
          </p>
          <ScreenTitle>
            <span class="break">{props.name}</span>
          </ScreenTitle>
        </>
      ) : (
        <h2 id="new-event-type-heading">New event type</h2>
      )}
      <form
        onSubmit={submit}
        noValidate
        {...(!editing && { 'aria-labelledby': 'new-event-type-heading' })}
      >
        {!editing && (
          <Field
            id="event-type-name"
            label="Name"
            hint="As events carry it: dot-separated segments, e.g. invoice.paid. Fixed once created."
            error={fieldError('name')}
          >
            {(aria) => <input {...aria} value={draft.name} onInput={text('name')} />}
          </Field>
        )}
        <Field id="event-type-description" label="Description" error={fieldError('description')}>
          {(aria) => <input {...aria} value={draft.description} onInput={text('description')} />}
        </Field>
        <Field
          id="event-type-schema"
          label="JSON Schema of data (optional)"
          hint="Draft 2020-12, in the supported subset."
          error={syntax.schema ?? fieldError('schema')}
        >
          {(aria) => (
            <textarea
              {...aria}
              rows={8}
              spellcheck={false}
              value={draft.schema}
              onInput={text('schema')}
            />
          )}
        </Field>
        <Field
          id="event-type-example"
          label="Example data (optional)"
          hint="Must validate against the schema."
          error={syntax.example ?? fieldError('example')}
        >
          {(aria) => (
            <textarea
              {...aria}
              rows={6}
              spellcheck={false}
              value={draft.example}
              onInput={text('example')}
            />
          )}
        </Field>
        <div class="check">
          <input
            type="checkbox"
            id="event-type-deprecated"
            checked={draft.deprecated}
            onChange={flag('deprecated')}
          />
          <label for="event-type-deprecated">Deprecated (still accepted, not offered)</label>
        </div>
        <div class="check">
          <input
            type="checkbox"
            id="event-type-validate"
            checked={draft.validate}
            onChange={flag('validate')}
            {...(fieldError('validate') && {
              'aria-invalid': 'true' as const,
              'aria-describedby': 'event-type-validate-error',
            })}
          />
          <label for="event-type-validate">Refuse events whose data breaks the schema</label>
        </div>
        {fieldError('validate') && (
          <p class="field-error" id="event-type-validate-error">
            {fieldError('validate')}
          </p>
        )}
        {error !== undefined && !named && <ErrorNotice error={error} />}
        {named && (
          <p class="notice error" role="alert">
            The event type was not saved: see the fields marked above.
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {editing ? 'Save changes' : 'Create event type'}
          </button>
          {editing && !confirming && (
            <button type="button" class="danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
          {editing && confirming && (
            <fieldset class="confirm">
              <legend class="visually-hidden">Confirm deletion</legend>
              <button
                type="button"
                class="danger"
                disabled={busy}
                onClick={() =>
                  run(async () => {
                    await api.deleteEventType(props.name as string);
                    navigate('/console/event-types');
                  })
                }
              >
                Delete for good
              </button>
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </fieldset>
          )}
        </div>
      </form>
    </>
  );
}
