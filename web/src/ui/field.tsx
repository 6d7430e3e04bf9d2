import type { ComponentChildren } from 'preact';

/**
 * A labelled form control with its hint and the error the API named it in: the error is tied
 * to the control (`aria-describedby`, `aria-invalid`) so it is read out with it.
 */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (aria: {
    id: string;
    'aria-invalid'?: 'true';
    'aria-describedby'?: string;
  }) => ComponentChildren;
}) {
  const described = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children({
        id: props.id,
        ...(props.error && { 'aria-invalid': 'true' as const }),
        ...(described && { 'aria-describedby': described }),
      })}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
