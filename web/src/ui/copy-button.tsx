import { useState } from 'preact/hooks';

/** Copies `text` to the clipboard and says so; the text stays selectable beside it anyway. */
export function CopyButton(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="secondary"
      onClick={() =>
        navigator.clipboard.writeText(props.text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : props.label}
    </button>
  );
}
