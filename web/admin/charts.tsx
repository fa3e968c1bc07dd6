/** Hand-rolled SVG charts (no chart library, no CDN). Each has a text alternative for screen readers. */

export function AreaChart({
  points,
  format = (v) => String(v),
  label,
}: {
  points: Array<{ x: string; y: number }>;
  format?: (v: number) => string;
  label: string;
}) {
  // Close to the rendered size, so the 11px labels stay readable.
  const w = 440;
  const h = 190;
  const pad = { l: 20, r: 20, t: 14, b: 24 };
  if (points.length === 0)
    return <p className="py-10 text-center text-sm text-muted">No data for this period yet.</p>;
  const max = Math.max(1, ...points.map((p) => p.y));
  const step = points.length > 1 ? (w - pad.l - pad.r) / (points.length - 1) : 0;
  const xy = points.map((p, i) => ({
    x: pad.l + (points.length > 1 ? i * step : (w - pad.l - pad.r) / 2),
    y: pad.t + (1 - p.y / max) * (h - pad.t - pad.b),
  }));
  const line = xy.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
  const area = `${line} L${xy.at(-1)?.x.toFixed(1)},${h - pad.b} L${xy[0]?.x.toFixed(1)},${h - pad.b} Z`;
  const every = Math.max(1, Math.ceil(points.length / 7));
  return (
    <figure>
      <svg viewBox={`0 0 ${w} ${h}`} className="h-48 w-full" role="img" aria-label={label}>
        <defs>
          <linearGradient id="area-fill" x1="0" x2="0" y1="0" y2="1">
            <stop offset="0%" stopColor="var(--color-accent-500)" stopOpacity="0.25" />
            <stop offset="100%" stopColor="var(--color-accent-500)" stopOpacity="0" />
          </linearGradient>
        </defs>
        {[0.25, 0.5, 0.75, 1].map((f) => (
          <line
            key={f}
            x1={pad.l}
            x2={w - pad.r}
            y1={pad.t + (1 - f) * (h - pad.t - pad.b)}
            y2={pad.t + (1 - f) * (h - pad.t - pad.b)}
            stroke="var(--color-line)"
            strokeDasharray="3 4"
          />
        ))}
        <path d={area} fill="url(#area-fill)" />
        <path
          d={line}
          fill="none"
          stroke="var(--color-accent-600)"
          strokeWidth="2.2"
          strokeLinejoin="round"
        />
        {xy.map((p, i) => (
          <g key={points[i]?.x}>
            <circle cx={p.x} cy={p.y} r="3" fill="white" stroke="var(--color-accent-600)" strokeWidth="2">
              <title>{`${points[i]?.x}: ${format(points[i]?.y ?? 0)}`}</title>
            </circle>
            {i % every === 0 || i === points.length - 1 ? (
              <text x={p.x} y={h - 6} textAnchor="middle" className="fill-stone-400 text-[11px]">
                {points[i]?.x.slice(5)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <figcaption className="sr-only">{points.map((p) => `${p.x}: ${format(p.y)}`).join("; ")}</figcaption>
    </figure>
  );
}

export function HorizontalBars({
  rows,
  format = (v) => String(v),
  label,
}: {
  rows: Array<{ label: string; value: number; note?: string }>;
  format?: (v: number) => string;
  label: string;
}) {
  if (rows.length === 0) return <p className="py-10 text-center text-sm text-muted">No data yet.</p>;
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <ul className="space-y-3" aria-label={label}>
      {rows.map((r) => (
        <li key={r.label}>
          <div className="flex items-baseline justify-between gap-3 text-sm">
            <span className="truncate text-ink">{r.label}</span>
            <span className="shrink-0 text-muted tabular-nums">
              {format(r.value)}
              {r.note ? <span className="ml-1.5 text-xs text-stone-400">{r.note}</span> : null}
            </span>
          </div>
          <div className="mt-1 h-2 overflow-hidden rounded-full bg-stone-100" aria-hidden="true">
            <div
              className="h-full rounded-full bg-accent-500"
              style={{ width: `${(r.value / max) * 100}%` }}
            />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function FunnelChart({ steps }: { steps: Array<{ name: string; count: number }> }) {
  if (steps.length === 0) return <p className="py-10 text-center text-sm text-muted">No funnel data yet.</p>;
  const top = Math.max(1, steps[0]?.count ?? 1);
  return (
    <ol className="space-y-2" aria-label="Conversion funnel">
      {steps.map((s, i) => {
        const prev = i > 0 ? steps[i - 1]?.count : undefined;
        const rate = prev ? Math.round((s.count / prev) * 100) : null;
        return (
          <li key={s.name} className="flex items-center gap-3">
            <span className="w-32 shrink-0 truncate text-sm text-stone-700 capitalize">
              {s.name.replace(/[_-]/g, " ")}
            </span>
            <div className="relative h-7 flex-1 overflow-hidden rounded-md bg-stone-100">
              <div
                className="h-full rounded-md bg-gradient-to-r from-accent-600 to-accent-500"
                style={{ width: `${Math.max(2, (s.count / top) * 100)}%`, opacity: 1 - i * 0.12 }}
              />
              <span className="absolute inset-y-0 left-2.5 flex items-center text-xs font-semibold text-white mix-blend-difference tabular-nums">
                {s.count}
              </span>
            </div>
            <span className="w-12 shrink-0 text-right text-xs text-muted tabular-nums">
              {rate === null ? "" : `${rate}%`}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function Donut({ value, label }: { value: number; label: string }) {
  const r = 36;
  const c = 2 * Math.PI * r;
  const v = Math.min(1, Math.max(0, value));
  return (
    <svg
      viewBox="0 0 100 100"
      className="size-28"
      role="img"
      aria-label={`${label}: ${(v * 100).toFixed(1)}%`}
    >
      <circle cx="50" cy="50" r={r} fill="none" stroke="var(--color-stone-100)" strokeWidth="12" />
      <circle
        cx="50"
        cy="50"
        r={r}
        fill="none"
        stroke="var(--color-accent-500)"
        strokeWidth="12"
        strokeDasharray={`${c * v} ${c}`}
        strokeLinecap="round"
        transform="rotate(-90 50 50)"
      />
      <text x="50" y="55" textAnchor="middle" className="fill-ink text-[17px] font-semibold">
        {(v * 100).toFixed(0)}%
      </text>
    </svg>
  );
}
