/** The screen a session ends on: no data of the tenant stays on it. */
export function SessionEnded(props: { reason: string }) {
  return (
    <main class="narrow">
      <h1>Your session has ended</h1>
      <p role="alert">{props.reason}</p>
      <p class="muted">For your security the access token was removed from this tab.</p>
    </main>
  );
}
