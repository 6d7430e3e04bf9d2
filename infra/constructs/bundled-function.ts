import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { BUNDLE_ENTRY_FILE, esbuildOptions } from '../lambda-bundling.js';

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
 * A Node.js 22 arm64 function bundled by the local esbuild into minified ESM with the AWS SDK
 * inside (the version the tests ran against, and one tree-shaken bundle loads faster than the
 * runtime's copy, resolved module by module), source maps, JSON logs in its own log group with
 * a retention, and the Powertools settings the dashboards rely on.
 *
 * It is a plain `lambda.Function` on an asset bundled here, not a NodejsFunction: the bundle
 * is an `index.mjs` with chunks (code splitting, lambda-bundling.ts), which NodejsFunction's
 * single output file cannot express.
 *
 * The role gets no AWSLambdaBasicExecutionRole: that managed policy allows writing to every
 * log group of the account, while the function only writes to the one made here.
 */
export function bundledFunction(
  scope: Construct,
  id: string,
  options: BundledFunctionOptions,
): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: options.logRetention,
    removalPolicy: options.logRemovalPolicy,
  });
  const role = new iam.Role(scope, `${id}ServiceRole`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  // The group exists before the function runs, so CreateLogGroup is not needed.
  logGroup.grantWrite(role);

  return new lambda.Function(scope, id, {
    description: options.description,
    code: bundledCode(options.entry),
    handler: `${BUNDLE_ENTRY_FILE.replace(/\.mjs$/, '')}.handler`,
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
  });
}

/**
 * The function's asset: `entry` bundled with the settings `npm run build` and the cold-start
 * benchmark use (lambda-bundling.ts), so what is measured is what is deployed. The asset's
 * hash is the bundle's, so a change that does not change the bundle does not redeploy it.
 */
function bundledCode(entry: string): lambda.Code {
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never used: local bundling below either succeeds or throws.
      image: DockerImage.fromRegistry('unused-local-bundling-only'),
      // What the bundling does, as NodejsFunction states its esbuild command. The CDK caches
      // bundlings by source path and options, which are otherwise the same for every function
      // (tryBundle, holding the entry, is not part of that key): without the entry here, every
      // function would get the first one's bundle.
      command: ['esbuild', entry],
      local: {
        tryBundle(outputDir: string): boolean {
          buildSync({
            ...esbuildOptions(join(PROJECT_ROOT, entry), outputDir),
            absWorkingDir: PROJECT_ROOT,
            logLevel: 'warning',
          });
          return true;
        },
      },
    },
  });
}
