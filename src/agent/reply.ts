/**
 * After the model: product mentions → product cards, model steps → trace rows, and the staff
 * notifications the decision matrix calls for.
 */
import { redactText } from "../logger.js";
import type { CatalogItem } from "../services/catalog/types.js";
import {
  decideNotifications,
  enqueueNotification,
  type NotificationRecord,
  type NotificationType,
  notificationRecord,
  shopDay,
} from "../services/notifications.js";
import type { TraceInput } from "../services/traces.js";
import type { Intents } from "./intent.js";
import { extractMentions, type ProductCard, toCard } from "./products.js";
import type { StepRecord } from "./run-model.js";
import type { ToolContext } from "./tools/index.js";
import { afterNewNotification, staffNotificationInput } from "./tools/notify-staff.js";

const MAX_CARDS = 6;

export function productCardsFor(content: string, catalog: CatalogItem[], currency: string) {
  const mentioned = extractMentions(content, catalog).slice(0, MAX_CARDS);
  return {
    suggestedProducts: mentioned.map((i) => i.name),
    productCards: mentioned.map((i): ProductCard => toCard(i, currency)),
    ids: mentioned.map((i) => i.id),
  };
}

const SNAPSHOT_CHARS = 1000;

function snapshot(v: unknown): unknown {
  const s = typeof v === "string" ? v : JSON.stringify(v ?? null);
  // Traces are read by staff: phone numbers and tokens are scrubbed like logs are.
  return redactText(s.slice(0, SNAPSHOT_CHARS));
}

type TraceBase = Pick<TraceInput, "traceId" | "conversationId" | "userProfileId" | "createdAt"> & {
  stateName: string;
  userText: string;
};

export function traceRows(
  base: TraceBase,
  steps: StepRecord[],
  blocked: ToolContext["effects"]["blocked"],
): TraceInput[] {
  const rows: TraceInput[] = steps.map((s, i) =>
    traceRow(base, {
      nodeName: s.node,
      input: i === 0 ? { message: snapshot(base.userText) } : { step: i + 1 },
      output: {
        text: snapshot(s.text),
        toolCalls: s.toolCalls.map((c) => ({ name: c.name, input: snapshot(c.input) })),
      },
      status: s.status,
      errorCategory: s.errorCategory ?? null,
      errorMessage: s.errorMessage ? redactText(s.errorMessage) : null,
      latencyMs: s.latencyMs,
      tokensIn: s.tokensIn,
      tokensOut: s.tokensOut,
      modelName: s.model,
    }),
  );
  for (const b of blocked) {
    rows.push(
      traceRow(base, {
        nodeName: `guard:${b.tool}`,
        input: { message: snapshot(base.userText) },
        output: { refused: b.reason },
        status: "BLOCKED",
        errorCategory: "BUSINESS",
        errorMessage: `${b.tool} refused: ${b.reason}`,
        latencyMs: 0,
        tokensIn: 0,
        tokensOut: 0,
        modelName: steps[steps.length - 1]?.model ?? "server",
      }),
    );
  }
  return rows;
}

/**
 * One row: the turn's fields and the row's own, named one by one. (`{ ...base, ... }` cost
 * ≈ 15 µs a row here: V8 builds an object spread from a non-frozen object and followed by more
 * properties on its slow path.)
 */
function traceRow(
  b: TraceBase,
  r: Omit<TraceInput, "traceId" | "conversationId" | "userProfileId" | "createdAt" | "stateName">,
): TraceInput {
  return {
    traceId: b.traceId,
    conversationId: b.conversationId,
    userProfileId: b.userProfileId,
    createdAt: b.createdAt,
    stateName: b.stateName,
    nodeName: r.nodeName,
    input: r.input,
    output: r.output,
    status: r.status,
    errorCategory: r.errorCategory,
    errorMessage: r.errorMessage,
    latencyMs: r.latencyMs,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    modelName: r.modelName,
  };
}

const NOTES: Record<Exclude<NotificationType, "order">, string> = {
  wish: "Buying intent without a complete order",
  staff_question: "The customer needs a human",
  feedback: "Thanks or a review from the customer",
};

/**
 * The server's decision matrix, whatever the model did: the records this turn calls for, written
 * with the reply (finishTurn). A wish is asked for once a day per conversation.
 */
export function matrixNotifications(ctx: ToolContext, intents: Intents): NotificationRecord[] {
  const types = decideNotifications({
    orderCreated: Boolean(ctx.effects.order),
    // A question about an order already placed is not buying intent, whatever draft is left.
    buyingIntent:
      !intents.orderStatus &&
      (intents.order ||
        intents.recommend ||
        (ctx.state.draft.items.length > 0 && ctx.state.phase !== "ordered")),
    needsHuman: intents.human || intents.hours || intents.address,
    thanks: intents.thanks,
  });
  const now = ctx.deps.clock.now();
  const today = shopDay(now, ctx.settings.timeZone);
  const out: NotificationRecord[] = [];
  for (const type of types) {
    if (type === "order") continue; // created with the order itself (submit_order)
    if (type === "wish" && ctx.state.wishDay === today) continue; // already sent for today
    out.push(notificationRecord(staffNotificationInput(ctx, type, NOTES[type]), now));
    if (type === "wish") ctx.state.wishDay = today;
  }
  return out;
}

/** The records the reply's statement wrote: delivery queued, follow-ups scheduled. */
export async function afterMatrixNotifications(
  ctx: ToolContext,
  written: Array<{ id: string; type: NotificationType }>,
): Promise<void> {
  for (const n of written) {
    await enqueueNotification(ctx.deps, n.id);
    await afterNewNotification(ctx, n.type, n.id);
  }
}
