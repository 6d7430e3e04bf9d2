import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  newSigningSecret,
  signatureHeader,
  webhookHeaders,
} from '../../../shared/delivery/signing.js';

const body = JSON.stringify({
  id: 'evt_01J9Z8',
  type: 'order.created',
  timestamp: '2025-01-01T00:00:00.000Z',
  data: { total: 12.5, note: 'crème brûlée ✓' },
});
const id = 'evt_01J9Z8';
const now = () => Math.floor(Date.now() / 1000);

describe('newSigningSecret', () => {
  it('is whsec_ and the base64 of 32 random bytes by default, different each time', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });

  it('accepts 24 to 64 bytes and refuses anything else', () => {
    expect(Buffer.from(newSigningSecret(24).slice(6), 'base64')).toHaveLength(24);
    expect(Buffer.from(newSigningSecret(64).slice(6), 'base64')).toHaveLength(64);
    for (const bytes of [0, 23, 65, 32.5]) {
      expect(() => newSigningSecret(bytes)).toThrow(RangeError);
    }
  });
});

describe('webhookHeaders', () => {
  it('produces a delivery the standardwebhooks library verifies', () => {
    const secret = newSigningSecret();
    const timestamp = now();
    const headers = webhookHeaders({ id, timestamp, body, secrets: [secret] });
    expect(headers['webhook-id']).toBe(id);
    expect(headers['webhook-timestamp']).toBe(String(timestamp));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('signs with every secret during a rotation, so either one alone verifies', () => {
    const previous = newSigningSecret();
    const current = newSigningSecret(48);
    const headers = webhookHeaders({ id, timestamp: now(), body, secrets: [current, previous] });
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow(
      WebhookVerificationError,
    );
  });

  it('fails verification when the body, id or timestamp is changed in transit', () => {
    const secret = newSigningSecret();
    const timestamp = now();
    const headers = webhookHeaders({ id, timestamp, body, secrets: [secret] });
    const receiver = new Webhook(secret);
    expect(() => receiver.verify(`${body} `, headers)).toThrow(WebhookVerificationError);
    expect(() => receiver.verify(body, { ...headers, 'webhook-id': 'evt_other' })).toThrow(
      WebhookVerificationError,
    );
    expect(() =>
      receiver.verify(body, { ...headers, 'webhook-timestamp': String(timestamp - 1) }),
    ).toThrow(WebhookVerificationError);
  });

  it('matches the library’s own signature byte for byte', () => {
    const secret = newSigningSecret();
    const timestamp = now();
    const theirs = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
    expect(signatureHeader({ id, timestamp, body, secrets: [secret] })).toBe(theirs);
  });
});

describe('signatureHeader', () => {
  it('refuses to sign with no secret, a malformed secret or a fractional timestamp', () => {
    const secret = newSigningSecret();
    expect(() => signatureHeader({ id, timestamp: now(), body, secrets: [] })).toThrow(RangeError);
    expect(() =>
      signatureHeader({ id, timestamp: now(), body, secrets: ['whsec_not base64!'] }),
    ).toThrow(/base64/);
    expect(() => signatureHeader({ id, timestamp: 1.5, body, secrets: [secret] })).toThrow(
      /unix seconds/,
    );
  });
});
