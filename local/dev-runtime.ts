import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  accessTable,
  deliveriesTable,
  eventStoreTable,
  idempotencyTable,
  localResourceNames,
} from '../infra/base-resources.js';
import { awsClientConfig, dynamoClientConfig } from '../shared/aws/client-config.js';
import type { ReconcileReport } from '../shared/provisioning/reconciler.js';
import { type AwsEndpoint, LocalAwsError, startLocalAws } from './aws-endpoint.js';
import { createBaseResources } from './base-resources.js';
import { localBusNames, localBusShards } from './local-shards.js';
import {
  claimStateDir,
  recordMotos,
  releaseStateDir,
  StateDirInUseError,
  stateDir,
} from './state-dir.js';
import { TableSnapshots } from './table-snapshots.js';
import { ensureWebBuilt, WEB_DIST } from './web-build.js';
import { FrameAncestorsError, parseFrameAncestors, webStatic } from './web-static.js';

export interface DevOptions {
  /** HTTP API port on 127.0.0.1; 0 picks a free one. @default 4000 */
  readonly port?: number;
  /** Use this AWS endpoint instead of starting moto. @default process.env.AWS_ENDPOINT_URL */
  readonly awsEndpointUrl?: string;
  /**
   * Where state is kept across restarts (the CLI's default is `.hookbridge/state`): the tables
   * of the moto this runtime starts, and the local event archive. None: nothing is kept.
   */
  readonly stateDir?: string | undefined;
  /** Empty the state directory first. @default false */
  readonly fresh?: boolean;
  /**
   * How often the tables are saved when they changed (and once more on stop): what a SIGKILL
   * may lose. A save scans every table (about 1 s per 1,000 items in moto). @default 5000
   */
  readonly snapshotEveryMs?: number;
  /** How often the reconciler runs. @default 60000 */
  readonly reconcileEveryMs?: number;
  /**
   * Which pages may embed the web app in a frame: a CSP `frame-ancestors` source list.
   * @default process.env.HOOKBRIDGE_WEB_FRAME_ANCESTORS, else `'none'`
   */
  readonly frameAncestors?: string;
  /** Human-readable progress lines. */
  readonly log?: (line: string) => void;
}

export interface DevRuntime {
  /** e.g. http://127.0.0.1:4000 */
  readonly apiUrl: string;
  /** The operator console, on the API's port: `${apiUrl}/console`. */
  readonly consoleUrl: string;
  readonly awsEndpointUrl: string;
  /** The moto process this runtime started, if any. */
  readonly awsEndpointPid: number | undefined;
  /** The state directory in use (absolute), if any. */
  readonly stateDir: string | undefined;
  /**
   * One reconciler pass now (the timer's passes go on): its report, or undefined if it failed.
   * `concurrency` overrides HOOKBRIDGE_RECONCILE_CONCURRENCY for this pass (the scale bench).
   */
  reconcileNow(options?: { concurrency?: number }): Promise<ReconcileReport | undefined>;
  /** Stops everything it started: HTTP server, poller, reconciler timer, moto (by pid). */
  stop(): Promise<void>;
}

/** Why the local runtime could not start (port taken, moto missing, …), in words for people. */
export class DevStartError extends Error {
  override readonly name = 'DevStartError';
}

/**
 * Runs the whole product on this machine (DESIGN §5): the local AWS endpoint (moto, unless
 * AWS_ENDPOINT_URL names one), the base resources from the stack's own definitions, the HTTP
 * API on 127.0.0.1 invoking the same handlers the Lambdas run, the event-source-mapping poller
 * feeding the delivery handler, and the reconciler on a timer. Loopback destinations are
 * allowed here, and only here.
 */
export async function startDev(options: DevOptions = {}): Promise<DevRuntime> {
  const log = options.log ?? (() => undefined);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    stops.length = 0;
  };
  try {
    // Checked before anything starts: a bad setting is a start-up error, not a broken header.
    const frameAncestors = checkFrameAncestors(
      options.frameAncestors ?? process.env.HOOKBRIDGE_WEB_FRAME_ANCESTORS,
    );
    const state = options.stateDir === undefined ? undefined : stateDir(options.stateDir);
    if (state) {
      await claimStateDir(state, { fresh: options.fresh ?? false, log }).catch((error: unknown) => {
        throw error instanceof StateDirInUseError ? new DevStartError(error.message) : error;
      });
      stops.push(async () => releaseStateDir(state));
    }
    const aws = await startLocalAws({ endpointUrl: options.awsEndpointUrl }).catch(
      (error: unknown) => {
        throw error instanceof LocalAwsError
          ? new DevStartError(error.message, { cause: error })
          : error;
      },
    );
    stops.push(() => aws.stop());
    // DynamoDB in a moto of its own, beside the one with SQS and EventBridge (whose rules send
    // to queues inside the same process): moto serves one request at a time per process (the
    // GIL), and the attempt log's two requests per delivery would otherwise queue behind every
    // SQS and EventBridge call. Two processes use both cores; issue 11 §5's throughput.
    const dynamo = aws.pid ? await startDynamoMoto() : undefined;
    if (dynamo) stops.push(() => dynamo.stop());
    if (state && aws.pid) recordMotos(state, [aws.pid, ...(dynamo?.pid ? [dynamo.pid] : [])]);
    log(
      aws.pid
        ? `local AWS endpoint (moto) on ${aws.url}, pid ${aws.pid}`
        : `using the AWS endpoint ${aws.url}`,
    );
    if (dynamo) log(`DynamoDB in its own moto on ${dynamo.url}, pid ${dynamo.pid}`);

    configureEnvironment(aws.url, dynamo?.url);
    // Only a moto of our own starts empty; a borrowed endpoint keeps its own state.
    const tables = state && aws.pid ? await restoreTables(state.tablesFile, log) : undefined;
    const snapshots = tables?.snapshots;
    if (state) {
      log(
        snapshots
          ? `state in ${state.dir} (tenants, subscriptions, tokens and API keys, attempt log, stored events, idempotency keys, event archive)`
          : `state in ${state.dir} (event archive only: ${aws.url} keeps the tables)`,
      );
    }
    if (snapshots) {
      // Runs after app.stop() (stops run in reverse): the last attempts are in the tables.
      stops.push(() => snapshots.save().finally(() => tables?.close()));
    }

    // Imported only now: handler modules read their configuration when they load.
    const wiring = await import('./dev-wiring.js');
    const app = await wiring.wireLocalApp({ archiveFile: state?.archiveFile });
    stops.push(() => app.stop());
    if (app.archivedEvents > 0) log(`event archive: ${app.archivedEvents} events`);
    // Also re-creates the lanes (queues, DLQs, rules) of restored subscriptions: to the
    // reconciler a missing lane is drift.
    await app.reconcileNow();
    const timer = setInterval(() => void app.reconcileNow(), options.reconcileEveryMs ?? 60_000);
    stops.push(async () => clearInterval(timer));
    if (snapshots) {
      const saving = setInterval(
        () =>
          void snapshots.save().catch((error: unknown) => log(`could not save state: ${error}`)),
        options.snapshotEveryMs ?? 5000,
      );
      stops.push(async () => clearInterval(saving));
    }

    // The API does not depend on the app: an installed package without the app's sources (or
    // its libraries, which are devDependencies) still runs, and says why there is no console.
    const web = await ensureWebBuilt().then(
      ({ built }) => {
        if (built) log(`built the web app into ${WEB_DIST}`);
        return webStatic({ frameAncestors });
      },
      (error: unknown) => {
        log(`the console and portal are not served: the web app could not be built (${error})`);
        return undefined;
      },
    );
    const { startHttpGateway } = await import('./http-gateway.js');
    const gateway = await startHttpGateway(app.routes, {
      port: options.port ?? 4000,
      authorize: app.authorize,
      ...(web && { web }),
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new DevStartError(
          `port ${options.port ?? 4000} is already in use; choose another with --port`,
        );
      }
      throw error;
    });
    stops.push(() => gateway.close());
    log(`HTTP API on ${gateway.url}`);
    if (web) log(`console on ${gateway.url}/console (portal links: ${gateway.url}/portal#token=…)`);
    return {
      apiUrl: gateway.url,
      consoleUrl: `${gateway.url}/console`,
      awsEndpointUrl: aws.url,
      awsEndpointPid: aws.pid,
      stateDir: state?.dir,
      reconcileNow: (pass) => app.reconcileNow(pass),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Creates the tables and fills them from the last snapshot, before anything reads them (the
 * reconciler above all, which would see no subscriptions and remove their lanes as orphans).
 */
async function restoreTables(
  file: string,
  log: (line: string) => void,
): Promise<{ snapshots: TableSnapshots; close(): void }> {
  const clientConfig = awsClientConfig();
  await createBaseResources(clientConfig, undefined, { archive: false });
  const dynamo = new DynamoDBClient(dynamoClientConfig(clientConfig));
  const snapshots = new TableSnapshots(
    dynamo,
    [
      { name: localResourceNames.subscriptionsTable },
      {
        name: localResourceNames.deliveriesTable,
        timeToLiveAttribute: deliveriesTable.timeToLiveAttribute,
      },
      {
        name: localResourceNames.idempotencyTable,
        timeToLiveAttribute: idempotencyTable.timeToLiveAttribute,
      },
      {
        name: localResourceNames.accessTable,
        timeToLiveAttribute: accessTable.timeToLiveAttribute,
      },
      {
        name: localResourceNames.eventStoreTable,
        timeToLiveAttribute: eventStoreTable.timeToLiveAttribute,
      },
    ],
    file,
  );
  const restored = await snapshots.restore().catch((error: unknown) => {
    snapshots.close();
    dynamo.destroy();
    throw new DevStartError(
      `the saved state in ${file} cannot be restored (${error}); start with --fresh to discard it`,
      { cause: error },
    );
  });
  const counts = Object.entries(restored).map(([table, n]) => `${n} in ${table}`);
  if (counts.length > 0) log(`restored ${counts.join(', ')}`);
  return {
    snapshots,
    close: () => {
      snapshots.close();
      dynamo.destroy();
    },
  };
}

function checkFrameAncestors(value: string | undefined): string {
  try {
    return parseFrameAncestors(value);
  } catch (error) {
    throw error instanceof FrameAncestorsError ? new DevStartError(error.message) : error;
  }
}

/** The settings the handlers read, pointed at the local endpoint and resources. */
async function startDynamoMoto(): Promise<AwsEndpoint> {
  return startLocalAws({ fromEnvironment: false }).catch((error: unknown) => {
    throw error instanceof LocalAwsError
      ? new DevStartError(error.message, { cause: error })
      : error;
  });
}

function configureEnvironment(endpoint: string, dynamoEndpoint: string | undefined): void {
  if (dynamoEndpoint) process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoEndpoint;
  const defaults: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Local mode only: loopback receivers (hookbridge listen) over plain http.
    HOOKBRIDGE_ALLOW_CIDRS: '127.0.0.0/8,::1/128',
    HOOKBRIDGE_ALLOW_HTTP: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    HOOKBRIDGE_EVENT_BUS_NAME: localResourceNames.eventBus,
    HOOKBRIDGE_IDEMPOTENCY_TABLE: localResourceNames.idempotencyTable,
    HOOKBRIDGE_SUBSCRIPTIONS_TABLE: localResourceNames.subscriptionsTable,
    HOOKBRIDGE_EVENT_TYPES_TABLE: localResourceNames.subscriptionsTable,
    HOOKBRIDGE_DELIVERIES_TABLE: localResourceNames.deliveriesTable,
    HOOKBRIDGE_ACCESS_TABLE: localResourceNames.accessTable,
    HOOKBRIDGE_EVENT_STORE_TABLE: localResourceNames.eventStoreTable,
    // Cold lanes, as deployed: a lane idle for a day stops being polled until an event wakes it.
    HOOKBRIDGE_LANE_IDLE_SECONDS: String(24 * 60 * 60),
  };
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
  // Bus shards: the names the stack would give them, unless set explicitly.
  const shards = localBusShards();
  if (shards > 1) {
    process.env.HOOKBRIDGE_EVENT_BUS_NAMES ??= localBusNames(
      shards,
      process.env.HOOKBRIDGE_EVENT_BUS_NAME ?? localResourceNames.eventBus,
      process.env.HOOKBRIDGE_RESOURCE_PREFIX ?? 'hookbridge',
    ).join(',');
  }
  process.env.AWS_ENDPOINT_URL = endpoint;
}
