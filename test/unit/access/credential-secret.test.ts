import { describe, expect, it } from 'vitest';
import {
  hashSecret,
  mintCredential,
  parseCredential,
  secretMatches,
} from '../../../shared/access/credential-secret.js';

describe('credential format', () => {
  it('mints a prefix-tagged, URL-fragment-safe token with 256 bits of secret', () => {
    const { id, credential, secretHash } = mintCredential('token');
    expect(credential).toMatch(/^hbt_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(credential)).toBe(credential);
    const parsed = parseCredential(credential);
    expect(parsed).toEqual({ kind: 'token', id, secret: credential.split('.')[1] });
    expect(Buffer.from(parsed?.secret ?? '', 'base64url')).toHaveLength(32);
    expect(secretHash).toBe(hashSecret(parsed?.secret ?? ''));
    expect(credential).not.toContain(secretHash);
  });

  it('mints API keys under their own prefix', () => {
    const { credential } = mintCredential('api-key');
    expect(credential).toMatch(/^hbk_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(parseCredential(credential)?.kind).toBe('api-key');
  });

  it('mints console sessions under their own prefix, and parses nothing near one', () => {
    const { id, credential } = mintCredential('console-session');
    expect(credential).toMatch(/^hbc_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(credential)).toBe(credential);
    expect(parseCredential(credential)).toEqual({
      kind: 'console-session',
      id,
      secret: credential.split('.')[1],
    });
    const [head = '', secret = ''] = credential.split('.');
    for (const bad of [
      credential.slice(0, -1), // truncated
      `${credential}A`,
      `HBC_${credential.slice(4)}`, // the prefix is case-sensitive
      `hbc${credential.slice(4)}`,
      `hbc_${head.slice(4).toUpperCase()}.${secret}`,
      `${head}.${secret}.${secret}`,
      `${head}.${secret.slice(0, 42)}=`,
      ` ${credential}`,
      `${credential}\n`,
    ])
      expect(parseCredential(bad), JSON.stringify(bad)).toBeUndefined();
    // The same id and secret under another kind's prefix is another credential (another item).
    expect(parseCredential(`hbk_${credential.slice(4)}`)?.kind).toBe('api-key');
  });

  it('never mints the same id or secret twice', () => {
    const minted = Array.from({ length: 200 }, () => mintCredential('token'));
    expect(new Set(minted.map((m) => m.id)).size).toBe(200);
    expect(new Set(minted.map((m) => m.credential.split('.')[1])).size).toBe(200);
  });

  it('refuses anything that is not exactly the format', () => {
    const { credential } = mintCredential('token');
    const [head = '', secret = ''] = credential.split('.');
    for (const bad of [
      '',
      credential.slice(0, -1), // truncated secret
      `${credential}A`, // one character more
      credential.slice(0, 20), // truncated id
      `hbx_${credential.slice(4)}`, // wrong prefix
      `HBT_${credential.slice(4)}`,
      credential.replace('.', ''), // no separator
      `${credential}.extra`,
      `${head}.${secret.replace(/./, '=')}`,
      ` ${credential}`,
      `${head.toUpperCase().replace('HBT_', 'hbt_')}.${secret}`, // upper-case hex id
      `Bearer ${credential}`,
    ]) {
      expect(parseCredential(bad), bad).toBeUndefined();
    }
  });
});

describe('secret hashing', () => {
  it('matches only the exact secret', () => {
    const { credential, secretHash } = mintCredential('token');
    const secret = parseCredential(credential)?.secret ?? '';
    expect(secretMatches(secret, secretHash)).toBe(true);
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(secretMatches(flipped, secretHash)).toBe(false);
    expect(
      secretMatches(parseCredential(mintCredential('token').credential)?.secret ?? '', secretHash),
    ).toBe(false);
  });

  it('never matches a missing or malformed stored hash', () => {
    const secret = parseCredential(mintCredential('token').credential)?.secret ?? '';
    for (const stored of [undefined, null, 42, '', 'short', hashSecret(secret).slice(1)]) {
      expect(secretMatches(secret, stored)).toBe(false);
    }
  });

  it('stores the SHA-256 of the secret (the secret itself is not recoverable from it)', () => {
    expect(hashSecret('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
