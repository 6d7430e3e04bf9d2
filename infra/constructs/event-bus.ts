import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface EventBusProps {
  /**
   * How long the archive keeps events, i.e. how far back a replay can reach.
   * `Duration.days(0)` keeps them forever.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * Description of the bus.
   * @default 'Hookbridge events: one entry per ingested event, fanned out by one rule per subscription'
   */
  readonly description?: string;
}

/**
 * The custom EventBridge bus every ingested event is published on, and an archive of
 * everything that reaches it: the source of subscription replays.
 */
export class EventBus extends Construct {
  public readonly bus: events.EventBus;
  public readonly archive: events.Archive;
  public readonly eventBusName: string;
  public readonly eventBusArn: string;

  constructor(scope: Construct, id: string, props: EventBusProps = {}) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      description:
        props.description ??
        'Hookbridge events: one entry per ingested event, fanned out by one rule per subscription',
    });
    this.archive = new events.Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      description: 'Every event on the Hookbridge bus, for replay',
      // An empty pattern renders no EventPattern at all, which archives every event on the
      // bus: operational events included, and whatever source a producer was configured with.
      eventPattern: {},
      retention: props.archiveRetention ?? Duration.days(30),
    });
    this.eventBusName = this.bus.eventBusName;
    this.eventBusArn = this.bus.eventBusArn;
  }

  /** Allows `grantee` to publish on this bus, and on no other. */
  grantPutEventsTo(grantee: iam.IGrantable): iam.Grant {
    return this.bus.grantPutEventsTo(grantee);
  }
}
