import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../../shared/api.js";
import { formatDateTime, formatMoney, formatRelative } from "../../shared/format.js";
import type { MemoryFact } from "../../shared/schemas.js";
import { api } from "../context.js";
import { linkProps } from "../router.js";
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  inputClass,
  PageHeader,
  QueryState,
  td,
  th,
} from "../ui.js";

export function CustomersPage({ selectedId }: { selectedId?: string }) {
  if (selectedId) return <CustomerDetail id={selectedId} />;
  return <CustomerList />;
}

function CustomerList() {
  const [q, setQ] = useState("");
  const customers = useQuery({ queryKey: ["customers", q], queryFn: () => api.customers(q || undefined) });
  return (
    <>
      <PageHeader
        title="Customers"
        description="Everyone who chatted on the web or in Telegram, with what the assistant remembers."
        actions={
          <>
            <label htmlFor="customer-search" className="sr-only">
              Search customers
            </label>
            <input
              id="customer-search"
              type="search"
              placeholder="Search name, phone, @username"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              className={`${inputClass} w-64`}
            />
          </>
        }
      />
      <Card className="overflow-hidden [&>div]:p-0">
        <QueryState
          query={customers}
          isEmpty={(d) => d.length === 0}
          empty={<EmptyState title="No customers yet" hint="They appear after their first message." />}
        >
          {(list) => (
            <div className="overflow-x-auto">
              <table className="w-full">
                <thead className="border-b border-line bg-stone-50/60">
                  <tr>
                    <th className={th}>Customer</th>
                    <th className={th}>Channel</th>
                    <th className={`${th} text-right`}>Orders</th>
                    <th className={`${th} text-right`}>Spent</th>
                    <th className={th}>Last visit</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {list.map((c) => (
                    <tr key={c.id} className="relative hover:bg-stone-50">
                      <td className={td}>
                        <a
                          {...linkProps(`customers/${c.id}`)}
                          className="font-medium after:absolute after:inset-0 hover:text-accent-700"
                        >
                          {c.displayName ?? c.telegramUsername ?? c.phone ?? `Guest ${c.id.slice(0, 6)}`}
                        </a>
                        {c.isBlocked ? (
                          <span className="ml-2">
                            <Badge tone="down">blocked</Badge>
                          </span>
                        ) : null}
                        {c.phone ? <p className="text-xs text-muted">{c.phone}</p> : null}
                      </td>
                      <td className={`${td} text-stone-600`}>
                        {[c.userId ? "web" : null, c.telegramUserId ? "telegram" : null]
                          .filter(Boolean)
                          .join(" + ") || "—"}
                      </td>
                      <td className={`${td} text-right tabular-nums`}>{c.totalOrders ?? 0}</td>
                      <td className={`${td} text-right tabular-nums`}>{formatMoney(c.totalSpent ?? 0)}</td>
                      <td className={`${td} text-stone-500`}>{formatRelative(c.lastVisit)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </Card>
    </>
  );
}

function CustomerDetail({ id }: { id: string }) {
  const detail = useQuery({ queryKey: ["customer", id], queryFn: () => api.customer(id) });
  const orders = useQuery({
    queryKey: ["customer-orders", id],
    queryFn: () => api.customerOrders(id),
    enabled: detail.isSuccess && detail.data.orders === null,
  });
  const conversations = useQuery({
    queryKey: ["conversations", { customerId: id }],
    queryFn: () => api.conversations({ customerId: id }),
    enabled: detail.isSuccess && detail.data.conversations === null,
  });

  return (
    <>
      <a {...linkProps("customers")} className="mb-3 inline-block text-sm text-muted hover:text-ink">
        ← All customers
      </a>
      <QueryState query={detail}>
        {(d) => {
          const c = d.customer;
          const orderList = d.orders ?? orders.data ?? [];
          const convList = d.conversations ?? conversations.data ?? [];
          return (
            <>
              <PageHeader
                title={c.displayName ?? c.telegramUsername ?? `Guest ${c.id.slice(0, 6)}`}
                description={`First seen ${formatDateTime(c.firstVisit)} · ${c.totalVisits ?? 0} visits · ${c.totalMessages ?? 0} messages`}
              />
              <div className="grid gap-6 lg:grid-cols-[20rem_1fr]">
                <Card title="Profile">
                  <dl className="space-y-3 text-sm">
                    <Item label="Phone" value={c.phone} />
                    <Item
                      label="Telegram"
                      value={
                        c.telegramUsername
                          ? `@${c.telegramUsername}`
                          : c.telegramUserId
                            ? String(c.telegramUserId)
                            : null
                      }
                    />
                    <Item
                      label="Orders"
                      value={`${c.totalOrders ?? 0} · ${formatMoney(c.totalSpent ?? 0)}`}
                    />
                    <Item
                      label="Profile completeness"
                      value={
                        c.completenessScore !== null && c.completenessScore !== undefined
                          ? `${Math.round(c.completenessScore * (c.completenessScore <= 1 ? 100 : 1))}%`
                          : null
                      }
                    />
                    <Item label="Tags" value={c.tags.length ? c.tags.join(", ") : null} />
                    <Item label="Notes" value={c.notes} />
                    {c.preferences && Object.keys(c.preferences).length > 0 ? (
                      <div>
                        <dt className="text-xs font-medium tracking-wide text-muted uppercase">
                          Preferences
                        </dt>
                        <dd className="mt-1 space-y-0.5">
                          {Object.entries(c.preferences).map(([k, v]) => (
                            <p key={k} className="text-stone-700">
                              <span className="text-muted">{k}:</span>{" "}
                              {Array.isArray(v) ? v.join(", ") : String(v)}
                            </p>
                          ))}
                        </dd>
                      </div>
                    ) : null}
                  </dl>
                </Card>
                <div className="space-y-6">
                  <MemoryFacts customerId={id} initial={d.facts} />
                  <Card title="Orders" className="overflow-hidden [&>div]:p-0">
                    {orderList.length === 0 ? (
                      <EmptyState
                        title={orders.isPending && d.orders === null ? "Loading…" : "No orders yet"}
                      />
                    ) : (
                      <ul className="divide-y divide-line">
                        {orderList.map((o) => (
                          <li key={o.id} className="flex items-center justify-between px-5 py-3 text-sm">
                            <a
                              {...linkProps(`orders/${o.id}`)}
                              className="font-mono font-semibold hover:text-accent-700"
                            >
                              {o.orderNumber}
                            </a>
                            <span className="text-muted">{formatDateTime(o.createdAt)}</span>
                            <span className="tabular-nums">{formatMoney(o.totalAmount, o.currency)}</span>
                            <Badge tone={o.status}>{o.status}</Badge>
                          </li>
                        ))}
                      </ul>
                    )}
                  </Card>
                  <Card title="Conversations" className="overflow-hidden [&>div]:p-0">
                    {convList.length === 0 ? (
                      <EmptyState
                        title={
                          conversations.isPending && d.conversations === null
                            ? "Loading…"
                            : "No conversations"
                        }
                      />
                    ) : (
                      <ul className="divide-y divide-line">
                        {convList.map((cv) => (
                          <li key={cv.id}>
                            <a
                              {...linkProps(`conversations/${cv.id}`)}
                              className="flex items-center justify-between gap-3 px-5 py-3 text-sm hover:bg-stone-50"
                            >
                              <span className="truncate">
                                {cv.summary ?? `${cv.messageCount ?? 0} messages`}
                              </span>
                              <span className="shrink-0 text-xs text-muted">
                                {cv.channel} · {formatRelative(cv.lastMessageAt ?? cv.startedAt)}
                              </span>
                            </a>
                          </li>
                        ))}
                      </ul>
                    )}
                  </Card>
                </div>
              </div>
            </>
          );
        }}
      </QueryState>
    </>
  );
}

function MemoryFacts({ customerId, initial }: { customerId: string; initial: MemoryFact[] | null }) {
  const queryClient = useQueryClient();
  const facts = useQuery({
    queryKey: ["facts", customerId],
    queryFn: () => api.customerFacts(customerId),
    initialData: initial ?? undefined,
  });
  const [editing, setEditing] = useState<{ id: string; content: string } | null>(null);
  const [deleting, setDeleting] = useState<MemoryFact | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ["facts", customerId] });
  const save = useMutation({
    mutationFn: (f: { id: string; content: string }) => api.updateFact(f.id, { content: f.content }),
    onSuccess: () => {
      setEditing(null);
      void invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.deleteFact(id),
    onSuccess: () => {
      setDeleting(null);
      void invalidate();
    },
  });

  return (
    <Card title="Memory" className="overflow-hidden [&>div]:p-0">
      <QueryState
        query={facts}
        isEmpty={(d) => d.length === 0}
        empty={
          <EmptyState
            title="Nothing remembered yet"
            hint="Facts appear as the assistant learns preferences and logistics."
          />
        }
      >
        {(list) => (
          <ul className="divide-y divide-line" data-testid="facts">
            {list.map((f) => (
              <li key={f.id} className="px-5 py-3">
                {editing?.id === f.id ? (
                  <form
                    className="flex gap-2"
                    onSubmit={(e) => {
                      e.preventDefault();
                      save.mutate(editing);
                    }}
                  >
                    <label htmlFor={`fact-${f.id}`} className="sr-only">
                      Fact
                    </label>
                    <input
                      id={`fact-${f.id}`}
                      value={editing.content}
                      onChange={(e) => setEditing({ ...editing, content: e.target.value })}
                      className={inputClass}
                    />
                    <Button
                      type="submit"
                      size="sm"
                      variant="primary"
                      disabled={save.isPending || !editing.content.trim()}
                    >
                      Save
                    </Button>
                    <Button size="sm" onClick={() => setEditing(null)}>
                      Cancel
                    </Button>
                  </form>
                ) : (
                  <div className="flex items-start justify-between gap-3">
                    <div>
                      <p
                        className={`text-sm ${f.isActive === false ? "text-stone-400 line-through" : "text-ink"}`}
                      >
                        {f.content}
                      </p>
                      <p className="mt-0.5 text-xs text-muted">
                        {[f.factType, f.category].filter(Boolean).join(" · ")}
                        {f.importance !== null && f.importance !== undefined
                          ? ` · importance ${f.importance.toFixed(2)}`
                          : ""}
                        {f.confidence !== null && f.confidence !== undefined
                          ? ` · confidence ${f.confidence.toFixed(2)}`
                          : ""}
                      </p>
                    </div>
                    <div className="flex shrink-0 gap-1">
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setEditing({ id: f.id, content: f.content })}
                        aria-label={`Edit: ${f.content}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-rose-700"
                        onClick={() => setDeleting(f)}
                        aria-label={`Delete: ${f.content}`}
                      >
                        Delete
                      </Button>
                    </div>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      {save.isError || remove.isError ? (
        <p className="px-5 pb-3 text-sm text-rose-700">{errorMessage(save.error ?? remove.error)}</p>
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this fact?"
        body={deleting ? `“${deleting.content}” will be forgotten by the assistant.` : null}
        confirmLabel="Delete"
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
      />
    </Card>
  );
}

function Item({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-muted uppercase">{label}</dt>
      <dd className="mt-0.5 text-ink">{value || "—"}</dd>
    </div>
  );
}
