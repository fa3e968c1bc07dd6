import { type FormEvent, useEffect, useRef, useState } from "react";
import { MicIcon, SendIcon } from "../shared/icons.js";
import { useStrings, useWidget } from "./context.js";
import { LANGUAGES } from "./i18n.js";
import { ProductCard } from "./ProductCard.js";
import { RichText } from "./RichText.js";
import { useSpeech } from "./speech.js";
import { trackProduct } from "./tracking.js";

const STAFF_POLL_MS = 5_000;

export function ChatView({ inputRef }: { inputRef: React.RefObject<HTMLTextAreaElement | null> }) {
  const t = useStrings();
  const { api, useStore } = useWidget();
  const messages = useStore((s) => s.messages);
  const busy = useStore((s) => s.busy);
  const language = useStore((s) => s.language);
  const send = useStore((s) => s.send);
  const pollStaff = useStore((s) => s.pollStaff);
  const conversationId = useStore((s) => s.conversationId);
  const [draft, setDraft] = useState("");
  const listRef = useRef<HTMLDivElement>(null);
  const speechLang = LANGUAGES.find((l) => l.code === language)?.speech ?? "en-US";
  const speech = useSpeech(speechLang, (text) => {
    void api.trackEvent("voice_input", { language, length: text.length });
    void send(api, text);
  });

  // While the chat is open, staff replies (a takeover from the dashboard) arrive by polling.
  useEffect(() => {
    if (!conversationId) return;
    void pollStaff(api);
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void pollStaff(api);
    }, STAFF_POLL_MS);
    return () => clearInterval(timer);
  }, [api, conversationId, pollStaff]);

  // product_view: once per card of each reply, when the chat shows it (markCardsSeen lets only
  // one pass send them, so re-renders, a remount or a reload never count the same cards again).
  useEffect(() => {
    const { conversationId, markCardsSeen } = useStore.getState();
    const where = { source: "agent_recommendation", conversationId } as const;
    for (const m of messages) {
      if (!m.cardsUnseen || !m.cards || !markCardsSeen(m.id)) continue;
      m.cards.forEach((p, i) => {
        trackProduct(api, "product_view", p, where, { position: i + 1 });
      });
    }
  }, [api, messages, useStore]);

  const lastContent = messages.at(-1)?.content;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the newest message grows
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length, lastContent]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!draft.trim() || busy) return;
    void send(api, draft);
    setDraft("");
    inputRef.current?.focus();
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div
        ref={listRef}
        role="log"
        aria-live="polite"
        aria-label={t.chat}
        className="min-h-0 flex-1 space-y-3 overflow-y-auto overscroll-contain px-4 py-4"
        data-testid="messages"
      >
        <Bubble from="assistant">
          <RichText text={t.greeting} />
        </Bubble>
        {messages.length === 0 ? (
          <div className="flex flex-wrap gap-2 pt-1">
            {t.suggestions.map((s) => (
              <button
                key={s}
                type="button"
                onClick={() => void send(api, s)}
                className="rounded-full border border-accent-200 bg-white px-3 py-1.5 text-[13px] text-accent-800 transition-colors hover:bg-accent-50 focus-visible:outline-2 focus-visible:outline-accent-600"
              >
                {s}
              </button>
            ))}
          </div>
        ) : null}
        {messages.map((m) => (
          <div key={m.id} className="space-y-2" data-role={m.role}>
            {m.role === "staff" ? (
              <p className="px-1 text-[11px] text-amber-800" aria-hidden="true">
                {t.staff}
              </p>
            ) : null}
            <Bubble from={m.role} error={m.error} busy={m.pending}>
              {m.pending && !m.content ? (
                <span className="inline-flex items-center gap-1 py-1">
                  <span className="sr-only">{t.thinking}</span>
                  <Dot delay="0ms" />
                  <Dot delay="150ms" />
                  <Dot delay="300ms" />
                </span>
              ) : (
                <RichText text={m.content} />
              )}
            </Bubble>
            {m.cards && m.cards.length > 0 ? (
              <div className="grid gap-2 pl-0">
                {m.cards.map((p) => (
                  <ProductCard key={p.id} product={p} source="agent_recommendation" />
                ))}
              </div>
            ) : null}
          </div>
        ))}
      </div>
      <form onSubmit={submit} className="border-t border-line bg-white px-3 pt-3 pb-2">
        <div className="flex items-end gap-2 rounded-2xl border border-line bg-canvas px-2 py-1.5 focus-within:border-accent-500 focus-within:ring-2 focus-within:ring-accent-100">
          <label htmlFor="sk-input" className="sr-only">
            {t.placeholder}
          </label>
          <textarea
            id="sk-input"
            ref={inputRef}
            rows={1}
            value={speech.listening ? speech.interim || draft : draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
            }}
            placeholder={speech.listening ? t.listening : t.typeHere}
            className="max-h-28 min-h-9 flex-1 resize-none bg-transparent px-1.5 py-2 text-[15px] leading-5 text-ink outline-none placeholder:text-stone-400"
          />
          {speech.supported ? (
            <button
              type="button"
              onClick={speech.listening ? speech.stop : speech.start}
              aria-pressed={speech.listening}
              aria-label={speech.listening ? t.voiceStop : t.voice}
              className={`grid size-9 shrink-0 place-items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-accent-600 ${
                speech.listening
                  ? "animate-pulse bg-rose-100 text-rose-700"
                  : "text-stone-500 hover:bg-white hover:text-ink"
              }`}
            >
              <MicIcon />
            </button>
          ) : null}
          <button
            type="submit"
            disabled={busy || !draft.trim()}
            aria-label={t.send}
            className="grid size-9 shrink-0 place-items-center rounded-full bg-accent-600 text-white transition-colors hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 disabled:bg-stone-300"
          >
            <SendIcon width={18} height={18} />
          </button>
        </div>
        <p className="mt-1.5 text-center text-[11px] text-stone-400">{t.poweredBy}</p>
      </form>
    </div>
  );
}

function Bubble({
  from,
  error,
  busy,
  children,
}: {
  from: "user" | "assistant" | "staff";
  error?: boolean;
  busy?: boolean;
  children: React.ReactNode;
}) {
  const mine = from === "user";
  return (
    <div className={`flex ${mine ? "justify-end" : "justify-start"}`}>
      <div
        aria-busy={busy || undefined}
        className={`max-w-[85%] rounded-2xl px-3.5 py-2.5 text-[14.5px] leading-[1.45] ${
          mine
            ? "rounded-br-md bg-accent-700 text-white"
            : error
              ? "rounded-bl-md bg-rose-50 text-rose-800 ring-1 ring-rose-200"
              : from === "staff"
                ? "rounded-bl-md bg-amber-50 text-amber-950 ring-1 ring-amber-200"
                : "rounded-bl-md bg-white text-ink ring-1 ring-line"
        }`}
      >
        <span className="sr-only">{mine ? "You: " : from === "staff" ? "Shop staff: " : "Assistant: "}</span>
        {children}
      </div>
    </div>
  );
}

function Dot({ delay }: { delay: string }) {
  return (
    <span className="size-1.5 animate-bounce rounded-full bg-stone-400" style={{ animationDelay: delay }} />
  );
}
