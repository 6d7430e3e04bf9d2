import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSubscriptionSchema,
  parseBody,
} from '../../../shared/subscriptions/subscription-schema.js';

// The schema's header rule is only right if every value it accepts reaches the subscriber
// byte for byte through undici (the delivery's HTTP client), and every value it refuses is
// one undici would refuse (a delivery failing for 27 h) or change.

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => res.end(JSON.stringify(req.headers['x-custom'] ?? null)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const accepts = (value: string) => {
  try {
    parseBody(createSubscriptionSchema, {
      url: 'https://example.com/hook',
      eventTypes: ['a'],
      headers: { 'X-Custom': value },
    });
    return true;
  } catch {
    return false;
  }
};

/** What the receiver got for the header, or `refused` when undici would not send it. */
async function onTheWire(value: string): Promise<string | null> {
  try {
    const response = await request(url, { method: 'POST', headers: { 'x-custom': value } });
    return JSON.parse(await response.body.text()) as string | null;
  } catch {
    return 'refused';
  }
}

describe('header values on the wire', () => {
  it('sends every value the schema accepts exactly as stored (a seeded sample of 300)', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    const values = Array.from({ length: 300 }, () => {
      const length = 1 + Math.floor(random() * 40);
      let value = '';
      for (let i = 0; i < length; i++) {
        value += random() < 0.05 ? '\t' : alphabet[Math.floor(random() * alphabet.length)];
      }
      return value.trim() || 'x';
    });
    for (const value of values) {
      expect(accepts(value), JSON.stringify(value)).toBe(true);
      expect(await onTheWire(value)).toBe(value);
    }
  });

  it('refuses only values undici refuses or changes', async () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter(
      (c) => c !== '\t',
    );
    const refusedByUndici = [...controls.map((c) => `a${c}b`), 'a\u007fb'];
    const changedByUndici = [' lead', 'trail ', '\tlead', 'trail\t'];
    for (const value of refusedByUndici) {
      expect(accepts(value), JSON.stringify(value)).toBe(false);
      expect(await onTheWire(value), JSON.stringify(value)).toBe('refused');
    }
    for (const value of changedByUndici) {
      expect(accepts(value), JSON.stringify(value)).toBe(false);
      expect(await onTheWire(value)).not.toBe(value);
    }
  });
});
