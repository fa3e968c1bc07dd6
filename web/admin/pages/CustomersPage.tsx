import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type CustomerPatch, errorMessage, FACT_TYPES, type FactType } from "../../shared/api.js";
import { formatDateTime, formatMoney, formatRelative, plural } from "../../shared/format.js";
import type { Customer, MemoryFact } from "../../shared/schemas.js";
import { api } from "../context.js";
import { linkProps, navigate } from "../router.js";
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  inputClass,
  PageHeader,
  QueryState,
  td,
  th,
} from "../ui.js";

const PAGE = 50;
const FACT_CATEGORIES = [
  "personal",
  "product",
  "effect",
  "experience",
  "budget",
  "delivery",
  "payment",
  "health",
  "style",
];

export function CustomersPage({ selectedId }: { selectedId?: string }) {
  if (selectedId) return <CustomerDetail id={selectedId} />;
  return <CustomerList />;
}

export function customerName(c: Pick<Customer, "id" | "displayName" | "telegramUsername">): string {
  return c.displayName ?? (c.telegramUsername ? `@${c.telegramUsername}` : `Guest ${c.id.slice(0, 6)}`);
}

function CustomerList() {
  const [q, setQ] = useState("");
  const [blocked, setBlocked] = useState<"all" | "blocked" | "active">("all");
  const [offset, setOffset] = useState(0);
  const filters = {
    q: q.trim() || undefined,
    blocked: blocked === "all" ? undefined : blocked === "blocked",
    limit: PAGE,
    offset,
  };
  const customers = useQuery({
    queryKey: ["customers", filters],
    queryFn: () => api.customers(filters),
    placeholderData: (prev) => prev,
  });
  const total = customers.data?.total ?? 0;
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
            {/* inputClass is w-full: the wrapper sets the width. */}
            <div className="w-72 max-w-full">
              <input
                id="customer-search"
                type="search"
                placeholder="Name, phone, @username, notes"
                value={q}
                onChange={(e) => {
                  setQ(e.target.value);
                  setOffset(0);
                }}
                className={inputClass}
              />
            </div>
            <label htmlFor="customer-blocked" className="sr-only">
              Show
            </label>
            <select
              id="customer-blocked"
              value={blocked}
              onChange={(e) => {
                setBlocked(e.target.value as typeof blocked);
                setOffset(0);
              }}
              className="rounded-lg border border-line bg-white px-3 py-2 text-sm"
            >
              <option value="all">Everyone</option>
              <option value="active">Not blocked</option>
              <option value="blocked">Blocked</option>
            </select>
          </>
        }
      />
      <Card className="overflow-hidden [&>div]:p-0">
        <QueryState
          query={customers}
          isEmpty={(d) => d.items.length === 0}
          empty={
            <EmptyState
              title={q || blocked !== "all" ? "No customer matches" : "No customers yet"}
              hint={q || blocked !== "all" ? undefined : "They appear after their first message."}
            />
          }
        >
          {({ items }) => (
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
                  {items.map((c) => (
                    <tr key={c.id} className="relative hover:bg-stone-50" data-customer={c.id}>
                      <td className={td}>
                        <a
                          {...linkProps(`customers/${c.id}`)}
                          className="font-medium after:absolute after:inset-0 hover:text-accent-700"
                        >
                          {customerName(c)}
                        </a>
                        {c.isBlocked ? (
                          <span className="ml-2">
                            <Badge tone="down">blocked</Badge>
                          </span>
                        ) : null}
                        {c.phone || c.tags.length > 0 ? (
                          <p className="mt-0.5 flex flex-wrap items-center gap-1 text-xs text-muted">
                            {c.phone ? <span className="mr-1">{c.phone}</span> : null}
                            {c.tags.map((t) => (
                              <span key={t} className="rounded bg-stone-100 px-1.5 py-0.5 text-stone-600">
                                {t}
                              </span>
                            ))}
                          </p>
                        ) : null}
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
      {total > PAGE ? (
        <div className="mt-3 flex items-center justify-between text-sm text-muted">
          <span>
            {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
          </span>
          <div className="flex gap-2">
            <Button size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Previous
            </Button>
            <Button size="sm" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              Next
            </Button>
          </div>
        </div>
      ) : null}
    </>
  );
}

function CustomerDetail({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ["customer", id], queryFn: () => api.customer(id) });
  const [blockOpen, setBlockOpen] = useState(false);
  const [blockReason, setBlockReason] = useState("");
  const [deleteOpen, setDeleteOpen] = useState(false);

  const refresh = (updated: Customer) => {
    queryClient.setQueryData(["customer", id], (old: typeof detail.data) =>
      old ? { ...old, customer: { ...old.customer, ...updated } } : old,
    );
    void queryClient.invalidateQueries({ queryKey: ["customer", id] });
    void queryClient.invalidateQueries({ queryKey: ["customer-context", id] });
    void queryClient.invalidateQueries({ queryKey: ["customers"] });
  };
  const update = useMutation({
    mutationFn: (patch: CustomerPatch) => api.updateCustomer(id, patch),
    onSuccess: (updated) => {
      refresh(updated);
      setBlockOpen(false);
      setBlockReason("");
    },
  });
  const remove = useMutation({
    mutationFn: () => api.deleteCustomer(id),
    onSuccess: () => {
      setDeleteOpen(false);
      queryClient.removeQueries({ queryKey: ["customer", id] });
      void queryClient.invalidateQueries({ queryKey: ["customers"] });
      navigate("/admin/customers");
    },
  });

  return (
    <>
      <a {...linkProps("customers")} className="mb-3 inline-block text-sm text-muted hover:text-ink">
        ← All customers
      </a>
      <QueryState query={detail}>
        {(d) => {
          const c = d.customer;
          const name = customerName(c);
          return (
            <>
              <PageHeader
                title={name}
                description={`First seen ${formatDateTime(c.firstVisit)} · ${plural(c.totalVisits ?? 0, "visit")} · ${plural(c.totalMessages ?? 0, "message")}`}
                actions={
                  <>
                    {c.isBlocked ? (
                      <Button onClick={() => update.mutate({ isBlocked: false })} disabled={update.isPending}>
                        Unblock
                      </Button>
                    ) : (
                      <Button
                        className="text-rose-700"
                        onClick={() => setBlockOpen(true)}
                        disabled={update.isPending}
                      >
                        Block
                      </Button>
                    )}
                    <Button variant="ghost" className="text-rose-700" onClick={() => setDeleteOpen(true)}>
                      Delete customer
                    </Button>
                  </>
                }
              />
              {c.isBlocked ? (
                <p
                  className="mb-4 rounded-xl bg-rose-50 px-4 py-3 text-sm text-rose-800 ring-1 ring-rose-200"
                  data-testid="blocked-banner"
                >
                  Blocked{c.blockedReason ? `: ${c.blockedReason}` : ""}. The assistant politely declines to
                  serve them or take orders, and no follow-ups are sent.
                </p>
              ) : null}
              {update.isError && !blockOpen ? (
                <div className="mb-4">
                  <ErrorState error={update.error} />
                </div>
              ) : null}
              <div className="grid gap-6 lg:grid-cols-[20rem_minmax(0,1fr)]">
                <div className="space-y-6">
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
                      <Item label="Conversations" value={String(c.totalConversations ?? 0)} />
                      <Item label="Last visit" value={formatDateTime(c.lastVisit)} />
                      <Item
                        label="Profile completeness"
                        value={
                          c.completenessScore !== null && c.completenessScore !== undefined
                            ? `${Math.round(c.completenessScore * (c.completenessScore <= 1 ? 100 : 1))}%`
                            : null
                        }
                      />
                      {d.missingFields.length > 0 ? (
                        <Item label="Not known yet" value={d.missingFields.map(humanize).join(", ")} />
                      ) : null}
                      {c.preferences && Object.keys(c.preferences).length > 0 ? (
                        <div>
                          <dt className="text-xs font-medium tracking-wide text-muted uppercase">
                            Preferences
                          </dt>
                          <dd className="mt-1 space-y-0.5">
                            {Object.entries(c.preferences).map(([k, v]) => (
                              <p key={k} className="break-words text-stone-700">
                                <span className="text-muted">{humanize(k)}:</span> {describe(v)}
                              </p>
                            ))}
                          </dd>
                        </div>
                      ) : null}
                    </dl>
                    <label className="mt-4 flex items-center gap-2 border-t border-line pt-3 text-sm text-stone-700">
                      <input
                        type="checkbox"
                        checked={!c.followupOptOut}
                        disabled={update.isPending}
                        onChange={(e) => update.mutate({ followupOptOut: !e.target.checked })}
                        className="size-4 accent-accent-600"
                      />
                      Send follow-up messages
                    </label>
                  </Card>
                  <TagsAndNotes key={c.id} customer={c} />
                  <AssistantView customerId={id} />
                </div>
                <div className="min-w-0 space-y-6">
                  <MemoryFacts customerId={id} initial={d.facts} summary={d.memorySummary} />
                  <CustomerOrders customerId={id} />
                  <CustomerConversations customerId={id} />
                  {d.followups.length > 0 ? (
                    <Card title="Follow-ups" className="overflow-hidden [&>div]:p-0">
                      <ul className="divide-y divide-line">
                        {d.followups.map((f) => (
                          <li
                            key={f.id}
                            className="flex items-center justify-between gap-3 px-5 py-3 text-sm"
                          >
                            {f.conversationId ? (
                              <a
                                {...linkProps(`conversations/${f.conversationId}`)}
                                className="truncate hover:text-accent-700"
                              >
                                Check-in after a conversation
                              </a>
                            ) : (
                              <span className="truncate">Check-in</span>
                            )}
                            <span className="shrink-0 text-xs text-muted">
                              {f.channel} · {f.status === "sent" ? "sent" : "due"}{" "}
                              {formatDateTime(f.sentAt ?? f.dueAt)}
                            </span>
                            <Badge tone={f.status === "sent" ? "up" : undefined}>
                              {f.status ?? "scheduled"}
                            </Badge>
                          </li>
                        ))}
                      </ul>
                    </Card>
                  ) : null}
                </div>
              </div>
              <ConfirmDialog
                open={blockOpen}
                title={`Block ${name}?`}
                body="The assistant will politely decline to serve them or take orders, and no follow-ups are sent. You can unblock them later."
                confirmLabel="Block"
                danger
                onCancel={() => setBlockOpen(false)}
                onConfirm={() =>
                  update.mutate({ isBlocked: true, blockedReason: blockReason.trim() || null })
                }
              >
                <label htmlFor="block-reason" className="mt-4 block text-sm font-medium text-stone-700">
                  Reason (optional)
                </label>
                <input
                  id="block-reason"
                  value={blockReason}
                  onChange={(e) => setBlockReason(e.target.value)}
                  className={`${inputClass} mt-1`}
                />
                {update.isError ? (
                  <p className="mt-2 text-sm text-rose-700">{errorMessage(update.error)}</p>
                ) : null}
              </ConfirmDialog>
              <ConfirmDialog
                open={deleteOpen}
                title={`Delete ${name}?`}
                body="Their profile, conversations and memory are deleted for good. Their orders stay in the books."
                confirmLabel="Delete customer"
                danger
                onCancel={() => setDeleteOpen(false)}
                onConfirm={() => remove.mutate()}
              >
                {remove.isError ? (
                  <p className="mt-2 text-sm text-rose-700">{errorMessage(remove.error)}</p>
                ) : null}
              </ConfirmDialog>
            </>
          );
        }}
      </QueryState>
    </>
  );
}

function TagsAndNotes({ customer }: { customer: Customer }) {
  const queryClient = useQueryClient();
  const [tags, setTags] = useState(customer.tags.join(", "));
  const [notes, setNotes] = useState(customer.notes ?? "");
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      api.updateCustomer(customer.id, {
        tags: [
          ...new Set(
            tags
              .split(",")
              .map((t) => t.trim())
              .filter(Boolean),
          ),
        ],
        notes: notes.trim() || null,
      }),
    onSuccess: () => {
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: ["customer", customer.id] });
      void queryClient.invalidateQueries({ queryKey: ["customers"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate();
  };
  return (
    <Card title="Tags and notes">
      <form onSubmit={submit} className="space-y-3">
        <div>
          <label htmlFor="customer-tags" className="text-xs font-medium tracking-wide text-muted uppercase">
            Tags
          </label>
          <input
            id="customer-tags"
            placeholder="vip, wholesale"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            className={`${inputClass} mt-1`}
          />
          <p className="mt-1 text-xs text-muted">Separate with commas.</p>
        </div>
        <div>
          <label htmlFor="customer-notes" className="text-xs font-medium tracking-wide text-muted uppercase">
            Staff notes
          </label>
          <textarea
            id="customer-notes"
            rows={3}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            className={`${inputClass} mt-1`}
          />
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit" size="sm" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save tags and notes"}
          </Button>
          {saved && !save.isPending ? (
            <span role="status" className="text-xs text-accent-700">
              Saved
            </span>
          ) : null}
        </div>
        {save.isError ? <p className="text-sm text-rose-700">{errorMessage(save.error)}</p> : null}
      </form>
    </Card>
  );
}

/** The paragraph the assistant reads about this customer before every reply. */
function AssistantView({ customerId }: { customerId: string }) {
  const context = useQuery({
    queryKey: ["customer-context", customerId],
    queryFn: () => api.customerContext(customerId),
  });
  return (
    <Card title="What the assistant knows">
      <QueryState query={context}>
        {(ctx) => (
          <div className="space-y-2 text-sm" data-testid="assistant-context">
            <p className="text-stone-700">{ctx.paragraph || "Nothing yet."}</p>
            {ctx.usualProduct ? (
              <p className="text-xs text-muted">
                Usual order: <span className="text-ink">{ctx.usualProduct}</span>
              </p>
            ) : null}
            {ctx.greeting ? (
              <p className="text-xs text-muted">
                Greeting: <span className="text-ink">“{ctx.greeting}”</span>
              </p>
            ) : null}
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function CustomerOrders({ customerId }: { customerId: string }) {
  const orders = useQuery({
    queryKey: ["customer-orders", customerId],
    queryFn: () => api.customerOrders(customerId),
  });
  return (
    <Card title="Orders" className="overflow-hidden [&>div]:p-0">
      <QueryState query={orders} isEmpty={(d) => d.length === 0} empty={<EmptyState title="No orders yet" />}>
        {(list) => (
          <ul className="divide-y divide-line" data-testid="customer-orders">
            {list.map((o) => (
              <li
                key={o.id}
                className="grid grid-cols-[1fr_auto_auto] items-center gap-4 px-5 py-3 text-sm sm:grid-cols-[8rem_1fr_auto_auto]"
              >
                <a {...linkProps(`orders/${o.id}`)} className="font-mono font-semibold hover:text-accent-700">
                  {o.orderNumber}
                </a>
                <span className="hidden text-muted sm:block">{formatDateTime(o.createdAt)}</span>
                <span className="tabular-nums">{formatMoney(o.totalAmount, o.currency)}</span>
                <Badge tone={o.status}>{o.status}</Badge>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

function CustomerConversations({ customerId }: { customerId: string }) {
  const conversations = useQuery({
    queryKey: ["customer-conversations", customerId],
    queryFn: () => api.customerConversations(customerId),
  });
  return (
    <Card title="Conversations" className="overflow-hidden [&>div]:p-0">
      <QueryState
        query={conversations}
        isEmpty={(d) => d.length === 0}
        empty={<EmptyState title="No conversations" />}
      >
        {(list) => (
          <ul className="divide-y divide-line" data-testid="customer-conversations">
            {list.map((cv) => (
              <li key={cv.id}>
                <a
                  {...linkProps(`conversations/${cv.id}`)}
                  className="flex items-center justify-between gap-3 px-5 py-3 text-sm hover:bg-stone-50"
                >
                  <span className="truncate">
                    {cv.summary ?? plural(cv.messageCount ?? 0, "message")}
                    {cv.resultedInOrder ? (
                      <span className="ml-2 text-xs text-accent-700">ordered</span>
                    ) : null}
                  </span>
                  <span className="shrink-0 text-xs text-muted">
                    {cv.channel} · {cv.endedAt ? "ended" : "open"} ·{" "}
                    {formatRelative(cv.lastMessageAt ?? cv.startedAt)}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

function MemoryFacts({
  customerId,
  initial,
  summary,
}: {
  customerId: string;
  initial: MemoryFact[] | null;
  summary: string | null;
}) {
  const queryClient = useQueryClient();
  const facts = useQuery({
    queryKey: ["facts", customerId],
    queryFn: () => api.customerFacts(customerId),
    initialData: initial ?? undefined,
  });
  const [editing, setEditing] = useState<{ id: string; content: string } | null>(null);
  const [deleting, setDeleting] = useState<MemoryFact | null>(null);
  const [forgetOpen, setForgetOpen] = useState(false);
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState<{ content: string; factType: FactType; category: string }>({
    content: "",
    factType: "preference",
    category: "personal",
  });
  const invalidate = () => {
    void queryClient.invalidateQueries({ queryKey: ["facts", customerId] });
    void queryClient.invalidateQueries({ queryKey: ["customer-context", customerId] });
  };
  const save = useMutation({
    mutationFn: (f: { id: string; patch: { content?: string; isActive?: boolean } }) =>
      api.updateFact(customerId, f.id, f.patch),
    onSuccess: () => {
      setEditing(null);
      invalidate();
    },
  });
  const add = useMutation({
    mutationFn: () => api.addFact(customerId, { ...draft, content: draft.content.trim() }),
    onSuccess: () => {
      setAdding(false);
      setDraft((d) => ({ ...d, content: "" }));
      invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (factId: string) => api.deleteFact(customerId, factId),
    onSuccess: () => {
      setDeleting(null);
      invalidate();
    },
  });
  const forget = useMutation({
    mutationFn: () => api.clearMemory(customerId),
    onSuccess: () => {
      setForgetOpen(false);
      invalidate();
      void queryClient.invalidateQueries({ queryKey: ["customer", customerId] });
    },
  });
  const error = save.error ?? remove.error ?? add.error ?? forget.error;

  return (
    <Card
      title="Memory"
      className="overflow-hidden [&>div]:p-0"
      actions={
        <div className="flex gap-1">
          <Button size="sm" onClick={() => setAdding((v) => !v)} aria-expanded={adding}>
            Add a fact
          </Button>
          {facts.data && facts.data.length > 0 ? (
            <Button size="sm" variant="ghost" className="text-rose-700" onClick={() => setForgetOpen(true)}>
              Forget everything
            </Button>
          ) : null}
        </div>
      }
    >
      {adding ? (
        <form
          className="grid gap-2 border-b border-line bg-stone-50/60 px-5 py-4 sm:grid-cols-[1fr_9rem_9rem_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.content.trim().length >= 2) add.mutate();
          }}
        >
          <label htmlFor="new-fact" className="sr-only">
            New fact
          </label>
          <input
            id="new-fact"
            placeholder="e.g. Prefers delivery after 6 pm"
            value={draft.content}
            onChange={(e) => setDraft({ ...draft, content: e.target.value })}
            className={inputClass}
          />
          <label htmlFor="new-fact-type" className="sr-only">
            Kind
          </label>
          <select
            id="new-fact-type"
            value={draft.factType}
            onChange={(e) => setDraft({ ...draft, factType: e.target.value as FactType })}
            className={`${inputClass} capitalize`}
          >
            {FACT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <label htmlFor="new-fact-category" className="sr-only">
            Category
          </label>
          <select
            id="new-fact-category"
            value={draft.category}
            onChange={(e) => setDraft({ ...draft, category: e.target.value })}
            className={`${inputClass} capitalize`}
          >
            {FACT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <Button type="submit" variant="primary" disabled={add.isPending || draft.content.trim().length < 2}>
            Save fact
          </Button>
        </form>
      ) : null}
      {summary ? (
        <p className="border-b border-line px-5 py-3 text-sm text-stone-600">
          <span className="text-xs font-medium tracking-wide text-muted uppercase">Summary </span>
          {summary}
        </p>
      ) : null}
      <QueryState
        query={facts}
        isEmpty={(d) => d.length === 0}
        empty={
          <EmptyState
            title="Nothing remembered yet"
            hint="Facts appear as the assistant learns preferences and logistics, or add one."
          />
        }
      >
        {(list) => (
          <ul className="divide-y divide-line" data-testid="facts">
            {list.map((f) => (
              <li key={f.id} className="px-5 py-3" data-fact={f.id}>
                {editing?.id === f.id ? (
                  <form
                    className="flex gap-2"
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (editing.content.trim().length >= 2)
                        save.mutate({ id: f.id, patch: { content: editing.content.trim() } });
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
                      disabled={save.isPending || editing.content.trim().length < 2}
                    >
                      Save
                    </Button>
                    <Button size="sm" onClick={() => setEditing(null)}>
                      Cancel
                    </Button>
                  </form>
                ) : (
                  <div className="flex items-start justify-between gap-3">
                    <div className="min-w-0">
                      <p
                        className={`text-sm break-words ${f.isActive === false ? "text-stone-400 line-through" : "text-ink"}`}
                      >
                        {f.content}
                      </p>
                      <p className="mt-0.5 text-xs text-muted">
                        {[f.factType, f.category, f.source === "staff" ? "added by staff" : null]
                          .filter(Boolean)
                          .join(" · ")}
                        {f.importance !== null && f.importance !== undefined
                          ? ` · importance ${f.importance.toFixed(2)}`
                          : ""}
                        {f.isActive === false ? " · muted" : ""}
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
                        disabled={save.isPending}
                        onClick={() => save.mutate({ id: f.id, patch: { isActive: f.isActive === false } })}
                        aria-label={`${f.isActive === false ? "Restore" : "Mute"}: ${f.content}`}
                        title={
                          f.isActive === false
                            ? "The assistant uses this fact again"
                            : "The assistant stops using this fact"
                        }
                      >
                        {f.isActive === false ? "Restore" : "Mute"}
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
      {error ? <p className="px-5 pb-3 text-sm text-rose-700">{errorMessage(error)}</p> : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this fact?"
        body={deleting ? `“${deleting.content}” will be forgotten by the assistant.` : null}
        confirmLabel="Delete"
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
      />
      <ConfirmDialog
        open={forgetOpen}
        title="Forget everything about this customer?"
        body="Every remembered fact and summary is deleted. Their profile, orders and conversations stay."
        confirmLabel="Forget everything"
        danger
        onCancel={() => setForgetOpen(false)}
        onConfirm={() => forget.mutate()}
      />
    </Card>
  );
}

function humanize(key: string): string {
  const s = key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return v.map(describe).join(", ");
  if (v && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function Item({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-muted uppercase">{label}</dt>
      <dd className="mt-0.5 break-words text-ink">{value || "—"}</dd>
    </div>
  );
}
