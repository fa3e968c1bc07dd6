/**
 * Customer memory (seed 003): atomic facts with importance / surprise / confidence gating.
 * A fact is kept only when importance >= 0.6 and surprise >= 0.4; a fact already known is
 * merged (seen again, confidence up) rather than stored twice.
 */
import { and, desc, eq } from "drizzle-orm";
import { memoryFacts } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { type Jsonify, jsonify } from "../json.js";
import { profileCacheKeys } from "../profiles.js";

export const IMPORTANCE_MIN = 0.6;
export const SURPRISE_MIN = 0.4;

export type MemoryFact = Jsonify<typeof memoryFacts.$inferSelect>;
export type FactType = "preference" | "constraint" | "logistics" | "behavior";

export interface FactInput {
  userProfileId: string;
  content: string;
  factType: FactType;
  category: string;
  importance: number;
  /** Novelty against what is known; computed from existing facts when omitted. */
  surprise?: number;
  confidence: number;
  decayRate?: number;
  source?: "conversation" | "staff" | "assistant";
  sourceMessageId?: string | null;
}

export type RememberResult =
  | { stored: true; fact: MemoryFact; merged: boolean }
  | { stored: false; reason: "below_importance" | "below_surprise" };

export function normalizeFact(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function words(s: string): Set<string> {
  return new Set(
    normalizeFact(s)
      .split(" ")
      .filter((w) => w.length > 2),
  );
}

/** 1 − the best word-overlap (Jaccard) with an active fact of the same category. */
export function surpriseAgainst(content: string, known: Array<{ content: string }>): number {
  const w = words(content);
  let best = 0;
  for (const k of known) {
    const kw = words(k.content);
    const inter = [...w].filter((x) => kw.has(x)).length;
    const union = new Set([...w, ...kw]).size || 1;
    best = Math.max(best, inter / union);
  }
  return Math.round((1 - best) * 100) / 100;
}

export async function listActiveFacts(
  deps: Pick<Deps, "db">,
  userProfileId: string,
  limit = 50,
): Promise<MemoryFact[]> {
  const rows = await deps.db
    .select()
    .from(memoryFacts)
    .where(and(eq(memoryFacts.userProfileId, userProfileId), eq(memoryFacts.isActive, true)))
    .orderBy(desc(memoryFacts.importance), desc(memoryFacts.updatedAt))
    .limit(limit);
  return jsonify(rows);
}

/** Applies the gate and stores (or merges) a fact. */
export async function rememberFact(
  deps: Pick<Deps, "db" | "cache" | "clock">,
  input: FactInput,
): Promise<RememberResult> {
  if (input.importance < IMPORTANCE_MIN) return { stored: false, reason: "below_importance" };
  const known = (await listActiveFacts(deps, input.userProfileId, 200)).filter(
    (f) => f.category === input.category,
  );
  const same = known.find((f) => normalizeFact(f.content) === normalizeFact(input.content));
  const now = deps.clock.now();
  if (same) {
    const [row] = await deps.db
      .update(memoryFacts)
      .set({
        timesSeen: same.timesSeen + 1,
        confidence: Math.min(1, Math.max(same.confidence, input.confidence) + 0.05),
        importance: Math.max(same.importance, input.importance),
        updatedAt: now,
      })
      .where(eq(memoryFacts.id, same.id))
      .returning();
    await deps.cache.delete(
      ...profileCacheKeys({ id: input.userProfileId, userId: null, telegramUserId: null }),
    );
    return { stored: true, fact: jsonify(row!), merged: true };
  }
  const surprise = input.surprise ?? surpriseAgainst(input.content, known);
  if (surprise < SURPRISE_MIN) return { stored: false, reason: "below_surprise" };
  const [row] = await deps.db
    .insert(memoryFacts)
    .values({
      userProfileId: input.userProfileId,
      content: input.content.trim(),
      factType: input.factType,
      category: input.category,
      importance: input.importance,
      surprise,
      confidence: input.confidence,
      decayRate: input.decayRate ?? 0.02,
      source: input.source ?? "conversation",
      sourceMessageId: input.sourceMessageId ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await deps.cache.delete(
    ...profileCacheKeys({ id: input.userProfileId, userId: null, telegramUserId: null }),
  );
  return { stored: true, fact: jsonify(row!), merged: false };
}
