import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'hookbridge';

/** The structured JSON logger every function shares. Secrets never go into a log line. */
export const logger = new Logger({ serviceName });

/** EMF metrics under the `Hookbridge` namespace, without per-subscriber dimensions. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Hookbridge',
  serviceName,
});

/** The part of the logger domain code uses, so tests can pass a quiet or recording one. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;
