import { describe, expect, it } from 'vitest';
import {
  openSession,
  type PortalSession,
  parseFragment,
  portalFragment,
} from '../../../web/src/portal/portal-session.js';
import { memoryStore } from '../../support/memory-store.js';

const TOKEN = `hbt_${'0123456789abcdef01234567'}.${'x'.repeat(43)}`;
const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const session: PortalSession = {
  token: TOKEN,
  tenantId: 'acme',
  capabilities: ['read', 'secrets'],
  expiresAt: '2026-12-03T13:00:00.000Z',
};

describe('the portal link', () => {
  it('round-trips through the fragment the console writes', () => {
    expect(parseFragment(portalFragment(session))).toEqual(session);
  });

  it.each([
    ['a truncated token', portalFragment({ ...session, token: TOKEN.slice(0, -1) })],
    ['a padded token', portalFragment({ ...session, token: `${TOKEN}=` })],
    [
      'an API key in place of a token',
      portalFragment({ ...session, token: TOKEN.replace('hbt_', 'hbk_') }),
    ],
    ['no tenant', `#token=${TOKEN}&expires=${session.expiresAt}`],
    ['a tenant id with a slash', portalFragment({ ...session, tenantId: 'acme/../beta' })],
    [
      'an unknown capability',
      `#token=${TOKEN}&tenant=acme&caps=read,admin&expires=${session.expiresAt}`,
    ],
    ['no expiry', `#token=${TOKEN}&tenant=acme`],
    ['an expiry that is no date', `#token=${TOKEN}&tenant=acme&expires=soon`],
  ])('with %s is refused as incomplete', (_, hash) => {
    expect(parseFragment(hash)).toBe('incomplete-link');
  });

  it('is not a portal link without a token', () => {
    expect(parseFragment('#/endpoints')).toBeUndefined();
    expect(parseFragment('')).toBeUndefined();
  });
});

describe('a session', () => {
  it('takes the token out of the address bar before anything else, and keeps it in the tab', () => {
    const store = memoryStore();
    const order: string[] = [];
    const opened = openSession(portalFragment(session), store, () => order.push('cleared'), NOW);
    expect(order).toEqual(['cleared']);
    expect(opened).toEqual(session);
    expect([...store.items.values()].join()).toContain(TOKEN);
    // A reload: no fragment any more, the stored session resumes.
    expect(openSession('', store, () => order.push('again'), NOW)).toEqual(session);
    expect(order).toEqual(['cleared']);
  });

  it('clears even a malformed link from the address bar, and stores nothing', () => {
    const store = memoryStore();
    let cleared = false;
    expect(openSession(`#token=${TOKEN.slice(0, 20)}`, store, () => (cleared = true), NOW)).toBe(
      'incomplete-link',
    );
    expect(cleared).toBe(true);
    expect(store.items.size).toBe(0);
  });

  it('cannot outlive its token: an expired link or stored session is refused and forgotten', () => {
    const store = memoryStore();
    const expired = { ...session, expiresAt: new Date(NOW - 1).toISOString() };
    expect(openSession(portalFragment(expired), store, () => {}, NOW)).toBe('expired');
    expect(store.items.size).toBe(0);

    openSession(portalFragment(session), store, () => {}, NOW);
    expect(openSession('', store, () => {}, Date.parse(session.expiresAt))).toBe('expired');
    expect(store.items.size).toBe(0);
  });

  it('a new link replaces the stored session (another tenant, other capabilities)', () => {
    const store = memoryStore();
    openSession(portalFragment(session), store, () => {}, NOW);
    const other = { ...session, tenantId: 'beta', capabilities: ['read' as const] };
    expect(openSession(portalFragment(other), store, () => {}, NOW)).toEqual(other);
    expect(openSession('', store, () => {}, NOW)).toEqual(other);
  });

  it('ignores a stored session someone edited into something a link could not be', () => {
    const store = memoryStore();
    openSession(portalFragment(session), store, () => {}, NOW);
    const [key] = [...store.items.keys()];
    store.items.set(key ?? '', JSON.stringify({ ...session, capabilities: ['read', 'root'] }));
    expect(openSession('', store, () => {}, NOW)).toBeUndefined();
    store.items.set(key ?? '', '{not json');
    expect(openSession('', store, () => {}, NOW)).toBeUndefined();
  });
});
