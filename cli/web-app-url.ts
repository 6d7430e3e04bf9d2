import { isLoopback } from './api-client.js';
import type { CommandContext } from './cli-context.js';
import { UsageError } from './cli-error.js';

/** Where the web app is, and whether it is the local runtime's (which needs no session). */
export interface WebApp {
  readonly url: string;
  readonly local: boolean;
}

/**
 * The web app's base URL for a link: `--web-url`, else `HOOKBRIDGE_WEB_URL` (the stack's
 * `WebAppUrl` output), else, against the local runtime, the API endpoint's origin (it serves
 * the app too). A deployed endpoint without either is a usage error: its API URL is not the
 * app's, and a guessed link would not open.
 */
export function webAppOf(ctx: CommandContext, flag: string | undefined): WebApp {
  const endpoint = new URL(ctx.apiEndpoint());
  const given = flag ?? (ctx.io.env.HOOKBRIDGE_WEB_URL || undefined);
  if (given !== undefined) {
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      throw new UsageError(`--web-url must be an http(s) URL, got "${given}"`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash)
      throw new UsageError(
        `--web-url must be an http(s) URL without query or fragment, got "${given}"`,
      );
    return { url: url.href, local: isLoopback(url.hostname) };
  }
  if (isLoopback(endpoint.hostname)) return { url: `${endpoint.origin}/`, local: true };
  throw new UsageError(
    `no web app URL for ${endpoint.origin}: pass --web-url <url> or set HOOKBRIDGE_WEB_URL (the stack's WebAppUrl output)`,
  );
}
