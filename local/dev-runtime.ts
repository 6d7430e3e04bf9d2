import { localResourceNames } from '../infra/base-resources.js';
import { LocalAwsError, startLocalAws } from './aws-endpoint.js';

export interface DevOptions {
  /** HTTP API port on 127.0.0.1; 0 picks a free one. @default 4000 */
  readonly port?: number;
  /** Use this AWS endpoint instead of starting moto. @default process.env.AWS_ENDPOINT_URL */
  readonly awsEndpointUrl?: string;
  /** How often the reconciler runs. @default 60000 */
  readonly reconcileEveryMs?: number;
  /** Human-readable progress lines. */
  readonly log?: (line: string) => void;
}

export interface DevRuntime {
  /** e.g. http://127.0.0.1:4000 */
  readonly apiUrl: string;
  readonly awsEndpointUrl: string;
  /** The moto process this runtime started, if any. */
  readonly awsEndpointPid: number | undefined;
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
    const aws = await startLocalAws({ endpointUrl: options.awsEndpointUrl }).catch(
      (error: unknown) => {
        throw error instanceof LocalAwsError
          ? new DevStartError(error.message, { cause: error })
          : error;
      },
    );
    stops.push(() => aws.stop());
    log(
      aws.pid
        ? `local AWS endpoint (moto) on ${aws.url}, pid ${aws.pid}`
        : `using the AWS endpoint ${aws.url}`,
    );

    configureEnvironment(aws.url);
    // Imported only now: handler modules read their configuration when they load.
    const wiring = await import('./dev-wiring.js');
    const app = await wiring.wireLocalApp();
    stops.push(() => app.stop());
    await app.reconcileNow();
    const timer = setInterval(() => void app.reconcileNow(), options.reconcileEveryMs ?? 60_000);
    stops.push(async () => clearInterval(timer));

    const { startHttpGateway } = await import('./http-gateway.js');
    const gateway = await startHttpGateway(app.routes, { port: options.port ?? 4000 }).catch(
      (error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          throw new DevStartError(
            `port ${options.port ?? 4000} is already in use; choose another with --port`,
          );
        }
        throw error;
      },
    );
    stops.push(() => gateway.close());
    log(`HTTP API on ${gateway.url}`);
    return { apiUrl: gateway.url, awsEndpointUrl: aws.url, awsEndpointPid: aws.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The settings the handlers read, pointed at the local endpoint and resources. */
function configureEnvironment(endpoint: string): void {
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
    HOOKBRIDGE_DELIVERIES_TABLE: localResourceNames.deliveriesTable,
  };
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
  process.env.AWS_ENDPOINT_URL = endpoint;
}
