import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EVENTS_BY_TENANT_INDEX, EVENTS_BY_TIME_INDEX } from '../../shared/aws/table-indexes.js';
import { eventStoreTable } from '../base-resources.js';
import { grantIndexQuery, grantOnTable, hookbridgeTable } from './hookbridge-table.js';

export interface EventStoreProps {
  /**
   * How long each ingested event is kept for the message API (whole days, at most 365);
   * `Duration.days(0)` stores nothing.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The longest retention accepted: a year of events is already the table's largest cost. */
export const MAX_EVENT_RETENTION_DAYS = 365;

// Ingest stores a single event (PutItem) or a batch (BatchWriteItem), and removes what it
// stored for events the bus then refused, so the store never shows an event nobody received.
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'];

/**
 * The message store, shaped by `eventStoreTable` in base-resources.ts: each ingested event
 * by id until its TTL, listed by tenant (`byTenant`) and by day (`byTime`). With a retention of
 * 0 days the table is still made: turning the store off and on again replaces nothing, and
 * what was stored before stays readable until it expires; ingest then gets no permission to
 * write it, so "off" is IAM's to enforce, not only the code's.
 */
export class EventStore extends Construct {
  public readonly table: dynamodb.Table;
  /** How long events are kept, in days; 0 when the store is off. */
  public readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: EventStoreProps = {}) {
    super(scope, id);
    this.retentionDays = checkedRetention(this, props.retention ?? Duration.days(30));
    this.table = hookbridgeTable(
      this,
      'Table',
      eventStoreTable,
      props.removalPolicy ?? RemovalPolicy.RETAIN,
    );
  }

  /** Whether ingest stores events at all (a retention above 0 days). */
  get enabled(): boolean {
    return this.retentionDays > 0;
  }

  /** What ingest needs: store each event (when the store is on) with its TTL. */
  grantStore(fn: lambda.Function): void {
    this.configure(fn);
    if (this.enabled) grantOnTable(fn, this.table, WRITE_ACTIONS);
  }

  /** What the message API needs: read one event, list them by tenant or by time. */
  grantRead(fn: lambda.Function): void {
    this.configure(fn);
    grantOnTable(fn, this.table, ['dynamodb:GetItem']);
    grantIndexQuery(fn, this.table, [EVENTS_BY_TENANT_INDEX, EVENTS_BY_TIME_INDEX]);
  }

  private configure(fn: lambda.Function): void {
    fn.addEnvironment('HOOKBRIDGE_EVENT_STORE_TABLE', this.table.tableName);
    fn.addEnvironment('HOOKBRIDGE_EVENT_RETENTION_DAYS', String(this.retentionDays));
  }
}

function checkedRetention(scope: Construct, retention: Duration): number {
  const days = retention.toDays({ integral: false });
  if (Token.isUnresolved(days)) {
    throw new Error(`${scope.node.path}: eventRetention must be known at synthesis`);
  }
  if (!Number.isInteger(days) || days < 0 || days > MAX_EVENT_RETENTION_DAYS) {
    throw new Error(
      `${scope.node.path}: eventRetention must be a whole number of days, 0 (off) to ${MAX_EVENT_RETENTION_DAYS} (got ${retention.toHumanString()})`,
    );
  }
  return days;
}
