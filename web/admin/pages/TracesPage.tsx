import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime, formatUsd as usd } from "../../shared/format.js";
import type { TraceCostRow } from "../../shared/schemas.js";
import { api } from "../context.js";
import { linkProps, navigate, useLocation } from "../router.js";
import { Badge, Button, Card, EmptyState, PageHeader, QueryState, Stat, td, th } from "../ui.js";

const STATUSES = ["all", "SUCCESS", "ERROR", "BLOCKED", "ESCALATED"];
const PAGE = 50;
const DAY = 86_400_000;

export function TracesPage() {
  const { params } = useLocation();
  const conversationId = params.get("conversationId") ?? undefined;
  const [status, setStatus] = useState("all");
  const [offset, setOffset] = useState(0);
  const filters = {
    status: status === "all" ? undefined : status,
    conversationId,
    limit: PAGE,
    offset,
  };
  const traces = useQuery({
    queryKey: ["traces", filters],
    queryFn: () => api.traces(filters),
    refetchInterval: 15_000,
    placeholderData: (prev) => prev,
  });
  // The last 30 days (from midnight UTC, so the query key stays put while the page is open).
  const [since] = useState(() => new Date(Math.floor(Date.now() / DAY) * DAY - 29 * DAY).toISOString());
  const byDay = useQuery({
    queryKey: ["trace-cost", "day", since],
    queryFn: () => api.traceCost("day", { from: since, limit: 30 }),
    refetchInterval: 30_000,
  });
  const byConversation = useQuery({
    queryKey: ["trace-cost", "conversation"],
    queryFn: () => api.traceCost("conversation", { limit: 20 }),
    refetchInterval: 30_000,
  });

  return (
    <>
      <PageHeader
        title="AI traces"
        description="Every model call: which step, how long, how many tokens and what it cost."
        actions={
          <>
            {conversationId ? (
              <span className="inline-flex items-center gap-1 rounded-full bg-accent-50 py-1 pr-1 pl-3 text-xs text-accent-800 ring-1 ring-accent-200">
                Conversation {conversationId.slice(0, 8)}
                <button
                  type="button"
                  onClick={() => {
                    setOffset(0);
                    navigate("/admin/traces");
                  }}
                  className="rounded-full px-1.5 hover:bg-accent-100"
                  aria-label="Show every conversation"
                >
                  ✕
                </button>
              </span>
            ) : null}
            <label htmlFor="trace-status" className="sr-only">
              Status
            </label>
            <select
              id="trace-status"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setOffset(0);
              }}
              className="rounded-lg border border-line bg-white px-3 py-2 text-sm"
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s === "all" ? "All statuses" : s.toLowerCase()}
                </option>
              ))}
            </select>
          </>
        }
      />
      <div className="space-y-6">
        <Totals rows={byDay.data} />
        <div className="grid gap-6 xl:grid-cols-2">
          <CostCard title="Cost per day (UTC)" query={byDay} label={(key) => key} testId="cost-by-day" />
          <CostCard
            title="Cost per conversation"
            query={byConversation}
            label={(key) =>
              key === "none" ? (
                <span className="text-muted">No conversation</span>
              ) : (
                <a
                  {...linkProps(`traces?conversationId=${key}`)}
                  onClickCapture={() => setOffset(0)}
                  className="font-mono text-xs hover:text-accent-700"
                  title="Show this conversation's calls"
                >
                  {key.slice(0, 8)}
                </a>
              )
            }
            testId="cost-by-conversation"
          />
        </div>
        <Card
          title={conversationId ? "Calls in this conversation" : "Calls"}
          className="overflow-hidden [&>div]:p-0"
        >
          <QueryState
            query={traces}
            isEmpty={(d) => d.traces.length === 0}
            empty={<EmptyState title="No traces yet" hint="They are recorded for every assistant turn." />}
          >
            {({ traces: list }) => (
              <div className="overflow-x-auto">
                <table className="w-full" data-testid="traces">
                  <thead className="border-b border-line bg-stone-50/60">
                    <tr>
                      <th className={th}>When</th>
                      <th className={th}>Step</th>
                      <th className={th}>Model</th>
                      <th className={th}>Status</th>
                      <th className={`${th} text-right`}>Latency</th>
                      <th className={`${th} text-right`}>Tokens in/out</th>
                      <th className={`${th} text-right`}>Cost</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {list.map((t) => (
                      <tr key={t.id} data-trace={t.id}>
                        <td className={`${td} whitespace-nowrap text-stone-500`}>
                          {t.conversationId ? (
                            <a
                              {...linkProps(`conversations/${t.conversationId}`)}
                              className="hover:text-accent-700"
                              title="Open the conversation"
                            >
                              {formatDateTime(t.createdAt)}
                            </a>
                          ) : (
                            formatDateTime(t.createdAt)
                          )}
                        </td>
                        <td className={td}>
                          {t.node ?? "—"}
                          {t.stateName ? (
                            <span className="block text-xs text-muted">{t.stateName}</span>
                          ) : null}
                        </td>
                        <td className={`${td} font-mono text-xs`}>{t.model ?? "—"}</td>
                        <td className={td}>
                          <Badge tone={t.status ?? undefined}>{t.status?.toLowerCase() ?? "—"}</Badge>
                          {t.errorCategory ? (
                            <span className="ml-1.5 text-xs text-muted" title={t.errorMessage ?? undefined}>
                              {t.errorCategory}
                            </span>
                          ) : null}
                        </td>
                        <td className={`${td} text-right tabular-nums`}>
                          {t.latencyMs !== null && t.latencyMs !== undefined
                            ? `${Math.round(t.latencyMs)} ms`
                            : "—"}
                        </td>
                        <td className={`${td} text-right tabular-nums`}>
                          {(t.tokensIn ?? 0).toLocaleString()} / {(t.tokensOut ?? 0).toLocaleString()}
                        </td>
                        <td className={`${td} text-right tabular-nums`} data-testid="trace-cost">
                          {usd(t.cost ?? 0)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        </Card>
        {traces.data && traces.data.total > PAGE ? (
          <div className="flex items-center justify-between text-sm text-muted">
            <span>
              {offset + 1}–{Math.min(offset + PAGE, traces.data.total)} of {traces.data.total}
            </span>
            <div className="flex gap-2">
              <Button size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Newer
              </Button>
              <Button
                size="sm"
                disabled={offset + PAGE >= traces.data.total}
                onClick={() => setOffset(offset + PAGE)}
              >
                Older
              </Button>
            </div>
          </div>
        ) : null}
      </div>
    </>
  );
}

/** Totals over the last 30 days that had calls (from the per-day report). */
function Totals({ rows }: { rows: TraceCostRow[] | undefined }) {
  const r = rows ?? [];
  const calls = r.reduce((n, x) => n + x.calls, 0);
  const cost = r.reduce((n, x) => n + Number(x.cost), 0);
  const tokens = r.reduce((n, x) => n + x.tokensIn + x.tokensOut, 0);
  const errors = r.reduce((n, x) => n + x.errors, 0);
  const latency = calls > 0 ? r.reduce((n, x) => n + x.avgLatencyMs * x.calls, 0) / calls : 0;
  const pending = rows === undefined;
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="trace-totals">
      <Stat label="Model calls (30 d)" value={pending ? "…" : calls.toLocaleString()} />
      <Stat label="Cost (30 d)" value={pending ? "…" : usd(cost)} />
      <Stat label="Tokens" value={pending ? "…" : tokens.toLocaleString()} />
      <Stat
        label="Avg latency"
        value={pending ? "…" : `${Math.round(latency)} ms`}
        hint={pending ? undefined : `${errors} error${errors === 1 ? "" : "s"}`}
      />
    </div>
  );
}

function CostCard({
  title,
  query,
  label,
  testId,
}: {
  title: string;
  query: UseQueryResult<TraceCostRow[]>;
  label: (key: string) => React.ReactNode;
  testId: string;
}) {
  return (
    <Card title={title} className="overflow-hidden [&>div]:p-0">
      <QueryState
        query={query}
        isEmpty={(d) => d.length === 0}
        empty={<EmptyState title="No model calls yet" />}
      >
        {(rows) => {
          const max = Math.max(...rows.map((r) => Number(r.cost)), 0);
          return (
            <div className="max-h-80 overflow-y-auto">
              <table className="w-full" data-testid={testId}>
                <thead className="sticky top-0 border-b border-line bg-stone-50">
                  <tr>
                    <th className={th}>{testId === "cost-by-day" ? "Day" : "Conversation"}</th>
                    <th className={`${th} text-right`}>Calls</th>
                    <th className={`${th} text-right`}>Tokens</th>
                    <th className={`${th} text-right`}>Cost</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {rows.map((r) => (
                    <tr key={r.key} data-key={r.key}>
                      <td className={`${td} whitespace-nowrap`}>{label(r.key)}</td>
                      <td className={`${td} text-right tabular-nums`}>
                        {r.calls}
                        {r.errors > 0 ? (
                          <span className="ml-1 text-xs text-rose-700">({r.errors} err)</span>
                        ) : null}
                      </td>
                      <td className={`${td} text-right tabular-nums`}>
                        {(r.tokensIn + r.tokensOut).toLocaleString()}
                      </td>
                      <td className={`${td} text-right tabular-nums`}>
                        <span className="inline-flex items-center justify-end gap-2">
                          <span
                            className="hidden h-1.5 rounded-full bg-accent-500/70 sm:inline-block"
                            style={{ width: `${max > 0 ? Math.max(2, (Number(r.cost) / max) * 48) : 0}px` }}
                            aria-hidden="true"
                          />
                          <span data-testid="row-cost">{usd(r.cost)}</span>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryState>
    </Card>
  );
}
