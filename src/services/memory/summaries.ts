/**
 * Memory summaries (seed 003; job "memory-summaries", weekly): many older facts of a customer
 * become one summary with key_facts and facts_count, and the facts it covers are marked
 * summarized_in + inactive, so the prompt carries a few lines instead of dozens. Health
 * constraints are never folded away: the assistant must always see an allergy as its own fact.
 */
import type { LanguageModel } from "ai";
import { and, asc, desc, eq, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import { execRows } from "../../db/client.js";
import { memoryFacts, memorySummaries } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { type Jsonify, jsonify } from "../json.js";
import { fullContextKeys } from "./cache.js";
import { summarizeWithModel } from "./model.js";

export type MemorySummary = Jsonify<typeof memorySummaries.$inferSelect>;

type SummaryDeps = Pick<Deps, "db" | "cache" | "clock" | "logger"> & { model?: LanguageModel };

export interface SummaryOptions {
  /** Summarize only when at least this many facts are eligible. @default 5 */
  minFacts?: number;
  /** Only facts older than this are folded into a summary. @default 7 */
  olderThanDays?: number;
}

/** How many key facts a summary keeps verbatim. */
const KEY_FACTS_MAX = 20;
const NEVER_SUMMARIZED = "health";

export function summaryTextByRules(keyFacts: string[]): string {
  return `Known from earlier conversations: ${keyFacts.join("; ")}.`;
}

export async function getCurrentSummary(
  deps: Pick<Deps, "db">,
  profileId: string,
): Promise<MemorySummary | undefined> {
  const [row] = await deps.db
    .select()
    .from(memorySummaries)
    .where(and(eq(memorySummaries.userProfileId, profileId), eq(memorySummaries.isCurrent, true)))
    .orderBy(desc(memorySummaries.createdAt))
    .limit(1);
  return row ? jsonify(row) : undefined;
}

/** Folds a customer's eligible facts into a new current summary; undefined when too few. */
export async function summarizeMemory(
  deps: SummaryDeps,
  profileId: string,
  opts: SummaryOptions = {},
): Promise<MemorySummary | undefined> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - (opts.olderThanDays ?? 7) * 86_400_000);
  const facts = await deps.db
    .select()
    .from(memoryFacts)
    .where(
      and(
        eq(memoryFacts.userProfileId, profileId),
        eq(memoryFacts.isActive, true),
        isNull(memoryFacts.summarizedIn),
        ne(memoryFacts.category, NEVER_SUMMARIZED),
        lt(memoryFacts.createdAt, cutoff),
      ),
    )
    .orderBy(desc(memoryFacts.importance), asc(memoryFacts.createdAt));
  if (facts.length < (opts.minFacts ?? 5)) return undefined;
  const previous = await getCurrentSummary(deps, profileId);
  const keyFacts = [...new Set([...facts.map((f) => f.content), ...(previous?.keyFacts ?? [])])].slice(
    0,
    KEY_FACTS_MAX,
  );
  let text = summaryTextByRules(keyFacts);
  if (deps.model) {
    try {
      text = await summarizeWithModel(deps.model, "memory", keyFacts);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, "memory: model summary failed, using rules");
    }
  }
  const summary = await deps.db.transaction(async (tx) => {
    if (previous) {
      await tx.update(memorySummaries).set({ isCurrent: false }).where(eq(memorySummaries.id, previous.id));
    }
    const [row] = await tx
      .insert(memorySummaries)
      .values({
        userProfileId: profileId,
        summaryType: "user",
        summaryText: text,
        keyFacts,
        factsCount: facts.length + (previous?.factsCount ?? 0),
        isCurrent: true,
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error("summary was not stored");
    await tx
      .update(memoryFacts)
      .set({ summarizedIn: row.id, isActive: false, updatedAt: now })
      .where(
        inArray(
          memoryFacts.id,
          facts.map((f) => f.id),
        ),
      );
    return row;
  });
  await deps.cache.delete(...fullContextKeys(profileId));
  return jsonify(summary);
}

/** The weekly job: every customer with enough eligible facts gets a new summary. */
export async function runMemorySummaries(deps: SummaryDeps, opts: SummaryOptions = {}): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - (opts.olderThanDays ?? 7) * 86_400_000);
  const rows = await execRows<{ user_profile_id: string }>(
    deps.db,
    sql`select user_profile_id from memory_facts
        where is_active and summarized_in is null and category <> ${NEVER_SUMMARIZED}
          and created_at < ${cutoff.toISOString()}::timestamptz
        group by user_profile_id having count(*) >= ${opts.minFacts ?? 5}`,
  );
  let made = 0;
  for (const r of rows) {
    if (await summarizeMemory(deps, r.user_profile_id, opts)) made++;
  }
  return made;
}
