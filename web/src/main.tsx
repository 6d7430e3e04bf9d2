import { render } from 'preact';
import { loadApiBase } from './api/client.js';
import { ConsoleApp } from './console/console-app.js';
import { openConsoleSession } from './console/console-session.js';
import { PortalApp } from './portal/portal-app.js';
import { openSession } from './portal/portal-session.js';
import './styles.css';

// The portal's token and the console's session arrive in the fragment: it leaves the address
// bar (and the history entry) before anything renders, so it is neither bookmarked, shared,
// nor sent as a Referer.
const under = (page: string) =>
  location.pathname === page || location.pathname.startsWith(`${page}/`);
const isPortal = under('/portal');
const clearFragment = () => history.replaceState(null, '', location.pathname + location.search);
const opened = isPortal ? openSession(location.hash, sessionStorage, clearFragment) : undefined;
const consoleOpened = isPortal
  ? undefined
  : openConsoleSession(location.hash, sessionStorage, clearFragment);

const root = document.getElementById('app');
// The API's origin first (deployed it is not the app's); the session is already taken from
// the fragment above, so the credential is out of the address bar while this loads.
void loadApiBase().then((apiBase) => {
  if (!root) return;
  render(
    isPortal ? (
      <PortalApp opened={opened} />
    ) : (
      <ConsoleApp opened={consoleOpened} deployed={apiBase !== ''} />
    ),
    root,
  );
});
