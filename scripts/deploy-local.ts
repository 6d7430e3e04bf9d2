import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CloudFormationClient,
  paginateListStackResources,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { startLocalAws } from '../local/aws-endpoint.js';

/**
 * `cdk bootstrap` and `cdk deploy` of the Hookbridge stack into a local AWS endpoint (moto),
 * for the deploy test and for trying it by hand:
 *
 *   npx tsx scripts/deploy-local.ts [--keep]
 *
 * starts moto on a free port (or uses `AWS_ENDPOINT_URL`), deploys, prints the stack's
 * resources and stops moto, or with `--keep` leaves it running until Ctrl-C.
 */

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
const CDK_BIN = path.join(PROJECT_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** The account and region moto answers for (its account is fixed; one region everywhere). */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

export interface LocalDeployOptions {
  /** The local endpoint, e.g. `http://127.0.0.1:4566`. */
  readonly endpointUrl: string;
  /** Where the cloud assembly is written (not cdk.out, which other synths use). */
  readonly outputDir: string;
  /** @default 'Hookbridge' */
  readonly stackName?: string;
  /** @default 90 s */
  readonly bootstrapTimeoutMs?: number;
  /** @default 240 s */
  readonly deployTimeoutMs?: number;
  /** Echo the CLI's output instead of keeping it for the error message. @default false */
  readonly echo?: boolean;
  /** Settings of the standalone app (`cdk deploy -c key=value`, see infra/app.ts). */
  readonly context?: Readonly<Record<string, string>>;
}

export interface LocalDeployment {
  readonly stackName: string;
  /** The template as deployed, read from the cloud assembly. */
  readonly template: CloudFormationTemplate;
  readonly bootstrapMs: number;
  readonly deployMs: number;
}

export interface CloudFormationTemplate {
  readonly Resources: Record<string, TemplateResource>;
}

export interface TemplateResource {
  readonly Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template properties are free-form JSON
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, unknown>;
}

/** Bootstraps the local account and deploys the stack into it; throws with the CLI's output. */
export async function deployToLocalEndpoint(options: LocalDeployOptions): Promise<LocalDeployment> {
  const stackName = options.stackName ?? 'Hookbridge';
  const env = localCdkEnv(options.endpointUrl);
  const echo = options.echo ?? false;

  let started = Date.now();
  // Run outside the project, so the CLI finds no app to synthesize: bootstrapping an explicit
  // environment needs none, and that saves one synthesis with its bundling.
  await runCdk(['bootstrap', `aws://${LOCAL_ACCOUNT}/${LOCAL_REGION}`], {
    cwd: options.outputDir,
    env,
    echo,
    timeoutMs: options.bootstrapTimeoutMs ?? 90_000,
  });
  const bootstrapMs = Date.now() - started;

  started = Date.now();
  await runCdk(
    [
      'deploy',
      stackName,
      '--require-approval',
      'never',
      '--output',
      options.outputDir,
      ...Object.entries(options.context ?? {}).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ],
    { cwd: PROJECT_ROOT, env, echo, timeoutMs: options.deployTimeoutMs ?? 240_000 },
  );
  const deployMs = Date.now() - started;

  const template = JSON.parse(
    await readFile(path.join(options.outputDir, `${stackName}.template.json`), 'utf8'),
  ) as CloudFormationTemplate;
  return { stackName, template, bootstrapMs, deployMs };
}

/**
 * The environment of the CDK CLI: the parent's, without any AWS or CDK setting (a profile, a
 * per-service endpoint, real credentials) that could send a call anywhere but the local
 * endpoint, and with what the local endpoint needs.
 */
export function localCdkEnv(endpointUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS|CDK)_/.test(key)) env[key] = value;
  }
  const noFile = path.join(tmpdir(), 'hookbridge-no-aws-config');
  return {
    ...env,
    // The project's Node 22 and tsx, for the app the CLI runs (`npx tsx infra/app.ts`).
    PATH: [path.join(PROJECT_ROOT, 'node_modules', '.bin'), env.PATH].filter(Boolean).join(':'),
    // `localhost`, not 127.0.0.1: the CLI hands CreateChangeSet a TemplateURL on the endpoint's
    // host, and moto reads a dotted host as a virtual-hosted bucket ("127": NoSuchBucket).
    // moto listens on 127.0.0.1, which localhost reaches.
    AWS_ENDPOINT_URL: endpointUrl.replace('//127.0.0.1', '//localhost'),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_CONFIG_FILE: noFile,
    AWS_SHARED_CREDENTIALS_FILE: noFile,
    // The CLI's own calls home (version check, telemetry) would leave the machine.
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly echo: boolean;
}

async function runCdk(args: string[], options: RunOptions): Promise<void> {
  const command = `cdk ${args.join(' ')}`;
  // Its own process group, so a timeout ends the CLI and the app it runs, and nothing else.
  const child = spawn(process.execPath, [CDK_BIN, ...args, '--no-notices', '--ci'], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', options.echo ? 'inherit' : 'pipe', options.echo ? 'inherit' : 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-12_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  // A timer that is cleared on exit: a pending one would keep the script's process alive.
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const outcome = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));
  if (outcome === 'timeout') {
    await stopGroup(child.pid, exited);
    throw new Error(`${command} took longer than ${options.timeoutMs} ms\n${output}`);
  }
  if (outcome !== 0) throw new Error(`${command} exited with ${outcome}\n${output}`);
}

async function stopGroup(pid: number | undefined, exited: Promise<unknown>): Promise<void> {
  if (pid === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group has already gone.
    }
  };
  signal('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!stopped) signal('SIGKILL');
}

/** The stack's resources as ListStackResources reports them, every page. */
export async function listStackResources(
  client: CloudFormationClient,
  stackName: string,
): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client }, { StackName: stackName })) {
    resources.push(...(page.StackResourceSummaries ?? []));
  }
  return resources;
}

/** An SDK client configuration for the local endpoint only. */
export function localClientConfig(endpointUrl: string) {
  return {
    endpoint: endpointUrl,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // moto answers what it does not model with an HTML 500: fail at once, do not retry.
    maxAttempts: 1,
  };
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const aws = await startLocalAws();
  let outputDir: string | undefined;
  try {
    outputDir = await mkdtemp(path.join(tmpdir(), 'hookbridge-deploy-'));
    const deployment = await deployToLocalEndpoint({ endpointUrl: aws.url, outputDir, echo: true });
    const client = new CloudFormationClient(localClientConfig(aws.url));
    const listed = await listStackResources(client, deployment.stackName);
    const byId = new Map(listed.map((resource) => [resource.LogicalResourceId, resource]));
    for (const [id, resource] of Object.entries(deployment.template.Resources)) {
      const status = byId.get(id)?.ResourceStatus ?? 'not created by the endpoint';
      process.stdout.write(`${resource.Type.padEnd(36)} ${id.padEnd(72)} ${status}\n`);
    }
    process.stdout.write(
      `bootstrap ${deployment.bootstrapMs} ms, deploy ${deployment.deployMs} ms\n`,
    );
    if (keep) {
      process.stdout.write(
        `local AWS endpoint ${aws.url} (assembly in ${outputDir}) stays up until Ctrl-C\n`,
      );
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
    await aws.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
