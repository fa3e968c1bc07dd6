import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { ConversationFilters } from "../../shared/api.js";
import { formatDateTime, formatRelative, formatUsd, plural } from "../../shared/format.js";
import { type Conversation, isTakenOver } from "../../shared/schemas.js";
import { api } from "../context.js";
import { linkProps } from "../router.js";
import { Badge, Button, Card, EmptyState, ErrorState, inputClass, PageHeader, QueryState } from "../ui.js";

const CHANNELS = ["all", "web", "telegram"] as const;
const STATUSES = ["all", "open", "ended"] as const;

function conversationTitle(c: Conversation): string {
  return (
    c.customerName ??
    (c.telegramUsername ? `@${c.telegramUsername}` : `Guest ${c.userProfileId?.slice(0, 6) ?? ""}`)
  );
}

export function ConversationsPage({ selectedId }: { selectedId?: string }) {
  const [channel, setChannel] = useState<(typeof CHANNELS)[number]>("all");
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("all");
  const filters: ConversationFilters = {
    channel: channel === "all" ? undefined : channel,
    status: status === "all" ? undefined : status,
    limit: 100,
  };
  const list = useQuery({
    queryKey: ["conversations", filters],
    queryFn: () => api.conversations(filters),
    refetchInterval: 10_000,
  });
  return (
    <>
      <PageHeader
        title="Conversations"
        description="What customers, the assistant and staff said, on the web and in Telegram. Take over to answer yourself."
        actions={
          <>
            <fieldset
              className="flex min-w-0 rounded-lg bg-white p-0.5 ring-1 ring-line"
              aria-label="Channel"
            >
              {CHANNELS.map((c) => (
                <button
                  key={c}
                  type="button"
                  aria-pressed={channel === c}
                  onClick={() => setChannel(c)}
                  className={`rounded-md px-3 py-1.5 text-sm capitalize ${channel === c ? "bg-ink text-white" : "text-stone-600 hover:text-ink"}`}
                >
                  {c}
                </button>
              ))}
            </fieldset>
            <label htmlFor="conversation-status" className="sr-only">
              Status
            </label>
            <select
              id="conversation-status"
              value={status}
              onChange={(e) => setStatus(e.target.value as (typeof STATUSES)[number])}
              className="rounded-lg border border-line bg-white px-3 py-2 text-sm"
            >
              <option value="all">Open and ended</option>
              <option value="open">Open</option>
              <option value="ended">Ended</option>
            </select>
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <Card className="self-start overflow-hidden [&>div]:p-0">
          <QueryState
            query={list}
            isEmpty={(d) => d.items.length === 0}
            empty={<EmptyState title="No conversations yet" />}
          >
            {({ items, total }) => (
              <>
                <ul
                  className="max-h-[70vh] divide-y divide-line overflow-y-auto"
                  data-testid="conversation-list"
                >
                  {items.map((c) => (
                    <li key={c.id}>
                      <a
                        {...linkProps(`conversations/${c.id}`)}
                        aria-current={c.id === selectedId ? "true" : undefined}
                        className={`block px-4 py-3 hover:bg-stone-50 ${c.id === selectedId ? "bg-accent-50/70" : ""}`}
                      >
                        <div className="flex items-center justify-between gap-2">
                          <span className="truncate text-sm font-medium">{conversationTitle(c)}</span>
                          <span className="shrink-0 text-xs text-muted">
                            {formatRelative(c.lastMessageAt ?? c.startedAt)}
                          </span>
                        </div>
                        <p className="mt-0.5 flex flex-wrap items-center gap-x-1 text-xs text-muted">
                          <span>
                            {c.channel} · {c.language} · {plural(c.messageCount ?? 0, "message")}
                            {c.resultedInOrder ? " · ordered" : ""}
                            {c.endedAt ? " · ended" : ""}
                          </span>
                          {isTakenOver(c) ? (
                            <span className="font-medium text-amber-700">· staff</span>
                          ) : null}
                        </p>
                        {c.summary ? (
                          <p className="mt-1 line-clamp-2 text-xs text-stone-600">{c.summary}</p>
                        ) : null}
                      </a>
                    </li>
                  ))}
                </ul>
                {total > items.length ? (
                  <p className="border-t border-line px-4 py-2 text-xs text-muted">
                    Latest {items.length} of {total}
                  </p>
                ) : null}
              </>
            )}
          </QueryState>
        </Card>
        {selectedId ? (
          <Transcript key={selectedId} id={selectedId} />
        ) : (
          <Card>
            <EmptyState title="Pick a conversation" hint="Its messages show here." />
          </Card>
        )}
      </div>
    </>
  );
}

function Transcript({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const conv = useQuery({
    queryKey: ["conversation", id],
    queryFn: () => api.conversation(id),
    refetchInterval: 5_000,
  });
  const cost = useQuery({
    queryKey: ["traces", { conversationId: id }],
    queryFn: () => api.traces({ conversationId: id, limit: 200 }),
    refetchInterval: 15_000,
  });
  const [text, setText] = useState("");
  const endRef = useRef<HTMLLIElement>(null);
  const count = conv.data?.messages.length ?? 0;
  useEffect(() => {
    if (count > 0) endRef.current?.scrollIntoView({ block: "nearest" });
  }, [count]);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["conversation", id] });
    void queryClient.invalidateQueries({ queryKey: ["conversations"] });
  };
  const takeOver = useMutation({ mutationFn: () => api.takeOver(id), onSuccess: refresh });
  const release = useMutation({ mutationFn: () => api.release(id), onSuccess: refresh });
  const send = useMutation({
    mutationFn: (message: string) => api.sendStaffMessage(id, message),
    onSuccess: () => {
      setText("");
      refresh();
    },
  });
  const actionError = takeOver.error ?? release.error ?? send.error;

  return (
    <Card title="Transcript" className="min-w-0">
      <QueryState query={conv}>
        {(c) => {
          const held = isTakenOver(c);
          const traces = cost.data?.traces ?? [];
          const spent = traces.reduce((n, t) => n + Number(t.cost ?? 0), 0);
          return (
            <>
              <div className="mb-4 flex flex-wrap items-center gap-2 text-xs text-muted">
                <Badge>{c.channel ?? "web"}</Badge>
                <Badge>{(c.language ?? "en").toUpperCase()}</Badge>
                <span>Started {formatDateTime(c.startedAt)}</span>
                {c.endedAt ? <span>· ended {formatDateTime(c.endedAt)}</span> : null}
                {c.userProfileId ? (
                  <a {...linkProps(`customers/${c.userProfileId}`)} className="text-accent-700 underline">
                    Customer profile
                  </a>
                ) : null}
                {cost.data ? (
                  <a
                    {...linkProps(`traces?conversationId=${c.id}`)}
                    className="text-accent-700 underline"
                    data-testid="conversation-cost"
                  >
                    {plural(cost.data.total, "model call")} · {formatUsd(spent)}
                  </a>
                ) : null}
              </div>
              <div
                className={`mb-4 flex flex-wrap items-center justify-between gap-3 rounded-xl px-4 py-3 text-sm ring-1 ${
                  held ? "bg-amber-50 text-amber-900 ring-amber-200" : "bg-stone-50 text-stone-700 ring-line"
                }`}
                data-testid="takeover-state"
              >
                <span>
                  {held
                    ? `Staff are answering; the assistant stays silent until ${formatDateTime(c.takeoverUntil)} or release.`
                    : "The assistant is answering."}
                </span>
                {held ? (
                  <Button size="sm" onClick={() => release.mutate()} disabled={release.isPending}>
                    Hand back to the assistant
                  </Button>
                ) : (
                  <Button
                    size="sm"
                    variant="primary"
                    onClick={() => takeOver.mutate()}
                    disabled={takeOver.isPending}
                  >
                    Take over
                  </Button>
                )}
              </div>
              {c.messages.length === 0 ? (
                <EmptyState title="No messages" />
              ) : (
                <ol className="max-h-[60vh] space-y-3 overflow-y-auto pr-1" data-testid="transcript">
                  {c.messages.map((m, i) => (
                    <li
                      key={m.id ?? i}
                      data-role={m.role}
                      className={`flex ${m.role === "user" ? "justify-start" : "justify-end"}`}
                    >
                      <div
                        className={`max-w-[80%] rounded-2xl px-3.5 py-2 text-sm break-words whitespace-pre-wrap ${
                          m.role === "user"
                            ? "bg-stone-100 text-ink"
                            : m.role === "staff"
                              ? "bg-amber-50 text-amber-900 ring-1 ring-amber-200"
                              : "bg-accent-700 text-white"
                        }`}
                      >
                        <p className="mb-0.5 text-[11px] opacity-70">
                          <span className="capitalize">{m.role}</span>
                          {m.role === "staff" && m.staffUsername ? ` (${m.staffUsername})` : ""} ·{" "}
                          {formatDateTime(m.createdAt)}
                        </p>
                        {m.content}
                      </div>
                    </li>
                  ))}
                  <li ref={endRef} aria-hidden="true" />
                </ol>
              )}
              <form
                className="mt-4 flex gap-2 border-t border-line pt-4"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (text.trim()) send.mutate(text.trim());
                }}
              >
                <label htmlFor="staff-message" className="sr-only">
                  Message to the customer
                </label>
                <input
                  id="staff-message"
                  placeholder={
                    c.channel === "telegram"
                      ? "Write to the customer (sent by the bot)"
                      : "Write to the customer (shown in their chat)"
                  }
                  value={text}
                  maxLength={4000}
                  onChange={(e) => setText(e.target.value)}
                  className={inputClass}
                />
                <Button type="submit" variant="primary" disabled={send.isPending || !text.trim()}>
                  {send.isPending ? "Sending…" : "Send"}
                </Button>
              </form>
              {!held ? (
                <p className="mt-1.5 text-xs text-muted">Sending a message takes the conversation over.</p>
              ) : null}
              {actionError ? (
                <div className="mt-3">
                  <ErrorState error={actionError} />
                </div>
              ) : null}
            </>
          );
        }}
      </QueryState>
    </Card>
  );
}
