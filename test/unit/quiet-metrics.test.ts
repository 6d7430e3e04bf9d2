import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuietMetrics } from '../../shared/observability.js';

function recording() {
  const lines: { level: string; text: string }[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      lines.push({ level, text: args.map(String).join(' ') });
  const logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  return { lines, logger };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('QuietMetrics', () => {
  it('flushes nothing and warns nothing when an invocation counted nothing', () => {
    const { lines, logger } = recording();
    const metrics = new QuietMetrics({ namespace: 'Test', serviceName: 'test', logger });
    metrics.addDimension('route', 'x');
    metrics.publishStoredMetrics();
    expect(lines).toEqual([]);
    // The dimension of the empty invocation does not leak into the next one.
    expect(metrics.serializeMetrics()._aws.CloudWatchMetrics[0]?.Dimensions[0]).not.toContain(
      'route',
    );
  });

  it('still publishes what was counted, and still throws when told to on empty metrics', () => {
    // Enabled, as on Lambda (the unit layer disables metrics): the EMF goes to stdout.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const { logger } = recording();
    const metrics = new QuietMetrics({ namespace: 'Test', serviceName: 'test', logger });
    metrics.addMetric('Things', MetricUnit.Count, 2);
    metrics.publishStoredMetrics();
    expect(written.join('')).toContain('"Things":2');

    metrics.setThrowOnEmptyMetrics(true);
    expect(() => metrics.publishStoredMetrics()).toThrow(/metrics/i);
  });
});
