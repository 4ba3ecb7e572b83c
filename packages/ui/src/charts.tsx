import type { ReactElement } from 'react';
import {
  Bar,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  BarChart as RechartsBarChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** One line or bar series: which field of each point it plots, its label and colour. */
export interface Series {
  key: string;
  label: string;
  color?: string;
}

const PALETTE = ['var(--pui-accent)', '#e8590c', '#2b8a3e', '#c92a2a', '#7048e8', '#1098ad'];

function colorOf(series: Series, index: number): string {
  return series.color ?? PALETTE[index % PALETTE.length] ?? 'var(--pui-accent)';
}

const MARGIN = { top: 8, right: 16, bottom: 0, left: 0 };
const TICK = { fontSize: 11 };

/** The labelled figure both charts draw in, sized to its container. */
function ChartFrame({
  label,
  height,
  children,
}: {
  label: string;
  height: number;
  children: ReactElement;
}) {
  return (
    <figure className="pui-chart" aria-label={label} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

export interface ChartProps<Point extends Record<string, unknown>> {
  data: Point[];
  /** The field of each point on the x axis (a label or time already formatted). */
  x: string;
  series: Series[];
  height?: number;
  label: string;
  unit?: string;
}

/** One chart of either kind: the grid, axes, tooltip and legend are the same for both. */
function SeriesChart<Point extends Record<string, unknown>>({
  kind,
  data,
  x,
  series,
  height = 240,
  label,
  unit,
}: ChartProps<Point> & { kind: 'line' | 'bar' }) {
  const Chart = kind === 'line' ? LineChart : RechartsBarChart;
  return (
    <ChartFrame label={label} height={height}>
      <Chart data={data} margin={MARGIN}>
        <CartesianGrid stroke="var(--pui-border)" vertical={false} />
        {/* Time labels are wide: lines leave room between ticks; bars label every category. */}
        <XAxis
          dataKey={x}
          tick={TICK}
          stroke="var(--pui-muted)"
          {...(kind === 'line' ? { minTickGap: 24 } : {})}
        />
        <YAxis tick={TICK} stroke="var(--pui-muted)" unit={unit} width={48} allowDecimals={false} />
        <Tooltip />
        {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
        {series.map((s, i) =>
          kind === 'line' ? (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={colorOf(s, i)}
              strokeWidth={2}
              dot={data.length < 30}
              isAnimationActive={false}
            />
          ) : (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              fill={colorOf(s, i)}
              radius={[4, 4, 0, 0]}
              maxBarSize={56}
              isAnimationActive={false}
            />
          ),
        )}
      </Chart>
    </ChartFrame>
  );
}

/** Values over time as lines (Recharts), sized to its container. */
export function TimeSeriesChart<Point extends Record<string, unknown>>(props: ChartProps<Point>) {
  return <SeriesChart kind="line" {...props} />;
}

/** Counts per category as bars (Recharts), e.g. errors by status code. */
export function BarChart<Point extends Record<string, unknown>>(props: ChartProps<Point>) {
  return <SeriesChart kind="bar" {...props} />;
}
