import { describe, expect, it } from 'vitest';
import {
  consoleFragment,
  parseConsoleFragment,
  webAppLink,
} from '../../../shared/access/session-links.js';
import { ApiError, toApiError } from '../../../web/src/api/api-error.js';
import { endConsoleSession, openConsoleSession } from '../../../web/src/console/console-session.js';
import { memoryStore } from '../../support/memory-store.js';

const SESSION = `hbc_${'0123456789abcdef01234567'}.${'y'.repeat(43)}`;
const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const link = { session: SESSION, expiresAt: '2026-12-03T13:00:00.000Z' };

describe('the console link', () => {
  it('round-trips through the fragment hookbridge console writes', () => {
    expect(consoleFragment(link)).toBe(`#session=${SESSION}&expires=2026-12-03T13%3A00%3A00.000Z`);
    expect(parseConsoleFragment(consoleFragment(link))).toEqual(link);
    expect(parseConsoleFragment('')).toBeUndefined();
    expect(parseConsoleFragment(`#token=hbt_x`)).toBeUndefined();
  });

  it.each([
    ['a truncated session', { ...link, session: SESSION.slice(0, -1) }],
    ['a padded session', { ...link, session: `${SESSION}=` }],
    ['a tenant token', { ...link, session: SESSION.replace('hbc_', 'hbt_') }],
    ['an API key', { ...link, session: SESSION.replace('hbc_', 'hbk_') }],
    ['an upper-case id', { ...link, session: SESSION.replace('abcdef', 'ABCDEF') }],
    ['no expiry', { ...link, expiresAt: '' }],
    ['an expiry that is no time', { ...link, expiresAt: 'soon' }],
  ])('refuses %s as an incomplete link', (_what, bad) => {
    expect(parseConsoleFragment(consoleFragment(bad))).toBe('incomplete-link');
  });

  it('joins the web app URL and the page with exactly one slash', () => {
    for (const base of [
      'https://d1.cloudfront.net',
      'https://d1.cloudfront.net/',
      'https://d1.cloudfront.net//',
    ])
      expect(webAppLink(base, 'console', '#x')).toBe('https://d1.cloudfront.net/console#x');
    expect(webAppLink('http://127.0.0.1:4000/', 'portal', '#t')).toBe(
      'http://127.0.0.1:4000/portal#t',
    );
  });
});

describe('the console session', () => {
  it('clears the fragment before anything else, and keeps the session in the tab', () => {
    const store = memoryStore();
    const order: string[] = [];
    const opened = openConsoleSession(
      consoleFragment(link),
      store,
      () => order.push('cleared'),
      NOW,
    );
    expect(opened).toEqual(link);
    expect(order).toEqual(['cleared']);
    // A reload without the fragment resumes it; ending it forgets it.
    expect(openConsoleSession('', store, () => order.push('again'), NOW)).toEqual(link);
    expect(order).toEqual(['cleared']);
    endConsoleSession(store);
    expect(openConsoleSession('', store, () => {}, NOW)).toBeUndefined();
  });

  it('refuses an expired link and forgets an expired stored session', () => {
    const store = memoryStore();
    let cleared = false;
    const expired = { ...link, expiresAt: new Date(NOW).toISOString() };
    expect(openConsoleSession(consoleFragment(expired), store, () => (cleared = true), NOW)).toBe(
      'expired',
    );
    expect(cleared).toBe(true);
    expect(store.items.size).toBe(0);
    openConsoleSession(consoleFragment(link), store, () => {}, NOW);
    expect(openConsoleSession('', store, () => {}, Date.parse(link.expiresAt))).toBe('expired');
    expect(store.items.size).toBe(0);
  });

  it('reads a tampered stored session as none, and a bad link as an incomplete one', () => {
    const store = memoryStore();
    store.items.set('hookbridge.console-session', JSON.stringify({ ...link, session: 'hbc_x' }));
    expect(openConsoleSession('', store, () => {}, NOW)).toBeUndefined();
    store.items.set('hookbridge.console-session', 'null');
    expect(openConsoleSession('', store, () => {}, NOW)).toBeUndefined();
    store.items.set('hookbridge.console-session', '{');
    expect(openConsoleSession('', store, () => {}, NOW)).toBeUndefined();
    let cleared = false;
    expect(openConsoleSession('#session=hbc_1', store, () => (cleared = true), NOW)).toBe(
      'incomplete-link',
    );
    expect(cleared).toBe(true);
  });

  it('ends on the gateway’s 401/403 and on the API’s own expiry answer, not on other errors', () => {
    expect(toApiError(403, { message: 'Forbidden' }).sessionEnded).toBe(true);
    expect(toApiError(401, { message: 'Unauthorized' }).sessionEnded).toBe(true);
    const expired = {
      error: { code: 'session_expired', message: 'the console session has expired' },
    };
    expect(toApiError(401, expired).sessionEnded).toBe(true);
    expect(
      toApiError(401, { error: { code: 'token_expired', message: 'the token has expired' } })
        .sessionEnded,
    ).toBe(true);
    // A 403 of the API itself (a route the session may not call) leaves the session alone.
    expect(toApiError(403, { error: { code: 'forbidden', message: 'no' } }).sessionEnded).toBe(
      false,
    );
    expect(new ApiError(404, 'not_found', 'none').sessionEnded).toBe(false);
  });
});
