import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/**
 * The topic the alarms notify: the one given, or one made in `scope` when only an address is
 * given; the address, if any, is subscribed to it. Undefined when alarms notify nobody.
 */
export function alarmTopicFor(
  scope: Construct,
  given: sns.ITopic | undefined,
  email: string | undefined,
): sns.ITopic | undefined {
  let topic = given;
  if (!topic && email) {
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key (its key
    // policy cannot be changed), hence a key of our own that lets CloudWatch use it.
    // Nothing is stored under it (notifications are transient), so it goes with the stack.
    const key = new kms.Key(scope, 'AlarmTopicKey', {
      description: 'Encrypts the Hookbridge alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    key.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    const created = new sns.Topic(scope, 'AlarmTopic', {
      displayName: 'Hookbridge alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy CDK writes replaces the default one, so CloudWatch is let in here.
    created.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [created.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    topic = created;
  }
  if (topic && email) topic.addSubscription(new EmailSubscription(email));
  return topic;
}
