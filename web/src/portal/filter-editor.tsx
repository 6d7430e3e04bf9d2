import { Field } from '../ui/field.js';

/** What a filter looks like here: an EventBridge pattern on the event's `data`. */
export const FILTER_EXAMPLE = `{
  "amount": [{ "numeric": [">", 100] }],
  "currency": ["EUR", "USD"],
  "customer": { "tier": [{ "anything-but": "test" }] }
}`;

/**
 * The filter as JSON text, with an example to start from. Its error is either the text's own
 * syntax error (line and column, found here) or what the API said about `filter` — the rules
 * of a pattern are the API's to judge, so none of them is re-implemented here.
 */
export function FilterEditor(props: {
  id: string;
  value: string;
  onInput(value: string): void;
  onBlur?(): void;
  error?: string | undefined;
}) {
  return (
    <Field
      id={props.id}
      label="Filter (optional)"
      hint="An EventBridge event pattern matched against each event's data: only events whose data matches are delivered. Each field lists the values it may have, or matchers such as prefix, numeric, exists and anything-but. Leave empty to receive every event of the types above."
      error={props.error}
    >
      {(aria) => (
        <>
          <textarea
            {...aria}
            rows={6}
            spellcheck={false}
            placeholder={FILTER_EXAMPLE}
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
            onBlur={props.onBlur}
          />
          {!props.value.trim() && (
            <button
              type="button"
              class="secondary small"
              onClick={() => props.onInput(FILTER_EXAMPLE)}
            >
              Start from the example
            </button>
          )}
        </>
      )}
    </Field>
  );
}
