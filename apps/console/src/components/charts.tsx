'use client';

/** A line chart of one or two series over evenly spaced points, as inline SVG. */
export function LineChart({
  points,
  series,
  label,
}: {
  points: { time: string }[];
  series: { name: string; values: number[]; className?: string }[];
  label: string;
}) {
  const width = 480;
  const height = 180;
  const pad = { left: 44, right: 8, top: 10, bottom: 22 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const n = Math.max(1, points.length - 1);
  const x = (i: number) => pad.left + (i / n) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  const first = points[0]?.time;
  const last = points.at(-1)?.time;
  const time = (t: string | undefined) =>
    t ? new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';
  return (
    <figure className="chart" style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        <line className="axis" x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} />
        <line className="axis" x1={pad.left} x2={width - pad.right} y1={y(max)} y2={y(max)} />
        <text x={4} y={y(max) + 4}>
          {max}
        </text>
        <text x={4} y={y(0) + 4}>
          0
        </text>
        <text x={pad.left} y={height - 4}>
          {time(first)}
        </text>
        <text x={width - pad.right} y={height - 4} textAnchor="end">
          {time(last)}
        </text>
        {series.map((s) => (
          <polyline
            key={s.name}
            className={`line ${s.className ?? ''}`}
            points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption className="toolbar" style={{ marginTop: 6 }}>
        {series.map((s) => (
          <span key={s.name} className={`badge ${s.className === 'err' ? 'danger' : 'info'}`}>
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Horizontal bars with labels and values. */
export function BarList({ rows }: { rows: { label: string; value: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <div>
      {rows.map((r) => (
        <div key={r.label} className="bar-row">
          <span title={r.label} style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {r.label}
          </span>
          <div className="bar" style={{ width: `${(r.value / max) * 100}%` }} />
          <span className="mono">{r.value}</span>
        </div>
      ))}
    </div>
  );
}
