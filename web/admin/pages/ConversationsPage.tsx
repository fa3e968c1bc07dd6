import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime, formatRelative } from "../../shared/format.js";
import { api } from "../context.js";
import { linkProps } from "../router.js";
import { Badge, Card, EmptyState, PageHeader, QueryState } from "../ui.js";

const CHANNELS = ["all", "web", "telegram"];

export function ConversationsPage({ selectedId }: { selectedId?: string }) {
  const [channel, setChannel] = useState("all");
  const list = useQuery({
    queryKey: ["conversations", { channel }],
    queryFn: () => api.conversations({ channel: channel === "all" ? undefined : channel }),
    refetchInterval: 10_000,
  });
  return (
    <>
      <PageHeader
        title="Conversations"
        description="What customers and the assistant said, on the web and in Telegram."
        actions={
          <fieldset className="min-w-0 flex rounded-lg bg-white p-0.5 ring-1 ring-line" aria-label="Channel">
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
        }
      />
      <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
        <Card className="overflow-hidden [&>div]:p-0">
          <QueryState
            query={list}
            isEmpty={(d) => d.length === 0}
            empty={<EmptyState title="No conversations yet" />}
          >
            {(items) => (
              <ul className="max-h-[70vh] divide-y divide-line overflow-y-auto">
                {items.map((c) => (
                  <li key={c.id}>
                    <a
                      {...linkProps(`conversations/${c.id}`)}
                      aria-current={c.id === selectedId ? "true" : undefined}
                      className={`block px-4 py-3 hover:bg-stone-50 ${c.id === selectedId ? "bg-accent-50/70" : ""}`}
                    >
                      <div className="flex items-center justify-between gap-2">
                        <span className="truncate text-sm font-medium">
                          {c.customerName ?? `Customer ${c.userProfileId?.slice(0, 6) ?? ""}`}
                        </span>
                        <span className="shrink-0 text-xs text-muted">
                          {formatRelative(c.lastMessageAt ?? c.startedAt)}
                        </span>
                      </div>
                      <p className="mt-0.5 truncate text-xs text-muted">
                        {c.channel} · {c.language} · {c.messageCount ?? 0} messages
                        {c.resultedInOrder ? " · ordered" : ""}
                      </p>
                      {c.summary ? (
                        <p className="mt-1 line-clamp-2 text-xs text-stone-600">{c.summary}</p>
                      ) : null}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </QueryState>
        </Card>
        {selectedId ? (
          <Transcript id={selectedId} />
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
  const conv = useQuery({
    queryKey: ["conversation", id],
    queryFn: () => api.conversation(id),
    refetchInterval: 5_000,
  });
  return (
    <Card title="Transcript">
      <QueryState query={conv}>
        {(c) => (
          <>
            <div className="mb-4 flex flex-wrap items-center gap-2 text-xs text-muted">
              <Badge>{c.channel ?? "web"}</Badge>
              <Badge>{c.language ?? "en"}</Badge>
              <span>Started {formatDateTime(c.startedAt)}</span>
              {c.userProfileId ? (
                <a {...linkProps(`customers/${c.userProfileId}`)} className="text-accent-700 underline">
                  Customer profile
                </a>
              ) : null}
            </div>
            {c.messages.length === 0 ? (
              <EmptyState title="No messages" />
            ) : (
              <ol className="space-y-3">
                {c.messages.map((m, i) => (
                  <li
                    key={m.id ?? i}
                    className={`flex ${m.role === "user" ? "justify-start" : "justify-end"}`}
                  >
                    <div
                      className={`max-w-[80%] rounded-2xl px-3.5 py-2 text-sm whitespace-pre-wrap ${
                        m.role === "user"
                          ? "bg-stone-100 text-ink"
                          : m.role === "staff"
                            ? "bg-amber-50 text-amber-900 ring-1 ring-amber-200"
                            : "bg-accent-700 text-white"
                      }`}
                    >
                      <p className="mb-0.5 text-[11px] opacity-70 capitalize">
                        {m.role} · {formatDateTime(m.createdAt)}
                      </p>
                      {m.content}
                    </div>
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </QueryState>
    </Card>
  );
}
