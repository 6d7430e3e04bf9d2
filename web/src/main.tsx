import { render } from 'preact';
import { loadApiBase } from './api/client.js';
import { ConsoleApp } from './console/console-app.js';
import { PortalApp } from './portal/portal-app.js';
import { openSession } from './portal/portal-session.js';
import './styles.css';

// The portal's token arrives in the fragment: it leaves the address bar (and the history
// entry) before anything renders, so it is neither bookmarked, shared, nor sent as a Referer.
const isPortal = location.pathname === '/portal' || location.pathname.startsWith('/portal/');
const opened = isPortal
  ? openSession(location.hash, sessionStorage, () =>
      history.replaceState(null, '', location.pathname + location.search),
    )
  : undefined;

const root = document.getElementById('app');
// The API's origin first (deployed it is not the app's); the session is already taken from
// the fragment above, so the token is out of the address bar while this loads.
void loadApiBase().then(() => {
  if (root) render(isPortal ? <PortalApp opened={opened} /> : <ConsoleApp />, root);
});
