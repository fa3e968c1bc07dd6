import { useQuery } from "@tanstack/react-query";
import { formatMoney, formatPercent } from "../../shared/format.js";
import { AreaChart, FunnelChart, HorizontalBars } from "../charts.js";
import { api } from "../context.js";
import { useAdminPrefs } from "../store.js";
import { Card, PageHeader, QueryState, Stat } from "../ui.js";

const PERIODS = [7, 30, 90];

export function AnalyticsPage() {
  const { analyticsDays, setAnalyticsDays } = useAdminPrefs();
  const analytics = useQuery({
    queryKey: ["analytics", "all"],
    queryFn: () => api.analytics("all"),
    refetchInterval: 15_000,
  });
  // The period picker drives the charts; `all` has fixed windows.
  const top = useQuery({
    queryKey: ["analytics", "top-products", analyticsDays],
    queryFn: () => api.analytics("top-products", { daysBack: analyticsDays }),
  });
  const daily = useQuery({
    queryKey: ["analytics", "daily", analyticsDays],
    queryFn: () => api.analytics("daily", { days: analyticsDays }),
  });

  return (
    <>
      <PageHeader
        title="Analytics"
        description="Today in the shop's time zone, and trends over the selected period."
        actions={
          <fieldset className="min-w-0 flex rounded-lg bg-white p-0.5 ring-1 ring-line" aria-label="Period">
            {PERIODS.map((d) => (
              <button
                key={d}
                type="button"
                aria-pressed={analyticsDays === d}
                onClick={() => setAnalyticsDays(d)}
                className={`rounded-md px-3 py-1.5 text-sm ${analyticsDays === d ? "bg-ink text-white" : "text-stone-600 hover:text-ink"}`}
              >
                {d} days
              </button>
            ))}
          </fieldset>
        }
      />
      <QueryState query={analytics}>
        {(a) => (
          <div className="space-y-6">
            <section aria-label="Today" className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="today">
              <Stat label="Orders today" value={a.today?.orders ?? 0} />
              <Stat label="Revenue today" value={formatMoney(a.today?.revenue ?? 0)} />
              <Stat label="Conversations" value={a.today?.conversations ?? 0} />
              <Stat label="Conversion" value={formatPercent(Number(a.today?.conversionRate ?? 0))} />
              <Stat label="Avg order value" value={formatMoney(a.today?.avgOrderValue ?? 0)} />
              <Stat label="New customers" value={a.today?.newUsers ?? 0} />
              <Stat label="Returning" value={a.today?.returningUsers ?? 0} />
              <Stat
                label="AI cost"
                value={
                  (a.ai?.totalCost ?? a.ai?.cost ?? a.ai?.costToday)
                    ? `$${Number(a.ai?.totalCost ?? a.ai?.cost ?? a.ai?.costToday).toFixed(4)}`
                    : "$0"
                }
              />
            </section>
            <div className="grid gap-6 lg:grid-cols-2">
              <Card title="Revenue over time">
                <AreaChart
                  label="Revenue per day"
                  points={(daily.data?.series ?? a.series).map((p) => ({ x: p.date, y: p.revenue }))}
                  format={(v) => formatMoney(v)}
                />
              </Card>
              <Card title="Orders over time">
                <AreaChart
                  label="Orders per day"
                  points={(daily.data?.series ?? a.series).map((p) => ({ x: p.date, y: p.orders }))}
                />
              </Card>
              <Card title={`Top products · ${analyticsDays} days`}>
                <HorizontalBars
                  label="Top products by revenue"
                  rows={(top.data?.topProducts ?? a.topProducts).map((p) => ({
                    label: p.name,
                    value: Number(p.revenue),
                    note: `${p.orderCount} ${p.orderCount === 1 ? "order" : "orders"}`,
                  }))}
                  format={(v) => formatMoney(v)}
                />
              </Card>
              <Card title="Conversion funnel">
                <FunnelChart steps={a.funnel} />
              </Card>
              <Card title="Engagement">
                <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
                  <Metric label="Daily active" value={a.engagement?.dailyActiveUsers} />
                  <Metric label="Weekly active" value={a.engagement?.weeklyActiveUsers} />
                  <Metric label="Monthly active" value={a.engagement?.monthlyActiveUsers} />
                  <Metric
                    label="Avg session"
                    value={
                      a.engagement?.avgSessionDuration !== undefined
                        ? `${Math.round(a.engagement.avgSessionDuration / 60)} min`
                        : undefined
                    }
                  />
                  <Metric
                    label="Messages / session"
                    value={a.engagement?.avgMessagesPerSession?.toFixed(1)}
                  />
                </dl>
              </Card>
              <Card title="AI performance">
                <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
                  <Metric label="Messages" value={a.ai?.totalMessages} />
                  <Metric
                    label="Avg response"
                    value={
                      a.ai?.avgResponseTime !== undefined
                        ? `${Math.round(a.ai.avgResponseTime)} ms`
                        : undefined
                    }
                  />
                  <Metric
                    label="Error rate"
                    value={a.ai?.errorRate !== undefined ? formatPercent(a.ai.errorRate) : undefined}
                  />
                  <Metric
                    label="Satisfaction"
                    value={a.ai?.satisfactionScore ? `${a.ai.satisfactionScore.toFixed(1)} / 5` : "—"}
                  />
                  <Metric
                    label="Cost"
                    value={
                      (a.ai?.totalCost ?? a.ai?.cost)
                        ? `$${Number(a.ai?.totalCost ?? a.ai?.cost).toFixed(4)}`
                        : undefined
                    }
                  />
                </dl>
              </Card>
            </div>
          </div>
        )}
      </QueryState>
    </>
  );
}

function Metric({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold text-ink tabular-nums">{value ?? "—"}</dd>
    </div>
  );
}
