import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CACHE_PREFIXES, errorMessage } from "../../shared/api.js";
import { formatPercent } from "../../shared/format.js";
import { Donut } from "../charts.js";
import { api } from "../context.js";
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  inputClass,
  PageHeader,
  QueryState,
  Stat,
  td,
  th,
} from "../ui.js";

type Action = "warmup" | "warmup-menu" | "clear" | "clear-prefix";

function describeResult(
  action: Action,
  prefix: string | undefined,
  res: { cleared?: number; warmed?: Array<{ name: string; ok: boolean }> },
) {
  if (action === "clear-prefix") return `Cleared ${res.cleared ?? 0} keys under ${prefix}.`;
  if (action === "clear")
    return `Cleared the cache${res.cleared !== undefined ? ` (${res.cleared} keys)` : ""}.`;
  const warmed = res.warmed ?? [];
  const failed = warmed.filter((w) => !w.ok).map((w) => w.name);
  return `Warmed ${warmed.length - failed.length} of ${warmed.length} caches${failed.length ? `; failed: ${failed.join(", ")}` : ""}.`;
}

export function CachePage() {
  const queryClient = useQueryClient();
  const stats = useQuery({ queryKey: ["cache"], queryFn: api.cacheStats, refetchInterval: 5_000 });
  const [prefix, setPrefix] = useState<string>(CACHE_PREFIXES[0]);
  const [confirmClear, setConfirmClear] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const action = useMutation({
    mutationFn: ({ action, prefix }: { action: Action; prefix?: string }) => api.cacheAction(action, prefix),
    onSuccess: (res, vars) => {
      setMessage(res.message ?? describeResult(vars.action, vars.prefix, res));
      setConfirmClear(false);
      void queryClient.invalidateQueries({ queryKey: ["cache"] });
    },
    onError: (err) => setMessage(errorMessage(err)),
  });

  return (
    <>
      <PageHeader
        title="Cache"
        description="Memory (L1) and Redis (L2) tiers in front of the database."
        actions={
          <>
            <Button onClick={() => action.mutate({ action: "warmup-menu" })} disabled={action.isPending}>
              Warm up menu
            </Button>
            <Button
              variant="primary"
              onClick={() => action.mutate({ action: "warmup" })}
              disabled={action.isPending}
            >
              Warm up all
            </Button>
          </>
        }
      />
      {message ? (
        <p
          role="status"
          className="mb-4 rounded-xl bg-white px-4 py-3 text-sm text-stone-700 ring-1 ring-line"
        >
          {message}
        </p>
      ) : null}
      <QueryState query={stats}>
        {(s) => (
          <div className="space-y-6">
            <div className="grid gap-3 md:grid-cols-4">
              <Stat label="Hits" value={s.hits.toLocaleString()} />
              <Stat label="Misses" value={s.misses.toLocaleString()} />
              <Stat label="Hit rate" value={formatPercent(s.hitRate * 100)} />
              <Stat
                label="Keys"
                value={s.totalKeys.toLocaleString()}
                hint={s.memory ? `Memory: ${s.memory}` : undefined}
              />
            </div>
            <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
              <Card title="Availability">
                <div className="flex flex-col items-center gap-4">
                  <Donut value={s.hitRate} label="Hit rate" />
                  <ul className="w-full space-y-2" data-testid="tiers">
                    {s.tiers.length === 0 ? (
                      <li className="flex justify-between text-sm">
                        <span>Cache</span>
                        <Badge tone={s.available ? "up" : "down"}>{s.available ? "up" : "down"}</Badge>
                      </li>
                    ) : (
                      s.tiers.map((t) => (
                        <li key={t.name} className="flex items-center justify-between text-sm">
                          <span className="capitalize">{t.name}</span>
                          <Badge tone={t.available ? "up" : "down"}>
                            {t.available ? "up" : (t.detail ?? "off")}
                          </Badge>
                        </li>
                      ))
                    )}
                  </ul>
                </div>
              </Card>
              <Card
                title="Keys per prefix"
                actions={
                  <form
                    className="flex items-center gap-2"
                    onSubmit={(e) => {
                      e.preventDefault();
                      action.mutate({ action: "clear-prefix", prefix });
                    }}
                  >
                    <label htmlFor="prefix" className="sr-only">
                      Prefix to clear
                    </label>
                    <select
                      id="prefix"
                      value={prefix}
                      onChange={(e) => setPrefix(e.target.value)}
                      className={`${inputClass} w-48 py-1.5 font-mono text-xs`}
                    >
                      {CACHE_PREFIXES.map((p) => (
                        <option key={p} value={p}>
                          {p}
                        </option>
                      ))}
                    </select>
                    <Button type="submit" size="sm" disabled={action.isPending}>
                      Clear prefix
                    </Button>
                    <Button size="sm" variant="danger" onClick={() => setConfirmClear(true)}>
                      Clear all
                    </Button>
                  </form>
                }
                className="overflow-hidden [&>div]:p-0"
              >
                {s.prefixes.length === 0 ? (
                  <EmptyState
                    title="The cache is empty"
                    hint="Warm it up, or it fills as customers browse and chat."
                  />
                ) : (
                  <table className="w-full" data-testid="prefix-table">
                    <thead className="border-b border-line bg-stone-50/60">
                      <tr>
                        <th className={th}>Prefix</th>
                        <th className={`${th} text-right`}>Keys</th>
                        <th className={`${th} text-right`}>Hits</th>
                        <th className={`${th} text-right`}>Misses</th>
                        <th className={`${th} text-right`}>Hit rate</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-line">
                      {s.prefixes.map((p) => {
                        const total = (p.hits ?? 0) + (p.misses ?? 0);
                        return (
                          <tr key={p.prefix} data-prefix={p.prefix}>
                            <td className={`${td} font-mono text-xs`}>{p.prefix}</td>
                            <td className={`${td} text-right tabular-nums`} data-testid="prefix-keys">
                              {p.keys}
                            </td>
                            <td className={`${td} text-right text-stone-600 tabular-nums`}>
                              {p.hits ?? "—"}
                            </td>
                            <td className={`${td} text-right text-stone-600 tabular-nums`}>
                              {p.misses ?? "—"}
                            </td>
                            <td className={`${td} text-right text-stone-600 tabular-nums`}>
                              {total > 0 ? formatPercent(((p.hits ?? 0) / total) * 100) : "—"}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                )}
              </Card>
            </div>
          </div>
        )}
      </QueryState>
      <ConfirmDialog
        open={confirmClear}
        title="Clear the whole cache?"
        body="Every cached entry in both tiers is removed. Requests stay correct but hit the database until the cache fills again."
        confirmLabel="Clear everything"
        danger
        onCancel={() => setConfirmClear(false)}
        onConfirm={() => action.mutate({ action: "clear" })}
      />
    </>
  );
}
