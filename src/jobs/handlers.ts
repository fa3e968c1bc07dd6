/**
 * The handlers of this codebase's jobs, registered on the default registry when imported
 * (src/server.ts imports it). Other areas add theirs with one registerJobHandler line here or in
 * their own module. Schedules without a handler yet (memory-decay, cache-refresh,
 * conversation-summaries) are logged and completed by the runner.
 */
import type { Update } from "grammy/types";
import { backgroundModelFor } from "../agent/models/index.js";
import { deliverStaffMessage, notifyCustomerOfStatus } from "../channels/telegram/outbound.js";
import { processUpdate, TELEGRAM_UPDATE_JOB } from "../channels/telegram/updates.js";
import { deliverNotification, NOTIFY_STAFF_JOB } from "../services/notifications-delivery.js";
import { CUSTOMER_STATUS_JOB } from "../services/orders/events.js";
import { STAFF_MESSAGE_JOB } from "../services/takeover.js";
import { CRM_WEBHOOK_JOB, deliverWebhook } from "../services/webhooks.js";
import { registerCustomerJobs } from "./customer-jobs.js";
import { defaultJobRegistry, registerJobHandler } from "./registry.js";

const last = (ctx: { attempt: number; maxAttempts: number }) => ctx.attempt >= ctx.maxAttempts;

registerJobHandler(TELEGRAM_UPDATE_JOB, (deps, data, ctx) =>
  processUpdate(deps, data.update as Update, { last: last(ctx) }),
);
registerJobHandler(NOTIFY_STAFF_JOB, (deps, data, ctx) =>
  deliverNotification(deps, String(data.notificationId), { last: last(ctx) }),
);
registerJobHandler(CUSTOMER_STATUS_JOB, (deps, data) =>
  notifyCustomerOfStatus(deps, String(data.orderId), String(data.status)),
);
registerJobHandler(STAFF_MESSAGE_JOB, (deps, data) => deliverStaffMessage(deps, String(data.messageId)));
registerJobHandler(CRM_WEBHOOK_JOB, (deps, data, ctx) =>
  deliverWebhook(deps, String(data.deliveryId), { number: ctx.attempt, last: last(ctx) }),
);
// memory-extract, memory-decay, memory-summaries, conversation-summaries, followups-due, send-followup.
// Extraction and summaries use the assistant's configured model (LLM_BASE_URL / OPENAI_API_KEY),
// and their rules when the assistant is the offline one.
registerCustomerJobs(defaultJobRegistry, { model: (deps) => backgroundModelFor(deps.config) });
