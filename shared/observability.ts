import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'hookbridge';

/** The structured JSON logger every function shares. Secrets never go into a log line. */
export const logger = new Logger({ serviceName });

/**
 * Powertools' Metrics without its "No application metrics to publish" warning: a flush with
 * nothing in it is a normal outcome here (a request refused before it counted anything, a
 * batch of nothing), and the warning was logged on each such invocation. Nothing else
 * changes: an empty flush emits no EMF either way, and with `throwOnEmptyMetrics` set the
 * flush still throws.
 */
export class QuietMetrics extends Metrics {
  private throwsOnEmpty = false;

  override setThrowOnEmptyMetrics(enabled: boolean): this {
    this.throwsOnEmpty = enabled;
    return super.setThrowOnEmptyMetrics(enabled);
  }

  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics() || this.throwsOnEmpty) return super.publishStoredMetrics();
    // What super does after an empty flush, minus the warning.
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}

/** EMF metrics under the `Hookbridge` namespace, without per-subscriber dimensions. */
export const metrics = new QuietMetrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Hookbridge',
  serviceName,
});

/** The part of the logger domain code uses, so tests can pass a quiet or recording one. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;
