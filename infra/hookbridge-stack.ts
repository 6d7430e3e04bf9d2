import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Hookbridge, type HookbridgeProps } from './hookbridge.js';

export interface HookbridgeStackProps extends StackProps {
  /**
   * Settings of the installation.
   * @default - the defaults of `HookbridgeProps`
   */
  readonly hookbridge?: HookbridgeProps;
  /**
   * An existing SNS topic for the alarms, by ARN (the standalone app's `alarmTopicArn`);
   * `hookbridge.alarmTopic` takes precedence.
   * @default - the topic of `hookbridge.alarmTopic`, or one made for `alarmEmail`, or none
   */
  readonly alarmTopicArn?: string;
}

/** A stack holding one Hookbridge installation, with the values its users need as outputs. */
export class HookbridgeStack extends Stack {
  public readonly hookbridge: Hookbridge;

  constructor(scope: Construct, id: string, props: HookbridgeStackProps = {}) {
    super(scope, id, {
      description: 'Hookbridge: self-hosted webhook delivery',
      ...props,
    });
    const alarmTopic =
      props.hookbridge?.alarmTopic ??
      (props.alarmTopicArn === undefined
        ? undefined
        : sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn));
    this.hookbridge = new Hookbridge(this, 'Hookbridge', { ...props.hookbridge, alarmTopic });

    // Every output is a public property of the construct: an application embedding
    // Hookbridge in its own stack reads the same values from it.
    const { hookbridge } = this;
    new CfnOutput(this, 'ApiUrl', {
      description:
        'Base URL of the API: /v1/events for producers, /v1/subscriptions for operators (requests are signed with SigV4, service execute-api)',
      value: hookbridge.apiUrl,
    });
    if (hookbridge.tokenApiUrl) {
      new CfnOutput(this, 'TokenApiUrl', {
        description:
          'Base URL of the token API: the same routes as ApiUrl but /v1/api-keys and /v1/console-sessions, for Authorization: Bearer <tenant token, API key or console session>',
        value: hookbridge.tokenApiUrl,
      });
    }
    if (hookbridge.webAppUrl) {
      new CfnOutput(this, 'WebAppUrl', {
        description:
          'Base URL of the web app: the console, and a tenant portal at <WebAppUrl>portal#token=<token>&tenant=<id>&caps=<capabilities>&expires=<time>',
        value: hookbridge.webAppUrl,
      });
    }
    new CfnOutput(this, 'EventBusName', {
      description:
        'The EventBridge bus every ingested event is published on, with the operational events (source <eventSource>.system)',
      value: hookbridge.eventBusName,
    });
    new CfnOutput(this, 'ResourcePrefix', {
      description:
        'Prefix of the per-subscription queues, DLQs and rules Hookbridge creates at run time (<prefix>-sub_<id>[-dlq])',
      value: hookbridge.prefix,
    });
    new CfnOutput(this, 'SubscriptionsTableName', {
      description: 'DynamoDB table of subscriptions',
      value: hookbridge.subscriptionsTable.tableName,
    });
    new CfnOutput(this, 'DeliveriesTableName', {
      description: 'DynamoDB table of the delivery attempt log',
      value: hookbridge.deliveriesTable.tableName,
    });
    new CfnOutput(this, 'AccessTableName', {
      description: 'DynamoDB table of tenant tokens and API keys (hashes only)',
      value: hookbridge.accessTable.tableName,
    });
    new CfnOutput(this, 'EventStoreTableName', {
      description: 'DynamoDB table of the stored events the message API reads',
      value: hookbridge.eventStoreTable.tableName,
    });
    new CfnOutput(this, 'DeliveryFunctionName', {
      description: 'The function that sends webhooks (its logs hold every attempt)',
      value: hookbridge.deliveryFunction.functionName,
    });
    new CfnOutput(this, 'ManagementFunctionName', {
      description: 'The function behind /v1/subscriptions',
      value: hookbridge.managementFunction.functionName,
    });
    new CfnOutput(this, 'ReconcilerFunctionName', {
      description: 'The scheduled function that repairs subscription lanes',
      value: hookbridge.reconcilerFunction.functionName,
    });
    if (hookbridge.authorizerFunction) {
      new CfnOutput(this, 'AuthorizerFunctionName', {
        description: 'The Lambda authorizer of the token API (tenant tokens and API keys)',
        value: hookbridge.authorizerFunction.functionName,
      });
    }
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard of this installation',
      value: hookbridge.dashboardUrl,
    });
    if (hookbridge.alarmTopic) {
      new CfnOutput(this, 'AlarmTopicArn', {
        description: 'The SNS topic the alarms notify (subscribe more endpoints to it)',
        value: hookbridge.alarmTopic.topicArn,
      });
    }
  }
}
