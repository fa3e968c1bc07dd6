/**
 * Learning from a customer message (job "memory-extract" {messageId}): extract candidate facts
 * (the model when one is given, else the rules; a failing model falls back to the rules), pass
 * each through rememberFact's gate, retire the old value of a one-value slot (a new address
 * replaces the old one), and keep the profile's preferences and completeness current.
 */

import type { LanguageModel } from "ai";
import { and, eq, ne } from "drizzle-orm";
import { memoryFacts, messages } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { type RememberResult, rememberFact } from "./index.js";
import { extractFactsWithModel } from "./model.js";
import { applyPreferences } from "./preferences.js";
import { extractFactsByRules, type FactCandidate, LIST_PREFERENCES } from "./rules.js";

export type LearnDeps = Pick<Deps, "db" | "cache" | "clock" | "logger"> & {
  /** A language model for structured extraction; omitted → rules only. */
  model?: LanguageModel;
};

export async function extractFacts(deps: LearnDeps, text: string): Promise<FactCandidate[]> {
  if (deps.model) {
    try {
      return await extractFactsWithModel(deps.model, text);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, "memory: model extraction failed, using rules");
    }
  }
  return extractFactsByRules(text);
}

export interface LearnResult {
  candidates: number;
  results: RememberResult[];
}

/** Learns from one text the customer wrote. */
export async function learnFromText(
  deps: LearnDeps,
  input: { profileId: string; text: string; messageId?: string | null },
): Promise<LearnResult> {
  const candidates = await extractFacts(deps, input.text);
  const results: RememberResult[] = [];
  const prefs: Array<NonNullable<FactCandidate["preference"]>> = [];
  for (const c of candidates) {
    const r = await rememberFact(deps, {
      userProfileId: input.profileId,
      content: c.content,
      factType: c.factType,
      category: c.category,
      importance: c.importance,
      confidence: c.confidence,
      decayRate: c.decayRate,
      source: "conversation",
      sourceMessageId: input.messageId ?? null,
    });
    results.push(r);
    if (!r.stored) continue;
    if (c.preference) prefs.push(c.preference);
    // One-value slots (address, budget, payment, level, name): the newest statement wins.
    if (!r.merged && c.preference && !LIST_PREFERENCES.has(c.preference.key)) {
      await deps.db
        .update(memoryFacts)
        .set({ isActive: false, updatedAt: deps.clock.now() })
        .where(
          and(
            eq(memoryFacts.userProfileId, input.profileId),
            eq(memoryFacts.category, c.category),
            eq(memoryFacts.isActive, true),
            ne(memoryFacts.id, r.fact.id),
          ),
        );
    }
  }
  await applyPreferences(deps, input.profileId, prefs);
  return { candidates: candidates.length, results };
}

/** The job the assistant's turn queues for each customer message ({messageId}). */
export const MEMORY_EXTRACT_JOB = "memory-extract";

/** The "memory-extract" job: learns from a stored customer message (other roles are ignored). */
export async function learnFromMessage(deps: LearnDeps, messageId: string): Promise<LearnResult> {
  const [m] = await deps.db.select().from(messages).where(eq(messages.id, messageId));
  if (m?.role !== "user" || !m.userProfileId) return { candidates: 0, results: [] };
  return learnFromText(deps, { profileId: m.userProfileId, text: m.content, messageId: m.id });
}
