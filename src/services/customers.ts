/**
 * The staff's view of customers (admin API): list and search, one customer with their memory,
 * edits (tags, notes, block, opt-out, preferences), deletion, and the memory facts staff can
 * see, correct and delete. Deleting a customer deletes their memory by the schema's cascades
 * (memory_facts, memory_summaries, conversations, messages, events, follow-ups); orders stay
 * (the shop's books) with the customer link cleared.
 */
import { and, asc, count, desc, eq, ilike, isNull, or, type SQL, sql } from "drizzle-orm";
import { followups, memoryFacts, memorySummaries, userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { type Jsonify, jsonify } from "./json.js";
import { fullContextKeys } from "./memory/cache.js";
import { missingFields, updateCompleteness } from "./memory/completeness.js";
import type { FactType, MemoryFact } from "./memory/index.js";
import { getCurrentSummary, type MemorySummary } from "./memory/summaries.js";
import {
  getProfileById,
  invalidateProfile,
  type Profile,
  type ProfileUpdate,
  updateProfile,
} from "./profiles.js";

type CustomerDeps = Pick<Deps, "db" | "cache" | "clock">;

export const CUSTOMER_SORTS = [
  "lastVisit",
  "totalSpent",
  "totalOrders",
  "completeness",
  "createdAt",
] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export interface CustomerListQuery {
  q?: string;
  tag?: string;
  blocked?: boolean;
  sort?: CustomerSort;
  limit?: number;
  offset?: number;
}

const sortColumn = {
  lastVisit: userProfiles.lastVisit,
  totalSpent: userProfiles.totalSpent,
  totalOrders: userProfiles.totalOrders,
  completeness: userProfiles.completenessScore,
  createdAt: userProfiles.createdAt,
} as const;

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
function likeTerm(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listCustomers(
  deps: Pick<Deps, "db">,
  query: CustomerListQuery,
): Promise<{ items: Profile[]; total: number }> {
  // Merged-away profiles are tombstones: their history lives on the survivor.
  const where: SQL[] = [isNull(userProfiles.mergedInto)];
  if (query.q) {
    const t = likeTerm(query.q);
    where.push(
      or(
        ilike(userProfiles.displayName, t),
        ilike(userProfiles.telegramUsername, t),
        ilike(userProfiles.phone, t),
        ilike(userProfiles.notes, t),
        sql`${userProfiles.id}::text = ${query.q}`,
      ) as SQL,
    );
  }
  if (query.tag) where.push(sql`${query.tag} = any(${userProfiles.tags})`);
  if (query.blocked !== undefined) where.push(eq(userProfiles.isBlocked, query.blocked));
  const cond = and(...where);
  const [rows, totals] = await Promise.all([
    deps.db
      .select()
      .from(userProfiles)
      .where(cond)
      .orderBy(desc(sortColumn[query.sort ?? "lastVisit"]), asc(userProfiles.id))
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0),
    deps.db.select({ n: count() }).from(userProfiles).where(cond),
  ]);
  return { items: jsonify(rows), total: Number(totals[0]?.n ?? 0) };
}

export interface CustomerDetail {
  profile: Profile;
  missingFields: string[];
  facts: MemoryFact[];
  memorySummary: MemorySummary | null;
  followups: Array<Jsonify<typeof followups.$inferSelect>>;
}

export async function getCustomer(deps: Pick<Deps, "db">, id: string): Promise<CustomerDetail> {
  const profile = await getProfileById(deps, id);
  if (!profile) throw AppError.notFound("Customer");
  const [facts, summary, fus] = await Promise.all([
    listFacts(deps, id, { includeInactive: true }),
    getCurrentSummary(deps, id),
    deps.db
      .select()
      .from(followups)
      .where(eq(followups.userProfileId, id))
      .orderBy(desc(followups.createdAt)),
  ]);
  return {
    profile,
    missingFields: missingFields(profile),
    facts,
    memorySummary: summary ?? null,
    followups: jsonify(fus),
  };
}

/** Staff edits. Blocking sets the reason; unblocking clears it. */
export async function updateCustomer(deps: CustomerDeps, id: string, patch: ProfileUpdate): Promise<Profile> {
  const next: ProfileUpdate = { ...patch };
  if (patch.isBlocked === false) next.blockedReason = null;
  const p = await updateProfile(deps, id, next);
  await updateCompleteness(deps, id);
  return (await getProfileById(deps, id)) ?? p;
}

/** Deletes a customer and, by cascade, everything that is theirs but their orders. */
export async function deleteCustomer(deps: CustomerDeps, id: string): Promise<void> {
  const profile = await getProfileById(deps, id);
  if (!profile) throw AppError.notFound("Customer");
  await deps.db.transaction(async (tx) => {
    // Tombstones merged into this customer go with it (their ids were this person too).
    await tx.delete(userProfiles).where(eq(userProfiles.mergedInto, id));
    await tx.delete(userProfiles).where(eq(userProfiles.id, id));
  });
  await invalidateProfile(deps.cache, profile);
}

// ---------------------------------------------------------------- memory facts (staff)

export async function listFacts(
  deps: Pick<Deps, "db">,
  profileId: string,
  opts: { includeInactive?: boolean } = {},
): Promise<MemoryFact[]> {
  const rows = await deps.db
    .select()
    .from(memoryFacts)
    .where(
      and(
        eq(memoryFacts.userProfileId, profileId),
        opts.includeInactive ? undefined : eq(memoryFacts.isActive, true),
      ),
    )
    .orderBy(desc(memoryFacts.isActive), desc(memoryFacts.importance), desc(memoryFacts.updatedAt));
  return jsonify(rows);
}

export interface StaffFactInput {
  content: string;
  factType: FactType;
  category: string;
  importance?: number;
  confidence?: number;
  decayRate?: number;
}

/** A fact staff add is trusted as is: no gate, confidence 1, source "staff". */
export async function addFact(
  deps: CustomerDeps,
  profileId: string,
  input: StaffFactInput,
): Promise<MemoryFact> {
  if (!(await getProfileById(deps, profileId))) throw AppError.notFound("Customer");
  const now = deps.clock.now();
  const [row] = await deps.db
    .insert(memoryFacts)
    .values({
      userProfileId: profileId,
      content: input.content.trim(),
      factType: input.factType,
      category: input.category,
      importance: input.importance ?? 0.8,
      surprise: 1,
      confidence: input.confidence ?? 1,
      decayRate: input.decayRate ?? 0.02,
      source: "staff",
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await deps.cache.delete(...fullContextKeys(profileId));
  return jsonify(row!);
}

export interface FactPatch {
  content?: string;
  factType?: FactType;
  category?: string;
  importance?: number;
  confidence?: number;
  decayRate?: number;
  isActive?: boolean;
}

async function ownFact(deps: Pick<Deps, "db">, profileId: string, factId: string) {
  const [f] = await deps.db
    .select()
    .from(memoryFacts)
    .where(and(eq(memoryFacts.id, factId), eq(memoryFacts.userProfileId, profileId)));
  if (!f) throw AppError.notFound("Fact");
  return f;
}

export async function updateFact(
  deps: CustomerDeps,
  profileId: string,
  factId: string,
  patch: FactPatch,
): Promise<MemoryFact> {
  await ownFact(deps, profileId, factId);
  const [row] = await deps.db
    .update(memoryFacts)
    .set({
      ...patch,
      ...(patch.content ? { content: patch.content.trim() } : {}),
      updatedAt: deps.clock.now(),
    })
    .where(eq(memoryFacts.id, factId))
    .returning();
  await deps.cache.delete(...fullContextKeys(profileId));
  return jsonify(row!);
}

export async function deleteFact(deps: CustomerDeps, profileId: string, factId: string): Promise<void> {
  await ownFact(deps, profileId, factId);
  await deps.db.delete(memoryFacts).where(eq(memoryFacts.id, factId));
  await deps.cache.delete(...fullContextKeys(profileId));
}

/** Forgets a customer's whole memory (facts and summaries), keeping the profile. */
export async function clearMemory(
  deps: CustomerDeps,
  profileId: string,
): Promise<{ facts: number; summaries: number }> {
  if (!(await getProfileById(deps, profileId))) throw AppError.notFound("Customer");
  const result = await deps.db.transaction(async (tx) => {
    const f = await tx
      .delete(memoryFacts)
      .where(eq(memoryFacts.userProfileId, profileId))
      .returning({ id: memoryFacts.id });
    const s = await tx
      .delete(memorySummaries)
      .where(eq(memorySummaries.userProfileId, profileId))
      .returning({ id: memorySummaries.id });
    return { facts: f.length, summaries: s.length };
  });
  await deps.cache.delete(...fullContextKeys(profileId));
  return result;
}
