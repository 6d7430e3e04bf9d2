import type { Dispatcher, Agent as UndiciAgent } from 'undici';
import requestModule from 'undici/lib/api/api-request.js';
// undici's Agent and its `request` API alone, by their module paths: the package entry loads
// everything undici has (fetch, WebSocket, caches, mocks) and a bundler cannot drop any of it
// from CommonJS. This keeps about 260 KB out of the delivery bundle. They are the very
// functions `undici` exports (its entry mixes the API methods into Dispatcher.prototype).
import AgentModule from 'undici/lib/dispatcher/agent.js';

/** undici's keep-alive connection pool over origins. */
export const Agent = AgentModule as unknown as typeof UndiciAgent;
export type Agent = UndiciAgent;

const requestApi = requestModule as unknown as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** `dispatcher.request(options)`, as undici's entry would attach it. */
export function request(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return requestApi.call(dispatcher, options);
}
