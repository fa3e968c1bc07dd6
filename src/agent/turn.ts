/**
 * One turn of the assistant, in the order of SPEC §4: profile (given by the caller, from the
 * cookie or the Telegram update) → conversation → save the user message → profile stats → event
 * → catalog + customer context → prompt → model with tools → product cards → save the reply and
 * the agent state → staff notifications → result. One turn at a time per conversation, across
 * instances (a lock); a conversation taken over by staff gets its message saved and no reply.
 */
import type { ModelMessage } from "ai";
import { CacheKeys } from "../cache/keys.js";
import { withLock } from "../cache/lock.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { listCatalog } from "../services/catalog/index.js";
import {
  type Channel,
  type Conversation,
  getOrCreateConversation,
  getRecentMessages,
  HISTORY_LIMIT,
} from "../services/conversations.js";
import { getFullContext } from "../services/customer-context.js";
import type { TrackEventInput } from "../services/events.js";
import { MEMORY_EXTRACT_JOB } from "../services/memory/learn.js";
import type { NotificationRecord } from "../services/notifications.js";
import { type Profile, VISIT_GAP_MS } from "../services/profiles.js";
import { getSettings, isOpenAt, type Language } from "../services/settings.js";
import { isTakenOver } from "../services/takeover.js";
import { detectIntents, generalTopic } from "./intent.js";
import { detectLanguage, isSupportedLanguage } from "./language.js";
import { type AgentModels, agentModelsFor } from "./models/index.js";
import { T } from "./offline/templates.js";
import {
  type FinishTurnInput,
  finishTurn,
  loadSession,
  type StartTurnResult,
  type StoredSession,
  startTurn,
} from "./persist.js";
import type { ProductCard } from "./products.js";
import { buildSystemPrompt, historyMessages } from "./prompt.js";
import { afterMatrixNotifications, matrixNotifications, productCardsFor, traceRows } from "./reply.js";
import { runModel, type StepRecord } from "./run-model.js";
import { SemanticCache, type SemanticKey } from "./semantic-cache.js";
import { type AgentState, selectProducts } from "./state.js";
import { buildTools, newEffects, type ToolContext } from "./tools/index.js";

export const MAX_MESSAGE_CHARS = 4000;

export interface TurnInput {
  channel: Channel;
  profile: Profile;
  text: string;
  /** The client's language hint; the message's own language wins when it is clear. */
  language?: string;
  conversationId?: string;
  /** Only in-stock products in searches and the prompt. */
  useStock?: boolean;
  /** Receives the reply as it is produced (SSE, Telegram draft edits, the terminal). */
  onText?: (chunk: string) => void;
  /** Models to use instead of the configured ones (the CLI and tests pass their own). */
  models?: AgentModels;
}

export interface TurnResult {
  content: string;
  conversationId: string;
  productCards: ProductCard[];
  suggestedProducts: string[];
  notificationSent: boolean;
  language: Language;
  orderNumber?: string;
  /** True when staff have taken the conversation over: the message is saved, nobody answers. */
  silent: boolean;
  timing: { total: number; processing: number };
}

export async function runTurn(deps: Deps, input: TurnInput): Promise<TurnResult> {
  const started = performance.now();
  const text = input.text.trim();
  if (text.length === 0) throw AppError.validation("message", "must not be empty");
  if (text.length > MAX_MESSAGE_CHARS)
    throw AppError.validation("message", `must be at most ${MAX_MESSAGE_CHARS} characters`);
  const settings = await getSettings(deps);
  const hint = isSupportedLanguage(input.language) ? input.language : undefined;
  const prefLang = (input.profile.preferences as { language?: string }).language;
  const guess = detectLanguage(text, hint ?? (isSupportedLanguage(prefLang) ? prefLang : "en"));
  const conversation = await getOrCreateConversation(deps, {
    profileId: input.profile.id,
    channel: input.channel,
    language: guess,
    conversationId: input.conversationId,
    timeoutMinutes: settings.conversationTimeoutMinutes,
  });
  // Short messages ("20", "ok") keep the conversation's language.
  const language = detectLanguage(
    text,
    hint ?? (isSupportedLanguage(conversation.language) ? conversation.language : guess),
  );
  const models = input.models ?? agentModelsFor(deps.config);
  // Work the turn started that the next turn does not wait for, awaited once the lock is released
  // (the semantic cache's store).
  const after: Array<Promise<unknown>> = [];
  // One turn at a time per conversation, on every instance: a second message waits for the first.
  // The lock's release is sent after the reply's shared-cache write on the same Redis connection
  // and neither reply is waited for: whoever takes the lock next (here, or on another instance
  // once Redis has released it) finds the new values in Redis; this process has them already.
  const result = await withLock(
    deps,
    CacheKeys.lock("conversation", conversation.id),
    { ttlMs: 30_000, waitMs: models.primary.timeoutMs + 15_000, releaseInBackground: true },
    () => lockedTurn(deps, { ...input, text }, conversation, language, models, started, after),
  );
  await Promise.all(after);
  return result;
}

async function lockedTurn(
  deps: Deps,
  input: TurnInput,
  conversation: Conversation,
  language: Language,
  models: AgentModels,
  started: number,
  after: Array<Promise<unknown>>,
): Promise<TurnResult> {
  const settings = await getSettings(deps);
  const history = await getRecentMessages(deps, conversation.id, HISTORY_LIMIT);
  const now = deps.clock.now();
  const { profile } = input;
  // A new visit renames the visit number in the context paragraph: drop it before it is read.
  if (Date.parse(profile.lastVisit) < now.getTime() - VISIT_GAP_MS)
    await deps.cache.delete(CacheKeys.fullContext(profile.id));
  // The customer's message is written while the turn goes on (the catalog, the context and the
  // model do not need it in the database). Nothing the turn causes gets ahead of it: tools that
  // write wait for it (ctx.saved), reply text is held back until it is saved, and the reply is
  // written only after it. If it fails, the turn fails and nothing of it is shown or saved.
  const messageId = crypto.randomUUID();
  const saved = startTurn(deps, {
    profile,
    conversation,
    history,
    text: input.text,
    language,
    channel: input.channel,
    id: messageId,
  });
  saved.catch(() => {}); // awaited below; a failure is the turn's error, not an unhandled one
  // The turn's result, its fields named one by one (see traceRow in reply.ts on object spread).
  const result = (
    r: Pick<TurnResult, "content" | "notificationSent" | "silent" | "timing"> &
      Partial<Pick<TurnResult, "productCards" | "suggestedProducts" | "orderNumber">>,
  ): TurnResult => ({
    content: r.content,
    conversationId: conversation.id,
    productCards: r.productCards ?? [],
    suggestedProducts: r.suggestedProducts ?? [],
    notificationSent: r.notificationSent,
    language,
    orderNumber: r.orderNumber,
    silent: r.silent,
    timing: r.timing,
  });
  // The two short endings: staff took the conversation over (the message is saved, nobody
  // answers), and a blocked customer (refused politely). Each is decided from the cached rows
  // first and again from what the message's write found, which wins.
  const silent = async (start: StartTurnResult): Promise<TurnResult> => {
    if (!start.isBlocked) await enqueueMemoryExtract(deps, start.message.id);
    return result({ content: "", notificationSent: false, silent: true, timing: timing(started, 0) });
  };
  const refuse = async (
    start: StartTurnResult,
    session: StoredSession,
    state: AgentState,
  ): Promise<TurnResult> => {
    const content = T.blocked[language];
    input.onText?.(content);
    await finishTurn(deps, saveInput(start, content, language, [], session, state, []));
    return result({ content, notificationSent: false, silent: false, timing: timing(started, 0) });
  };
  // Taken over as read before the lock: confirmed by the database's value the message's
  // statement returns (staff may have handed the conversation back meanwhile).
  if (isTakenOver(conversation, now)) {
    const start = await saved;
    if (isTakenOver({ takeoverUntil: start.takeoverUntil }, now)) return silent(start);
  }
  const [catalog, context, session] = await Promise.all([
    listCatalog(deps),
    getFullContext(deps, profile.id),
    loadSession(deps, conversation.id),
  ]);
  const state = structuredClone(session.state);
  state.turn += 1;
  // Reply text waits until the customer's message is saved.
  let held: string[] | undefined = [];
  const onText = input.onText
    ? (chunk: string) => (held ? held.push(chunk) : input.onText?.(chunk))
    : undefined;
  const release = () => {
    const chunks = held ?? [];
    held = undefined;
    for (const c of chunks) input.onText?.(c);
  };
  const ctx: ToolContext = {
    deps,
    profile,
    conversationId: conversation.id,
    channel: input.channel,
    userMessageId: messageId,
    userText: input.text,
    language,
    catalog,
    useStock: input.useStock ?? false,
    settings,
    state,
    effects: newEffects(),
    saved,
  };
  if (profile.isBlocked) return refuse(await saved, session, state);
  const intents = detectIntents(input.text);
  const openNow = isOpenAt(settings, now);
  const semantic = new SemanticCache(deps, models.embedding);
  const topic = generalTopic(intents);
  const semanticKey: SemanticKey | undefined =
    topic && state.draft.items.length === 0 ? { text: input.text, language, topic, openNow } : undefined;

  const modelStarted = performance.now();
  const traceId = crypto.randomUUID();
  let content: string;
  let steps: StepRecord[];
  let cacheable = false;
  const hit = semanticKey ? await semantic.lookup(semanticKey).catch(() => undefined) : undefined;
  if (hit) {
    content = hit.answer.content;
    onText?.(content);
    steps = [semanticStep(hit.kind, performance.now() - modelStarted)];
  } else {
    // A general question's answer may be stored and served to every customer (the semantic
    // cache), so a real model answers it for anyone: without this customer's context paragraph
    // or earlier messages (name, address, orders) to quote from. The offline assistant answers
    // such questions from the settings alone.
    const forAnyone = semanticKey !== undefined && models.primary.provider !== "offline";
    const system = buildSystemPrompt({
      settings,
      state,
      language,
      openNow,
      contextParagraph: forAnyone ? "" : (context?.paragraph ?? ""),
      catalog,
      useStock: ctx.useStock,
      userText: input.text,
    });
    const messages: ModelMessage[] = [
      ...(forAnyone ? [] : historyMessages(history.slice(-(HISTORY_LIMIT - 1)))),
      { role: "user", content: input.text },
    ];
    const run = await runModel(models, { system, messages, tools: buildTools(ctx), onText }, deps.logger);
    content = run.text.trim() || T.help[language];
    if (!run.text.trim()) onText?.(content);
    steps = run.steps;
    cacheable = !run.usedFallback && !ctx.effects.personal && steps.every((s) => s.toolCalls.length === 0);
    if (run.error) {
      // Saved with the reply (finishTurn), like the tools' events.
      ctx.effects.events.push({
        eventType: "agent_error",
        userProfileId: profile.id,
        conversationId: conversation.id,
        channel: input.channel,
        eventData: {
          model: models.primary.name,
          error: String((run.error as Error)?.message ?? run.error).slice(0, 300),
        },
        at: deps.clock.now(),
      });
    }
  }
  const processing = performance.now() - modelStarted;
  const start = await saved;
  // Taken over or blocked while the model ran: the reply is dropped unseen, or replaced by the refusal.
  if (isTakenOver({ takeoverUntil: start.takeoverUntil }, now)) return silent(start);
  if (start.isBlocked) return refuse(start, session, state);
  // Every customer message is learnt from (job "memory-extract"), once it is saved.
  const extract = enqueueMemoryExtract(deps, start.message.id);
  release();
  const cards = productCardsFor(content, catalog, settings.currency);
  selectProducts(state, cards.ids.slice(0, 3));
  // The decision matrix's staff records are written with the reply, in its statement.
  const notifications = matrixNotifications(ctx, intents);
  const traces = traceRows(
    {
      traceId,
      conversationId: conversation.id,
      userProfileId: profile.id,
      createdAt: now,
      stateName: state.phase,
      userText: input.text,
    },
    steps,
    ctx.effects.blocked,
  );
  // An order marked the conversation (resulted_in_order, order_id): the reply's write-through
  // caches the conversation with that, so the next turn still reads it from memory.
  const order = ctx.effects.order;
  const conversationNow = order
    ? { ...start.conversation, resultedInOrder: true, orderId: order.id }
    : undefined;
  const finished = await finishTurn(
    deps,
    saveInput(
      conversationNow ? { ...start, conversation: conversationNow } : start,
      content,
      language,
      cards.suggestedProducts,
      session,
      state,
      traces,
      ctx.effects.events,
      notifications,
    ),
  );
  await afterMatrixNotifications(ctx, finished.notifications);
  await extract;
  const name = start.profile.displayName;
  if (semanticKey && cacheable && !(name && content.includes(name))) {
    after.push(
      semantic
        .store(semanticKey, content)
        .catch((err) => deps.logger.warn({ err }, "semantic cache store failed")),
    );
  }
  return result({
    content,
    productCards: cards.productCards,
    suggestedProducts: cards.suggestedProducts,
    notificationSent: ctx.effects.notifications.length > 0,
    orderNumber: ctx.effects.order?.orderNumber,
    silent: false,
    timing: timing(started, processing),
  });
}

function saveInput(
  start: StartTurnResult,
  content: string,
  language: Language,
  productNames: string[],
  session: StoredSession,
  state: AgentState,
  traces: ReturnType<typeof traceRows>,
  events: TrackEventInput[] = [],
  notifications: NotificationRecord[] = [],
): FinishTurnInput {
  return {
    conversation: start.conversation,
    history: start.history,
    reply: { content, language, productCards: productNames, metadata: {} },
    session,
    state,
    traces,
    events,
    notifications,
  };
}

/**
 * Queues fact extraction for the customer's message (once per message). The message is already
 * saved, so a queue that is down costs the memory of this one message, never the turn.
 */
async function enqueueMemoryExtract(deps: Deps, messageId: string): Promise<void> {
  if (!deps.jobs) return;
  try {
    await deps.jobs.enqueue(MEMORY_EXTRACT_JOB, { messageId }, { dedupeKey: `memory-extract:${messageId}` });
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, messageId }, "memory-extract not queued");
  }
}

function semanticStep(kind: "exact" | "near", latencyMs: number): StepRecord {
  return {
    model: "semantic-cache",
    node: `semantic_cache:${kind}`,
    status: "SUCCESS",
    latencyMs,
    tokensIn: 0,
    tokensOut: 0,
    toolCalls: [],
    toolErrors: [],
    text: "",
  };
}

function timing(started: number, processing: number) {
  return { total: Math.round(performance.now() - started), processing: Math.round(processing) };
}
