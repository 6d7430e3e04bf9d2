import type { EventType } from '../api/types.js';
import { CopyButton } from './copy-button.js';

/**
 * A catalog entry's JSON Schema and example payload, pretty-printed, each copyable: what a
 * receiver reads to write its handler.
 */
export function EventTypeDocument(props: { entry: EventType }) {
  const { entry } = props;
  return (
    <>
      <JsonBlock
        id="event-type-schema"
        title="JSON Schema of data"
        copy="Copy the schema"
        value={entry.schema}
        absent="This type has no schema."
      />
      <JsonBlock
        id="event-type-example"
        title="Example data"
        copy="Copy the example"
        value={entry.example}
        absent="This type has no example."
      />
    </>
  );
}

function JsonBlock(props: {
  id: string;
  title: string;
  copy: string;
  value: unknown;
  absent: string;
}) {
  const text = props.value === undefined ? undefined : JSON.stringify(props.value, null, 2);
  return (
    <section aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.title}</h2>
      {text === undefined ? (
        <p class="muted">{props.absent}</p>
      ) : (
        <>
          <pre class="document" id={props.id}>
            {text}
          </pre>
          <CopyButton text={text} label={props.copy} />
        </>
      )}
    </section>
  );
}
