/**
 * One request to a running Hookbridge HTTP API (`hookbridge dev`), as a user's client makes
 * it: a JSON body when there is one; answers the status and the parsed JSON body.
 */
export async function apiCall(
  apiUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
