import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/api-error.js';

/** An error in words: the API's message (it names the field), or what went wrong otherwise. */
export function ErrorNotice(props: { error: unknown }) {
  if (props.error === undefined || props.error === null) return null;
  const message =
    props.error instanceof ApiError
      ? props.error.status === 404
        ? `Not found: ${props.error.message}`
        : props.error.message
      : props.error instanceof Error
        ? props.error.message
        : String(props.error);
  return (
    <p class="notice error" role="alert">
      {message}
    </p>
  );
}

/** A status line announced politely when it changes (e.g. "Delivered in 12 ms"). */
export function Status(props: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {props.children}
    </p>
  );
}
