/**
 * submit_order: creates the order from the draft — only when the server's own records say the
 * customer saw the complete summary in an earlier turn and says yes in this one. The model's
 * word is not enough, and its arguments are ignored (prices, statuses and identities included).
 */
import { tool, zodSchema } from "ai";
import { z } from "zod";
import { isAppError } from "../../errors.js";
import { createNotification, enqueueNotification, orderPayload } from "../../services/notifications.js";
import { type CreateOrderInput, createOrderRecord } from "../../services/orders/create.js";
import { isConfirmation } from "../intent.js";
import { missingFields } from "../state.js";
import { recordOrderAttempt, type ToolContext } from "./context.js";

export const submitOrderInput = z.object({});

type Refusal = "NOT_CONFIRMED" | "INCOMPLETE" | "NOT_SHOWN" | "INVALID";

function refuse(ctx: ToolContext, reason: Refusal, message: string) {
  ctx.effects.blocked.push({ tool: "submit_order", reason });
  return { ok: false as const, reason, message };
}

export async function submitOrder(ctx: ToolContext) {
  const { state } = ctx;
  ctx.effects.personal = true;
  const last = state.lastOrder;
  if (last && last.draftVersion === state.draft.version) {
    return { ok: true as const, orderNumber: last.orderNumber, alreadyCreated: true };
  }
  // Every submit attempt is an `order_attempt` event, with how it ended.
  const event = recordOrderAttempt(ctx, { stage: "submit", draftVersion: state.draft.version });
  const data = event.eventData as Record<string, unknown>;
  try {
    const r = await submitDraft(ctx);
    data.outcome = r.ok ? "created" : r.reason;
    return r;
  } catch (err) {
    data.outcome = "error";
    throw err;
  }
}

async function submitDraft(ctx: ToolContext) {
  const { state } = ctx;
  if (missingFields(state.draft).length > 0) {
    return refuse(ctx, "INCOMPLETE", `Still missing: ${missingFields(state.draft).join(", ")}`);
  }
  const c = state.confirmation;
  if (!c || c.draftVersion !== state.draft.version) {
    return refuse(ctx, "NOT_SHOWN", "Call update_draft_order and show the customer the summary first.");
  }
  if (c.shownAtTurn >= state.turn || !isConfirmation(ctx.userText)) {
    return refuse(
      ctx,
      "NOT_CONFIRMED",
      "Ask the customer to confirm the summary; create the order after they say yes.",
    );
  }
  try {
    const input: CreateOrderInput = {
      userProfileId: ctx.profile.id,
      conversationId: ctx.conversationId,
      items: state.draft.items.map((i) => ({
        productId: i.productId,
        quantity: i.quantity!,
        variantId: i.variantId ?? undefined,
      })),
      contactInfo: { phone: state.draft.phone!, ...(state.draft.name ? { name: state.draft.name } : {}) },
      deliveryAddress: state.draft.address!,
      paymentMethod: state.draft.paymentMethod!,
      source: ctx.channel,
      createdBy: "assistant",
      // The same conversation and draft version can only ever make one order.
      idempotencyKey: `chat:${ctx.conversationId}:${state.draft.version}`,
    };
    // The staff alert record is written in the order's own statement.
    await ctx.saved;
    const { order, notificationId } = await createOrderRecord(ctx.deps, input, {
      staffAlert: { customer: ctx.profile },
    });
    ctx.effects.order = order;
    state.lastOrder = { id: order.id, orderNumber: order.orderNumber, draftVersion: state.draft.version };
    state.phase = "ordered";
    state.confirmation = undefined;
    if (notificationId) {
      await enqueueNotification(ctx.deps, notificationId);
      ctx.effects.notifications.push(notificationId);
    } else {
      // A repeated submit: the first one's alert, or this one if the first stopped before it.
      const n = await createNotification(ctx.deps, {
        type: "order",
        subject: { orderId: order.id },
        userProfileId: ctx.profile.id,
        conversationId: ctx.conversationId,
        orderId: order.id,
        payload: orderPayload(order, ctx.profile),
      });
      if (n.created) ctx.effects.notifications.push(n.id);
    }
    return {
      ok: true as const,
      orderNumber: order.orderNumber,
      total: order.totalAmount,
      currency: order.currency,
      items: order.items,
    };
  } catch (err) {
    if (isAppError(err) && err.status < 500) return refuse(ctx, "INVALID", err.userMessage);
    throw err;
  }
}

/** Built once: the JSON schema sent to models is computed on first use and kept. */
const inputSchema = zodSchema(submitOrderInput);
export function submitOrderTool(ctx: ToolContext) {
  return tool({
    description:
      "Create the order from the draft. Only after the customer saw the full summary and confirmed it with yes in their latest message. Takes no arguments: the server uses the draft.",
    inputSchema,
    execute: () => submitOrder(ctx),
  });
}
