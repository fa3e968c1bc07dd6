/**
 * Outgoing-call throttle for the bot, installed as a grammY API transformer
 * (`bot.api.config.use(throttle.transformer)`; grammY copies it onto every update's `ctx.api`).
 *
 * Message-sending methods (THROTTLED_METHODS: send*, copy/forward, edits) wait for a slot:
 * - at most BOT_MESSAGES_PER_SECOND (10, the reference's limit; Telegram allows ~30) per bot
 *   process, over a sliding second;
 * - per chat: a private chat (positive chat_id) gets at most 1 message a second, a group or
 *   channel (negative id or "@name") at most 20 a minute (Telegram's documented limits);
 * - one call per chat at a time, in the order they were made (FIFO): a burst of replies to one
 *   chat is spaced out, never dropped or reordered. Across chats, ready calls go in arrival order.
 *
 * Not throttled: answerCallbackQuery (the answer to a button press shows no message in the chat,
 * must come within seconds, and Telegram does not count it as a message), sendChatAction (the
 * typing indicator), deleteMessage, and every non-sending method (getMe, getUpdates, setWebhook,
 * setMyCommands, ...).
 *
 * A 429 with retry_after pauses that chat for that long (further messages to it wait). Telegram
 * does not say which limit was hit, so the whole bot is paused when the 429 is for a call without
 * a chat (an inline message edit) or when a second chat is hit while another is still paused (the
 * bot-wide limit, then). Inside `withRetries` (the handling of an update, i.e. direct replies)
 * the call is retried once after the pause, transparently, if retry_after is at most
 * MAX_TRANSPARENT_RETRY_S; a second 429 is returned to the caller. Outside it (jobs: staff
 * alerts, status messages) the 429 is returned at once, after pausing, because those jobs wait
 * out retry_after durably without spending an attempt and record it.
 *
 * Process-local: with several instances each has its own budget (N instances may send N × the
 * limit together). No Redis.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Transformer } from "grammy";

/** Messages per second for the whole bot process (the reference: 10/s per bot). */
export const BOT_MESSAGES_PER_SECOND = 10;
/** Private chats: 1 message per this many ms. */
export const PRIVATE_CHAT_INTERVAL_MS = 1000;
/** Groups and channels: at most this many messages per minute. */
export const GROUP_MESSAGES_PER_MINUTE = 20;
/** A 429 asking to wait longer than this is not retried transparently (the caller gets it). */
export const MAX_TRANSPARENT_RETRY_S = 30;

export const THROTTLED_METHODS: ReadonlySet<string> = new Set([
  "sendMessage",
  "sendPhoto",
  "sendAudio",
  "sendDocument",
  "sendVideo",
  "sendAnimation",
  "sendVoice",
  "sendVideoNote",
  "sendPaidMedia",
  "sendMediaGroup",
  "sendLocation",
  "sendVenue",
  "sendContact",
  "sendPoll",
  "sendChecklist",
  "sendDice",
  "sendSticker",
  "sendInvoice",
  "sendGame",
  "copyMessage",
  "copyMessages",
  "forwardMessage",
  "forwardMessages",
  "editMessageText",
  "editMessageCaption",
  "editMessageMedia",
  "editMessageReplyMarkup",
  "editMessageLiveLocation",
  "stopMessageLiveLocation",
]);

/** Time source and timers; tests inject a manual one. */
export interface ThrottleClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export const systemClock: ThrottleClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
};

export interface ThrottleOptions {
  /** @default BOT_MESSAGES_PER_SECOND */
  perSecond?: number;
  /** @default PRIVATE_CHAT_INTERVAL_MS */
  privateIntervalMs?: number;
  /** @default GROUP_MESSAGES_PER_MINUTE */
  groupPerMinute?: number;
  /** @default MAX_TRANSPARENT_RETRY_S */
  maxRetryAfterS?: number;
  /** "replies": retry a 429 only inside withRetries(); "always": every throttled call. @default "replies" */
  retry?: "replies" | "always";
  clock?: ThrottleClock;
  /** Told about every 429 (scope and wait), e.g. to log it. */
  onPause?: (info: { chat?: string; global: boolean; ms: number; method: string }) => void;
}

interface Waiter {
  seq: number;
  chat?: string;
  /** A retry: the chat is already held by this call. */
  holding: boolean;
  resolve: () => void;
}

interface ChatState {
  limit: number;
  windowMs: number;
  sends: number[];
  pausedUntil: number;
  busy: boolean;
  queue: Waiter[];
}

/** The chat a call is addressed to: "123" / "-100…" / "@name", or undefined (inline messages). */
export function chatOf(payload: unknown): string | undefined {
  const id = (payload as { chat_id?: unknown } | undefined)?.chat_id;
  return typeof id === "number" || (typeof id === "string" && id !== "") ? String(id) : undefined;
}

function isPrivate(chat: string): boolean {
  return /^\d+$/.test(chat);
}

export class OutgoingThrottle {
  readonly perSecond: number;
  private readonly privateIntervalMs: number;
  private readonly groupPerMinute: number;
  private readonly maxRetryAfterS: number;
  private readonly retryMode: "replies" | "always";
  private readonly clock: ThrottleClock;
  private readonly onPause?: ThrottleOptions["onPause"];
  private readonly scope = new AsyncLocalStorage<true>();
  private readonly chats = new Map<string, ChatState>();
  private waiting: Waiter[] = [];
  private sends: number[] = [];
  private globalPausedUntil = 0;
  private seq = 0;
  private timer?: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private lastSweep = 0;

  constructor(opts: ThrottleOptions = {}) {
    this.perSecond = opts.perSecond ?? BOT_MESSAGES_PER_SECOND;
    this.privateIntervalMs = opts.privateIntervalMs ?? PRIVATE_CHAT_INTERVAL_MS;
    this.groupPerMinute = opts.groupPerMinute ?? GROUP_MESSAGES_PER_MINUTE;
    this.maxRetryAfterS = opts.maxRetryAfterS ?? MAX_TRANSPARENT_RETRY_S;
    this.retryMode = opts.retry ?? "replies";
    this.clock = opts.clock ?? systemClock;
    this.onPause = opts.onPause;
  }

  /** Runs `fn` with transparent 429 retries for the throttled calls it makes (direct replies). */
  withRetries<T>(fn: () => Promise<T>): Promise<T> {
    return this.scope.run(true, fn);
  }

  /** Calls waiting for a slot (for tests and metrics). */
  get pending(): number {
    return this.waiting.length;
  }

  /** The grammY API transformer. */
  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    if (!THROTTLED_METHODS.has(method)) return prev(method, payload, signal);
    const chat = chatOf(payload);
    const retry = this.retryMode === "always" || this.scope.getStore() === true;
    await this.acquire(chat, false);
    try {
      const res = await prev(method, payload, signal);
      if (res.ok || res.error_code !== 429) return res;
      const seconds = Math.max(0, res.parameters?.retry_after ?? 1);
      this.pause(chat, seconds * 1000, method);
      if (!retry || seconds > this.maxRetryAfterS || signal?.aborted) return res;
      await this.acquire(chat, true);
      const again = await prev(method, payload, signal);
      if (!again.ok && again.error_code === 429) {
        this.pause(chat, Math.max(0, again.parameters?.retry_after ?? 1) * 1000, method);
      }
      return again;
    } finally {
      this.release(chat);
    }
  };

  private state(chat: string): ChatState {
    let s = this.chats.get(chat);
    if (!s) {
      s = isPrivate(chat)
        ? { limit: 1, windowMs: this.privateIntervalMs, sends: [], pausedUntil: 0, busy: false, queue: [] }
        : { limit: this.groupPerMinute, windowMs: 60_000, sends: [], pausedUntil: 0, busy: false, queue: [] };
      this.chats.set(chat, s);
    }
    return s;
  }

  /** Waits for a slot. `holding`: a retry of a call that already holds its chat. */
  acquire(chat: string | undefined, holding: boolean): Promise<void> {
    return new Promise((resolve) => {
      const w: Waiter = { seq: this.seq++, chat, holding, resolve };
      // A retry goes before everything else waiting (it was first).
      if (holding) this.waiting.unshift(w);
      else this.waiting.push(w);
      if (chat !== undefined && !holding) this.state(chat).queue.push(w);
      this.pump();
    });
  }

  /** The call holding `chat` is done: the next one to that chat may go (after its interval). */
  release(chat: string | undefined): void {
    if (chat === undefined) return;
    const s = this.chats.get(chat);
    if (s) s.busy = false;
    this.pump();
  }

  /** Pauses a chat (or the whole bot) for `ms`. */
  pause(chat: string | undefined, ms: number, method = "?"): void {
    const now = this.clock.now();
    const until = now + ms;
    let global = chat === undefined;
    if (chat !== undefined) {
      // Another chat still paused too: the bot-wide limit, most likely.
      for (const [id, s] of this.chats) if (id !== chat && s.pausedUntil > now) global = true;
      const s = this.state(chat);
      s.pausedUntil = Math.max(s.pausedUntil, until);
    }
    if (global) this.globalPausedUntil = Math.max(this.globalPausedUntil, until);
    this.onPause?.({ chat, global, ms, method });
    this.pump();
  }

  /** When `w` may go (≤ now: now), or +Infinity if it waits for its chat to be released. */
  private readyAt(w: Waiter, now: number): number {
    let at = this.globalPausedUntil;
    this.sends = trim(this.sends, now - 1000);
    if (this.sends.length >= this.perSecond)
      at = Math.max(at, this.sends[this.sends.length - this.perSecond]! + 1000);
    if (w.chat === undefined) return at;
    const s = this.state(w.chat);
    at = Math.max(at, s.pausedUntil);
    if (w.holding) return at;
    if (s.busy || s.queue[0] !== w) return Number.POSITIVE_INFINITY;
    s.sends = trim(s.sends, now - s.windowMs);
    if (s.sends.length >= s.limit) at = Math.max(at, s.sends[s.sends.length - s.limit]! + s.windowMs);
    return at;
  }

  private grant(w: Waiter, now: number): void {
    this.waiting.splice(this.waiting.indexOf(w), 1);
    this.sends.push(now);
    if (w.chat !== undefined) {
      const s = this.state(w.chat);
      s.sends.push(now);
      if (!w.holding) {
        s.queue.shift();
        s.busy = true;
      }
    }
    w.resolve();
  }

  private pump(): void {
    const now = this.clock.now();
    let wake = Number.POSITIVE_INFINITY;
    for (const w of [...this.waiting]) {
      const at = this.readyAt(w, now);
      if (at <= now) this.grant(w, now);
      else wake = Math.min(wake, at);
    }
    this.sweep(now);
    if (wake === Number.POSITIVE_INFINITY || wake >= this.timerAt) {
      if (wake === Number.POSITIVE_INFINITY && this.timer !== undefined) {
        this.clock.clearTimer(this.timer);
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
      }
      return;
    }
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timerAt = wake;
    this.timer = this.clock.setTimer(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(1, wake - now),
    );
  }

  /** Forgets idle chats (at most once a second). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [id, s] of this.chats) {
      if (
        !s.busy &&
        s.queue.length === 0 &&
        s.pausedUntil <= now &&
        trim(s.sends, now - s.windowMs).length === 0
      )
        this.chats.delete(id);
    }
  }
}

function trim(times: number[], after: number): number[] {
  let i = 0;
  while (i < times.length && times[i]! <= after) i++;
  return i === 0 ? times : times.slice(i);
}

export function createThrottle(opts?: ThrottleOptions): OutgoingThrottle {
  return new OutgoingThrottle(opts);
}
