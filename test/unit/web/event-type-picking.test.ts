import { describe, expect, it } from 'vitest';
import {
  coveredBy,
  covers,
  filterGroups,
  groupByPrefix,
  groupOffered,
  nameSelectors,
  notInCatalog,
  offered,
  prefixOf,
  toEventTypes,
  withSelector,
} from '../../../web/src/portal/event-type-picking.js';

// The picker's rules as pure functions: how the catalog is grouped, what a selection sends as
// `eventTypes`, and that what an endpoint already has is never lost.

const type = (name: string, deprecated = false, description?: string) => ({
  name,
  deprecated,
  ...(description && { description }),
});

const CATALOG = [
  type('order.shipped', false, 'The parcel left'),
  type('order.created', false, 'An order was placed'),
  type('invoice.paid'),
  type('invoice.voided', true),
  type('order.line.added'),
  type('ping'),
  type('legacy.thing', true),
];

describe('grouping by prefix', () => {
  it('takes the part before the last dot', () => {
    expect(prefixOf('order.line.added')).toBe('order.line');
    expect(prefixOf('order.created')).toBe('order');
    expect(prefixOf('ping')).toBe('');
  });

  it('sorts groups and their types by name, dotless types last without a pattern', () => {
    const groups = groupByPrefix(CATALOG);
    expect(groups.map((g) => [g.prefix, g.pattern, g.types.map((t) => t.name)])).toEqual([
      ['invoice', 'invoice.*', ['invoice.paid', 'invoice.voided']],
      ['legacy', 'legacy.*', ['legacy.thing']],
      ['order', 'order.*', ['order.created', 'order.shipped']],
      ['order.line', 'order.line.*', ['order.line.added']],
      ['', undefined, ['ping']],
    ]);
  });

  it('filters by name or description, any case, keeping a group whose pattern matches whole', () => {
    const groups = groupByPrefix(CATALOG);
    expect(filterGroups(groups, 'PARCEL').map((g) => g.types.map((t) => t.name))).toEqual([
      ['order.shipped'],
    ]);
    expect(filterGroups(groups, 'order.l').map((g) => g.prefix)).toEqual(['order.line']);
    expect(filterGroups(groups, 'nothing like it')).toEqual([]);
    expect(filterGroups(groups, '  ')).toHaveLength(groups.length);
  });
});

describe('what a selection sends', () => {
  it('sends exactly the ticked selectors, sorted, with * first', () => {
    expect(toEventTypes(new Set(['order.created', 'invoice.*', 'ping']))).toEqual([
      'invoice.*',
      'order.created',
      'ping',
    ]);
    expect(toEventTypes(new Set())).toEqual([]);
  });

  it('drops what a ticked group or * already takes in, as the API matches prefixes', () => {
    expect(toEventTypes(new Set(['order.*', 'order.created', 'order.line.added']))).toEqual([
      'order.*',
    ]);
    // `order.*` is a prefix match on `order.`: it takes `order.line.*` too, not `orders.x`.
    expect(toEventTypes(new Set(['order.*', 'order.line.*', 'orders.x']))).toEqual([
      'order.*',
      'orders.x',
    ]);
    expect(toEventTypes(new Set(['*', 'order.*', 'unknown.type']))).toEqual(['*']);
  });

  it('names what covers a selector, and nothing covers itself', () => {
    const selected = new Set(['order.*', 'order.created']);
    expect(coveredBy(selected, 'order.created')).toBe('order.*');
    expect(coveredBy(selected, 'order.*')).toBeUndefined();
    expect(coveredBy(new Set(['*', 'order.*']), 'order.created')).toBe('*');
    expect(coveredBy(new Set(['*']), '*')).toBeUndefined();
    expect(covers('order.*', 'orders.created')).toBe(false);
    expect(covers('order.created', 'order.created.v2')).toBe(false);
  });

  it('gives a covered pick back when its group is unticked', () => {
    let selected = withSelector(new Set(), 'order.created', true);
    selected = withSelector(selected, 'order.*', true);
    expect(toEventTypes(selected)).toEqual(['order.*']);
    selected = withSelector(selected, 'order.*', false);
    expect(toEventTypes(selected)).toEqual(['order.created']);
  });
});

describe('what an endpoint already has', () => {
  const groups = groupByPrefix(CATALOG);

  it('keeps types and patterns the catalog does not know, to show them apart', () => {
    const had = new Set(['gone.type', 'old.*', 'order.*', 'order.created', '*']);
    expect(notInCatalog(had, groups)).toEqual(['gone.type', 'old.*']);
    expect(toEventTypes(new Set(['gone.type', 'old.*', 'order.created']))).toEqual([
      'gone.type',
      'old.*',
      'order.created',
    ]);
  });

  it('offers a deprecated type only when the endpoint had it', () => {
    const voided = type('invoice.voided', true);
    expect(offered(voided, new Set())).toBe(false);
    expect(offered(voided, new Set(['invoice.voided']))).toBe(true);
    expect(offered(type('invoice.paid'), new Set())).toBe(true);
  });

  it('offers a group of only deprecated types as a pattern only when the endpoint had it', () => {
    const legacy = groups.find((g) => g.prefix === 'legacy');
    const invoice = groups.find((g) => g.prefix === 'invoice');
    const ping = groups.find((g) => g.prefix === '');
    expect(legacy && groupOffered(legacy, new Set())).toBe(false);
    expect(legacy && groupOffered(legacy, new Set(['legacy.*']))).toBe(true);
    expect(invoice && groupOffered(invoice, new Set())).toBe(true);
    expect(ping && groupOffered(ping, new Set(['*']))).toBe(false);
  });
});

describe('the API’s word on eventTypes', () => {
  it('names the selector sent at each place it points to', () => {
    const sent = ['invoice.paid', 'not', 'type!'];
    expect(nameSelectors('eventTypes[2]: must be an event type; eventTypes[9]: odd', sent)).toBe(
      '"type!": must be an event type; eventTypes[9]: odd',
    );
    expect(nameSelectors('must hold at least one event type', [])).toBe(
      'must hold at least one event type',
    );
    expect(nameSelectors(undefined, sent)).toBeUndefined();
  });
});
