import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/errors.js';
import { shardSettingsOf } from '../../../shared/shards/shard-config.js';
import { TenantShards } from '../../../shared/shards/tenant-shards.js';

const buses = ['hb-bus-generated', 'hb-bus-1', 'hb-bus-2'];

function shards(known: Record<string, number>, now = { t: 0 }) {
  const reads: string[] = [];
  const subject = new TenantShards(
    buses,
    async (tenantId) => {
      reads.push(tenantId);
      return known[tenantId];
    },
    { now: () => now.t },
  );
  return { subject, reads, now };
}

describe('the bus of an ingested event', () => {
  it('is its tenant’s shard', async () => {
    const { subject } = shards({ acme: 2, beta: 1, old: 0 });
    expect(await subject.busFor('acme')).toBe('hb-bus-2');
    expect(await subject.busFor('beta')).toBe('hb-bus-1');
    expect(await subject.busFor('old')).toBe('hb-bus-generated');
  });

  it('is shard 0 for no tenant, an unknown tenant and a broadcast, without reading a broadcast', async () => {
    const { subject, reads } = shards({ acme: 2 });
    expect(await subject.busFor(undefined)).toBe('hb-bus-generated');
    expect(await subject.busFor('*')).toBe('hb-bus-generated');
    expect(await subject.busFor('nobody')).toBe('hb-bus-generated');
    expect(reads).toEqual(['nobody']);
  });

  it('reads a tenant once, then again after the cache time', async () => {
    const { subject, reads, now } = shards({ acme: 2 });
    await subject.busFor('acme');
    await subject.busFor('acme');
    expect(reads).toEqual(['acme']);
    now.t = 5 * 60_000 + 1;
    await subject.busFor('acme');
    expect(reads).toEqual(['acme', 'acme']);
  });

  it('keeps "unknown tenant" briefly: a tenant created just after an event is found soon', async () => {
    const known: Record<string, number> = {};
    const { subject, now } = shards(known);
    expect(await subject.busFor('late')).toBe('hb-bus-generated');
    known.late = 1;
    now.t = 6_000;
    expect(await subject.busFor('late')).toBe('hb-bus-1');
  });

  it('fails rather than misroute when a tenant’s shard is not deployed', async () => {
    const { subject } = shards({ far: 7 });
    await expect(subject.busFor('far')).rejects.toThrow(/shard 7 is not deployed/);
  });

  it('never reads a look-alike of a tenant id (the key alphabet)', async () => {
    const { subject, reads } = shards({});
    expect(await subject.busFor('a/b')).toBe('hb-bus-generated');
    expect(await subject.busFor('ACME ')).toBe('hb-bus-generated');
    expect(reads).toEqual([]);
  });

  it('with one shard reads nothing', async () => {
    const reads: string[] = [];
    const subject = new TenantShards(['only'], async (t) => {
      reads.push(t);
      return 0;
    });
    expect(await subject.busFor('acme')).toBe('only');
    expect(reads).toEqual([]);
  });
});

describe('shard settings', () => {
  it('keeps the single-name variables working', () => {
    expect(
      shardSettingsOf({ HOOKBRIDGE_EVENT_BUS_NAME: 'b0', HOOKBRIDGE_ARCHIVE_ARN: 'a0' }),
    ).toEqual({ busNames: ['b0'], archiveArns: ['a0'], rulesPerShard: 250 });
  });

  it('reads the lists in shard order', () => {
    const config = shardSettingsOf({
      HOOKBRIDGE_EVENT_BUS_NAME: 'b0',
      HOOKBRIDGE_EVENT_BUS_NAMES: 'b0, b1,b2',
      HOOKBRIDGE_ARCHIVE_ARNS: 'a0,a1,a2',
      HOOKBRIDGE_RULES_PER_SHARD: 100,
    });
    expect(config).toEqual({
      busNames: ['b0', 'b1', 'b2'],
      archiveArns: ['a0', 'a1', 'a2'],
      rulesPerShard: 100,
    });
  });

  it('refuses lists that contradict the single names or each other', () => {
    expect(() =>
      shardSettingsOf({ HOOKBRIDGE_EVENT_BUS_NAME: 'b0', HOOKBRIDGE_EVENT_BUS_NAMES: 'b1,b0' }),
    ).toThrow(ConfigError);
    expect(() =>
      shardSettingsOf({ HOOKBRIDGE_EVENT_BUS_NAME: 'b0', HOOKBRIDGE_EVENT_BUS_NAMES: 'b0,b1,b1' }),
    ).toThrow(/twice/);
    expect(() =>
      shardSettingsOf({
        HOOKBRIDGE_EVENT_BUS_NAME: 'b0',
        HOOKBRIDGE_EVENT_BUS_NAMES: 'b0,b1',
        HOOKBRIDGE_ARCHIVE_ARNS: 'a0',
      }),
    ).toThrow(/1 archives for 2 bus shards/);
  });
});
