import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { WebApp } from './constructs/web-app.js';
import { flatten } from './nag-suppressions.js';

const ack = (node: Parameters<typeof Validations.of>[0], id: string, reason: string) =>
  Validations.of(node).acknowledge({ id, reason });

/**
 * The cdk-nag findings of the deployed web app that are choices, each with its reason: on the
 * bucket and distribution, and on the function CDK's BucketDeployment adds to the stack (one
 * per stack, shared by every BucketDeployment in it), which runs only during a deployment.
 */
export function acknowledgeWebAppFindings(webApp: WebApp, handlerRole: iam.IRole): void {
  ack(
    webApp.bucket.node.defaultChild ?? webApp.bucket,
    'AwsSolutions-S1',
    'The bucket holds only the public build of the web app, written by the deployment alone; CloudFront is its only reader (Origin Access Control), so S3 server access logs would record nothing but CloudFront fetching public files.',
  );
  const distribution = webApp.distribution.node.defaultChild ?? webApp.distribution;
  ack(
    distribution,
    'AwsSolutions-CFR1',
    'The portal is for every tenant, wherever they are: no country is refused by default. An application can add a geo restriction to the distribution (webAppDistribution).',
  );
  ack(
    distribution,
    'AwsSolutions-CFR2',
    'The distribution serves static files only (GET and HEAD); the API it talks to is throttled by API Gateway and guarded by its authorizer. A web ACL costs a monthly fee per installation; an application that wants one attaches it to webAppDistribution.',
  );
  ack(
    distribution,
    'AwsSolutions-CFR3',
    'Standard logs would record requests for public static files; they need a log bucket with ACLs enabled, against the account-wide BucketOwnerEnforced default. The API access logs record every credentialed request.',
  );
  ack(
    distribution,
    'AwsSolutions-CFR4',
    'The distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes (a minimum protocol version can be set only with a custom domain and certificate, which Hookbridge does not yet offer).',
  );
  const handler = handlerRole.node.scope;
  const role = handlerRole.node.defaultChild;
  const policy = handlerRole.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
  const cdk =
    'CDK’s BucketDeployment function, which runs only while CloudFormation deploys the web app';
  if (role)
    ack(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `${cdk}, writes its logs with the basic execution policy CDK gives it.`,
    );
  if (policy instanceof iam.CfnPolicy) {
    const document = Stack.of(policy).resolve(policy.policyDocument) as {
      Statement?: { Action?: string | string[]; Resource?: unknown }[];
    };
    const findings = new Set<string>();
    for (const statement of document.Statement ?? []) {
      for (const action of [statement.Action ?? []].flat())
        if (action.includes('*')) findings.add(`Action::${action}`);
      for (const resource of [statement.Resource].flat().map(flatten))
        if (resource.includes('*')) findings.add(`Resource::${resource}`);
    }
    for (const finding of findings) {
      ack(
        policy,
        `AwsSolutions-IAM5[${finding}]`,
        `${cdk}: CDK's read grant on the deployment's asset bucket and its read/write grant on the web app's bucket (it copies the build there, and deletes nothing since prune is off); the grants name those two buckets only.`,
      );
    }
  }
  if (handler?.node.defaultChild)
    ack(
      handler.node.defaultChild,
      'AwsSolutions-L1',
      `${cdk}: its Python runtime is chosen by aws-cdk-lib and moves with it.`,
    );
}
