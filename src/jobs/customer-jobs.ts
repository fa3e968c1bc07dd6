/**
 * Job handlers of the customers-and-memory area. `registerCustomerJobs()` adds them to the
 * registry (the default one unless a test passes its own); src/jobs/handlers.ts calls it once.
 *   memory-extract {messageId}   learn facts from a customer message
 *   memory-decay                 daily: importance fades; below 0.6 → inactive
 *   memory-summaries             weekly: many old facts → one summary
 *   conversation-summaries       hourly: end idle conversations, summarize, schedule follow-ups
 *   followups-due                send due follow-ups a delayed job missed
 *   send-followup {followupId}   send one follow-up (web message or Telegram)
 * A model for extraction and summaries is optional: pass `model` (deps → LanguageModel | undefined)
 * and the rules are used whenever it returns undefined or fails.
 */
import type { LanguageModel } from "ai";
import type { Deps } from "../deps.js";
import { sweepConversations } from "../services/conversation-lifecycle.js";
import {
  FOLLOWUPS_DUE_JOB,
  runDueFollowups,
  SEND_FOLLOWUP_JOB,
  sendFollowup,
} from "../services/followups.js";
import { runMemoryDecay } from "../services/memory/decay.js";
import { learnFromMessage, MEMORY_EXTRACT_JOB } from "../services/memory/learn.js";
import { runMemorySummaries } from "../services/memory/summaries.js";
import { defaultJobRegistry, type JobRegistry } from "./registry.js";
import { PermanentJobError } from "./types.js";

export const CUSTOMER_JOBS = [
  MEMORY_EXTRACT_JOB,
  "memory-decay",
  "memory-summaries",
  "conversation-summaries",
  FOLLOWUPS_DUE_JOB,
  SEND_FOLLOWUP_JOB,
] as const;

export interface CustomerJobOptions {
  model?: (deps: Deps) => LanguageModel | undefined;
}

function idOf(data: Record<string, unknown>, field: string): string {
  const v = data[field];
  if (typeof v !== "string" || v.length === 0) throw new PermanentJobError(`${field} is required`);
  return v;
}

export function registerCustomerJobs(
  registry: JobRegistry = defaultJobRegistry,
  opts: CustomerJobOptions = {},
) {
  const withModel = (deps: Deps) => ({ ...deps, model: opts.model?.(deps) });
  registry.register(MEMORY_EXTRACT_JOB, async (deps, data) => {
    await learnFromMessage(withModel(deps), idOf(data, "messageId"));
  });
  registry.register("memory-decay", async (deps) => {
    const r = await runMemoryDecay(deps);
    deps.logger.info({ decayed: r.decayed, deactivated: r.deactivated }, "memory decay");
  });
  registry.register("memory-summaries", async (deps) => {
    const made = await runMemorySummaries(withModel(deps));
    deps.logger.info({ summaries: made }, "memory summaries");
  });
  registry.register("conversation-summaries", async (deps) => {
    const r = await sweepConversations(withModel(deps));
    // The hourly sweep also sends follow-ups whose delayed job was lost (restart, Redis flush).
    const f = await runDueFollowups(deps);
    deps.logger.info({ ...r, followupsSent: f.sent }, "conversation sweep");
  });
  registry.register(FOLLOWUPS_DUE_JOB, async (deps) => {
    await runDueFollowups(deps);
  });
  registry.register(SEND_FOLLOWUP_JOB, async (deps, data) => {
    await sendFollowup(deps, idOf(data, "followupId"));
  });
}
