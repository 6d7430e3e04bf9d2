import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ESBUILD_SETTINGS } from '../lambda-bundling.js';

/**
 * The CloudWatch namespace of the metrics the functions emit: the default of
 * shared/observability.ts, set explicitly so dashboards and alarms read the namespace the
 * functions were told to write to.
 */
export const METRICS_NAMESPACE = 'Hookbridge';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How a Hookbridge function is built and run; shared by every function of the product. */
export interface BundledFunctionOptions {
  /** Path of the handler file, relative to the project root (`LAMBDA_ENTRIES`). */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /**
   * The `service` of the function's logs and the dimension of its metrics (Powertools). The
   * Hookbridge construct passes its prefix, so two installations in one account and region
   * do not add up in each other's dashboards and alarms.
   */
  readonly serviceName: string;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * A Node.js 22 arm64 function bundled by the local esbuild into one minified ESM file with
 * the AWS SDK inside (the version the tests ran against, and one tree-shaken file loads
 * faster than the runtime's copy, resolved module by module), source maps, JSON logs in its
 * own log group with a retention, and the Powertools settings the dashboards rely on.
 *
 * The role gets no AWSLambdaBasicExecutionRole: that managed policy allows writing to every
 * log group of the account, while the function only writes to the one made here.
 */
export function bundledFunction(
  scope: Construct,
  id: string,
  options: BundledFunctionOptions,
): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: options.logRetention,
    removalPolicy: options.logRemovalPolicy,
  });
  const role = new iam.Role(scope, `${id}ServiceRole`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  // The group exists before the function runs, so CreateLogGroup is not needed.
  logGroup.grantWrite(role);

  return new NodejsFunction(scope, id, {
    description: options.description,
    entry: join(PROJECT_ROOT, options.entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: options.memorySize,
    timeout: options.timeout,
    role,
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: options.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    },
    // The settings `npm run build` and the cold-start benchmark use (lambda-bundling.ts), so
    // what is measured is what is deployed.
    bundling: {
      format: OutputFormat.ESM,
      target: ESBUILD_SETTINGS.target,
      mainFields: [...ESBUILD_SETTINGS.mainFields],
      banner: ESBUILD_SETTINGS.banner.js,
      minify: ESBUILD_SETTINGS.minify,
      sourceMap: ESBUILD_SETTINGS.sourcemap,
      sourceMapMode: SourceMapMode.DEFAULT,
      sourcesContent: false,
      bundleAwsSDK: true,
      externalModules: [...ESBUILD_SETTINGS.external],
      define: { ...ESBUILD_SETTINGS.define },
      esbuildArgs: Object.fromEntries(
        Object.entries(ESBUILD_SETTINGS.alias).map(([from, to]) => [`--alias:${from}`, to]),
      ),
      forceDockerBundling: false,
    },
  });
}
