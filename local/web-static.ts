import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { ASSETS_PATH, WEB_DIST } from './web-build.js';

/** Serves one request for a non-API path; the gateway calls it for everything outside `/v1`. */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Thrown at start-up for a `frame-ancestors` setting that is not a CSP source list. */
export class FrameAncestorsError extends Error {
  override readonly name = 'FrameAncestorsError';
}

// A source is a keyword or a scheme/host source (RFC/CSP3 grammar, simplified): no `;` or
// `,` or whitespace inside can slip another directive into the header.
const SOURCE =
  /^(?:'self'|'none'|https?:|(?:https?:\/\/)?(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:\d{1,5}|\*))?)$/;

/**
 * Checks a `frame-ancestors` source list (`HOOKBRIDGE_WEB_FRAME_ANCESTORS`): which pages may
 * embed the portal in a frame. `'none'` (the default) forbids every frame; e.g.
 * `https://app.example.com` lets that customer-facing app embed it.
 */
export function parseFrameAncestors(value: string | undefined): string {
  const sources = (value ?? "'none'").trim().split(/\s+/).filter(Boolean);
  if (sources.length === 0) return "'none'";
  const bad = sources.find((source) => !SOURCE.test(source));
  if (bad !== undefined)
    throw new FrameAncestorsError(
      `HOOKBRIDGE_WEB_FRAME_ANCESTORS: "${bad}" is not a frame-ancestors source ('self', 'none', https://host[:port])`,
    );
  if (sources.includes("'none'") && sources.length > 1)
    throw new FrameAncestorsError(
      "HOOKBRIDGE_WEB_FRAME_ANCESTORS: 'none' cannot be combined with other sources",
    );
  return sources.join(' ');
}

/** The Content-Security-Policy of every page and asset of the app. */
export function contentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    `frame-ancestors ${frameAncestors}`,
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};
const ASSET_NAME = /^[A-Za-z0-9_-]+\.(?:js|css)$/;

/**
 * The web app's files from `distDir`: hashed assets under `/assets/` cached for a year, and
 * `index.html` (never cached) for every other path, so client-side routes load the app. A
 * missing asset is a 404, not the page: a script tag must never get HTML.
 */
export function webStatic(options: { distDir?: string; frameAncestors: string }): StaticHandler {
  const distDir = options.distDir ?? WEB_DIST;
  const security = {
    'content-security-policy': contentSecurityPolicy(options.frameAncestors),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
  };
  return async (req, res, url) => {
    // Read and drop any body: answering before it is read would reset the connection.
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...security, allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed');
      return;
    }
    let file = path.join(distDir, 'index.html');
    let cache = 'no-cache';
    if (url.pathname.startsWith(ASSETS_PATH)) {
      const name = url.pathname.slice(ASSETS_PATH.length);
      if (!ASSET_NAME.test(name)) return notFound(res, security);
      file = path.join(distDir, 'assets', name);
      cache = 'public, max-age=31536000, immutable';
    }
    const content = await readFile(file).catch(() => undefined);
    if (!content) return notFound(res, security);
    res.writeHead(200, {
      ...security,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': content.length,
      'cache-control': cache,
    });
    res.end(req.method === 'HEAD' ? undefined : content);
  };
}

function notFound(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
  res.end('Not Found');
}
