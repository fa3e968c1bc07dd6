/**
 * Merging two profiles of one person (a Telegram account linked to a web profile). Runs inside
 * the caller's transaction: every row that points at the absorbed profile is re-pointed to the
 * survivor, statistics are summed, and the absorbed profile is left as a tombstone with
 * `mergedInto`, so nothing is lost and old identities still resolve to the survivor.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import {
  agentEvents,
  agentSessions,
  conversations,
  followups,
  llmTraces,
  llmUsage,
  memoryFacts,
  memorySummaries,
  messages,
  notifications,
  orders,
  telegramLinkTokens,
  userProfiles,
} from "../db/schema.js";
import { AppError } from "../errors.js";
import { normalizeFact } from "./memory/index.js";

/** Every table with a user_profile_id column. A new one must be added here (see the merge test). */
const OWNED_TABLES = [
  conversations,
  messages,
  orders,
  agentEvents,
  memoryFacts,
  memorySummaries,
  followups,
  agentSessions,
  llmTraces,
  llmUsage,
  notifications,
  telegramLinkTokens,
] as const;

export interface MergeResult {
  conversationIds: string[];
  orderIds: string[];
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export async function mergeProfiles(
  tx: Tx,
  opts: { survivorId: string; absorbedId: string; now: Date },
): Promise<MergeResult> {
  if (opts.survivorId === opts.absorbedId)
    throw new AppError("CONFLICT", "cannot merge a profile into itself");
  // Both rows locked (in id order, so two merges cannot deadlock) and read as they are now: an
  // order or a turn committing meanwhile adds to the counters first, and the sums include it.
  const locked = await tx
    .select()
    .from(userProfiles)
    .where(inArray(userProfiles.id, [opts.survivorId, opts.absorbedId]))
    .orderBy(userProfiles.id)
    .for("update");
  const keep = locked.find((p) => p.id === opts.survivorId);
  const gone = locked.find((p) => p.id === opts.absorbedId);
  if (!keep || !gone) throw AppError.notFound("Customer");

  const movedConversations = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.userProfileId, gone.id));
  const movedOrders = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(eq(orders.userProfileId, gone.id));
  for (const table of OWNED_TABLES) {
    await tx.update(table).set({ userProfileId: keep.id }).where(eq(table.userProfileId, gone.id));
  }
  await dedupeFacts(tx, keep.id);

  // The survivor's own values win; the absorbed profile fills what the survivor lacks.
  await tx
    .update(userProfiles)
    .set({
      displayName: keep.displayName ?? gone.displayName,
      phone: keep.phone ?? gone.phone,
      firstVisit: new Date(Math.min(keep.firstVisit.getTime(), gone.firstVisit.getTime())),
      lastVisit: new Date(Math.max(keep.lastVisit.getTime(), gone.lastVisit.getTime())),
      totalVisits: keep.totalVisits + gone.totalVisits,
      totalConversations: keep.totalConversations + gone.totalConversations,
      totalMessages: keep.totalMessages + gone.totalMessages,
      totalOrders: keep.totalOrders + gone.totalOrders,
      totalSpent: sql`${keep.totalSpent}::numeric + ${gone.totalSpent}::numeric`,
      loyaltyPoints: keep.loyaltyPoints + gone.loyaltyPoints,
      preferences: { ...gone.preferences, ...keep.preferences },
      persistentMemory: { ...gone.persistentMemory, ...keep.persistentMemory },
      metadata: { ...gone.metadata, ...keep.metadata, mergedProfiles: unique([...mergedIds(keep), gone.id]) },
      tags: unique([...keep.tags, ...gone.tags]),
      notes: [keep.notes, gone.notes].filter(Boolean).join("\n") || null,
      referredBy: keep.referredBy ?? gone.referredBy,
      isBlocked: keep.isBlocked || gone.isBlocked,
      blockedReason: keep.blockedReason ?? gone.blockedReason,
      followupOptOut: keep.followupOptOut || gone.followupOptOut,
    })
    .where(eq(userProfiles.id, keep.id));
  // The tombstone gives up its Telegram id (unique) and its statistics (now the survivor's).
  await tx
    .update(userProfiles)
    .set({
      mergedInto: keep.id,
      telegramUserId: null,
      isActive: false,
      totalVisits: 0,
      totalConversations: 0,
      totalMessages: 0,
      totalOrders: 0,
      totalSpent: "0",
      loyaltyPoints: 0,
      metadata: { ...gone.metadata, mergedAt: opts.now.toISOString(), telegramUserId: gone.telegramUserId },
    })
    .where(eq(userProfiles.id, gone.id));
  return { conversationIds: movedConversations.map((c) => c.id), orderIds: movedOrders.map((o) => o.id) };
}

function mergedIds(p: { metadata: Record<string, unknown> }): string[] {
  const m = p.metadata.mergedProfiles;
  return Array.isArray(m) ? m.filter((x): x is string => typeof x === "string") : [];
}

/** The same fact learnt on both channels becomes one fact, seen as often as both together. */
async function dedupeFacts(tx: Tx, profileId: string): Promise<void> {
  const facts = await tx.select().from(memoryFacts).where(eq(memoryFacts.userProfileId, profileId));
  const byKey = new Map<string, typeof facts>();
  for (const f of facts.filter((x) => x.isActive)) {
    const k = `${f.category}|${normalizeFact(f.content)}`;
    byKey.set(k, [...(byKey.get(k) ?? []), f]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const [best, ...rest] = group.sort((a, b) => b.importance - a.importance);
    if (!best) continue;
    await tx
      .update(memoryFacts)
      .set({
        timesSeen: group.reduce((n, f) => n + f.timesSeen, 0),
        confidence: Math.max(...group.map((f) => f.confidence)),
      })
      .where(eq(memoryFacts.id, best.id));
    for (const f of rest) {
      await tx.update(memoryFacts).set({ isActive: false }).where(eq(memoryFacts.id, f.id));
    }
  }
}
