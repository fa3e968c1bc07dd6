import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "../../shared/format.js";
import { api } from "../context.js";
import { linkProps } from "../router.js";
import { Badge, Card, EmptyState, PageHeader, QueryState, Stat, td, th } from "../ui.js";

const STATUSES = ["all", "SUCCESS", "ERROR", "BLOCKED", "ESCALATED"];
const usd = (v: number) => `$${v.toFixed(v < 0.01 ? 5 : 4)}`;

export function TracesPage() {
  const [status, setStatus] = useState("all");
  const traces = useQuery({
    queryKey: ["traces", status],
    queryFn: () => api.traces({ status: status === "all" ? undefined : status }),
    refetchInterval: 15_000,
  });
  return (
    <>
      <PageHeader
        title="AI traces"
        description="Every model call: which step, how long, how many tokens and what it cost."
        actions={
          <>
            <label htmlFor="trace-status" className="sr-only">
              Status
            </label>
            <select
              id="trace-status"
              value={status}
              onChange={(e) => setStatus(e.target.value)}
              className="rounded-lg border border-line bg-white px-3 py-2 text-sm"
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s === "all" ? "All statuses" : s}
                </option>
              ))}
            </select>
          </>
        }
      />
      <QueryState query={traces}>
        {({ traces: list, totalCost }) => {
          const cost =
            totalCost !== null ? Number(totalCost) : list.reduce((n, t) => n + Number(t.cost ?? 0), 0);
          const tokens = list.reduce((n, t) => n + (t.tokensIn ?? 0) + (t.tokensOut ?? 0), 0);
          const errors = list.filter((t) => t.status === "ERROR").length;
          const latency = list.length ? list.reduce((n, t) => n + (t.latencyMs ?? 0), 0) / list.length : 0;
          return (
            <div className="space-y-6">
              <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
                <Stat label="Calls" value={list.length} />
                <Stat label="Cost" value={usd(cost)} />
                <Stat label="Tokens" value={tokens.toLocaleString()} />
                <Stat label="Avg latency" value={`${Math.round(latency)} ms`} hint={`${errors} errors`} />
              </div>
              <Card className="overflow-hidden [&>div]:p-0">
                {list.length === 0 ? (
                  <EmptyState title="No traces yet" hint="They are recorded for every assistant turn." />
                ) : (
                  <div className="overflow-x-auto">
                    <table className="w-full">
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
                          <tr key={t.id}>
                            <td className={`${td} text-stone-500`}>
                              {t.conversationId ? (
                                <a
                                  {...linkProps(`conversations/${t.conversationId}`)}
                                  className="hover:text-accent-700"
                                >
                                  {formatDateTime(t.createdAt)}
                                </a>
                              ) : (
                                formatDateTime(t.createdAt)
                              )}
                            </td>
                            <td className={td}>{t.node ?? "—"}</td>
                            <td className={`${td} font-mono text-xs`}>{t.model ?? "—"}</td>
                            <td className={td}>
                              <Badge tone={t.status ?? undefined}>{t.status?.toLowerCase() ?? "—"}</Badge>
                              {t.errorCategory ? (
                                <span className="ml-1.5 text-xs text-muted">{t.errorCategory}</span>
                              ) : null}
                            </td>
                            <td className={`${td} text-right tabular-nums`}>
                              {t.latencyMs !== null && t.latencyMs !== undefined
                                ? `${Math.round(t.latencyMs)} ms`
                                : "—"}
                            </td>
                            <td className={`${td} text-right tabular-nums`}>
                              {t.tokensIn ?? 0} / {t.tokensOut ?? 0}
                            </td>
                            <td className={`${td} text-right tabular-nums`}>{usd(Number(t.cost ?? 0))}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </Card>
            </div>
          );
        }}
      </QueryState>
    </>
  );
}
