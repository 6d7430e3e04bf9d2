import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DeliveryAttempt } from '../api/types.js';
import { deliverySeries } from './delivery-stats.js';

/**
 * Deliveries and failures over time, and latency p50/p99, from the attempts shown: two uPlot
 * charts (drawn on canvas, so the caption says the totals in words).
 */
export function DeliveryChart(props: { attempts: readonly DeliveryAttempt[] }) {
  const counts = useRef<HTMLDivElement>(null);
  const latency = useRef<HTMLDivElement>(null);
  const series = useMemo(() => deliverySeries(props.attempts), [props.attempts]);

  useEffect(() => {
    if (!counts.current || !latency.current || series.times.length === 0) return;
    const width = Math.max(260, Math.min(720, counts.current.clientWidth || 320));
    const axes = [{}, { size: 48 }];
    // A bucket either side: one bucket alone would make uPlot pick a range of years.
    const first = series.times[0] ?? 0;
    const last = series.times[series.times.length - 1] ?? first;
    const scales = (from: (max: number) => [number, number]) => ({
      x: {
        time: true,
        range: (): [number, number] => [first - series.bucketSeconds, last + series.bucketSeconds],
      },
      y: { range: (_: uPlot, _min: number, max: number) => from(max) },
    });
    const plots = [
      new uPlot(
        {
          width,
          height: 180,
          axes,
          scales: scales((max) => [0, Math.max(1, max)]),
          series: [
            {},
            { label: 'Delivered', stroke: '#1a7f37', fill: 'rgba(26,127,55,0.12)' },
            { label: 'Failed', stroke: '#cf222e', fill: 'rgba(207,34,46,0.12)' },
          ],
        },
        [series.times, series.delivered, series.failed],
        counts.current,
      ),
      new uPlot(
        {
          width,
          height: 180,
          axes,
          scales: scales((max) => [0, Math.max(10, max * 1.1)]),
          series: [
            {},
            { label: 'p50 ms', stroke: '#0969da', spanGaps: true },
            { label: 'p99 ms', stroke: '#8250df', spanGaps: true },
          ],
        },
        [series.times, series.p50, series.p99],
        latency.current,
      ),
    ];
    return () => {
      for (const plot of plots) plot.destroy();
    };
  }, [series]);

  if (series.times.length === 0) return <p>No attempts to chart yet.</p>;
  const total = series.delivered.reduce((a, b) => a + b, 0);
  const failures = series.failed.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart">
      <figcaption>
        {total} delivered, {failures} failed, per {series.bucketSeconds / 60} min
      </figcaption>
      <div ref={counts} aria-hidden="true" />
      <div ref={latency} aria-hidden="true" />
    </figure>
  );
}
