import { useEffect, useRef } from 'react';
import { Text } from '@mantine/core';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Sample {
  at: number;
  completed: Record<string, number>;
}
const COLORS = ['#364fc7', '#c2255c', '#087f5b'];

/** Units per minute between consecutive samples: a line per factory, streaming (uPlot redraws cheaply). */
export function ThroughputChart({ samples, factories }: { samples: Sample[]; factories: string[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = factories.join(',');

  useEffect(() => {
    if (!box.current || factories.length === 0) return;
    plot.current = new uPlot(
      {
        width: box.current.clientWidth,
        height: 220,
        series: [
          {},
          ...factories.map((id, index) => ({ label: id, stroke: COLORS[index % COLORS.length], width: 2 })),
        ],
        axes: [{}, { label: 'units / min' }],
        scales: { x: { time: true } },
      },
      [[], ...factories.map(() => [])],
      box.current,
    );
    // Rebuilt only when the set of factories changes; new samples go through setData below.
    return () => plot.current?.destroy();
  }, [key]);

  useEffect(() => {
    const pairs = samples.slice(1).map((sample, index) => [samples[index]!, sample] as const);
    const times = pairs.map(([, after]) => after.at / 1000);
    const rates = factories.map((id) =>
      pairs.map(([before, after]) => {
        const minutes = (after.at - before.at) / 60_000;
        return minutes > 0 ? ((after.completed[id] ?? 0) - (before.completed[id] ?? 0)) / minutes : 0;
      }),
    );
    plot.current?.setData([times, ...rates]);
  }, [samples, factories]);

  return (
    <>
      {samples.length < 2 && (
        <Text size="sm" c="dimmed">
          Collecting samples: the first point appears within a few seconds.
        </Text>
      )}
      <div ref={box} role="img" aria-label="Throughput of each factory over time, in units per minute" />
    </>
  );
}
