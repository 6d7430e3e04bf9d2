import type { Agent as UndiciAgent } from 'undici';
// undici's Agent alone, by its module path: the package entry loads everything undici has
// (fetch, WebSocket, caches, mocks) and a bundler cannot drop any of it from CommonJS. This
// keeps about 260 KB out of the delivery bundle. It is the very class `undici` exports; the
// client drives it through `dispatch`, the API every undici dispatcher has.
import AgentModule from 'undici/lib/dispatcher/agent.js';

/** undici's keep-alive connection pool over origins. */
export const Agent = AgentModule as unknown as typeof UndiciAgent;
export type Agent = UndiciAgent;
