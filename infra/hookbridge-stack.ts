import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Hookbridge, type HookbridgeProps } from './hookbridge.js';

export interface HookbridgeStackProps extends StackProps {
  /**
   * Settings of the installation.
   * @default - the defaults of `HookbridgeProps`
   */
  readonly hookbridge?: HookbridgeProps;
}

/** A stack holding one Hookbridge installation, with the values its users need as outputs. */
export class HookbridgeStack extends Stack {
  public readonly hookbridge: Hookbridge;

  constructor(scope: Construct, id: string, props: HookbridgeStackProps = {}) {
    super(scope, id, {
      description: 'Hookbridge: self-hosted webhook delivery',
      ...props,
    });
    this.hookbridge = new Hookbridge(this, 'Hookbridge', props.hookbridge);

    new CfnOutput(this, 'ApiUrl', {
      description:
        'Base URL of the ingest API (requests are signed with SigV4, service execute-api)',
      value: this.hookbridge.ingestApi.apiUrl,
    });
    new CfnOutput(this, 'EventBusName', {
      description: 'The EventBridge bus every ingested event is published on',
      value: this.hookbridge.eventBus.eventBusName,
    });
  }
}
