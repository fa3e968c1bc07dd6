/**
 * Profile completeness (seed 003): the share of the persistent fields the shop knows, 0..1,
 * stored in user_profiles.completeness_score so the dashboard can sort by it.
 */
import { eq } from "drizzle-orm";
import { userProfiles } from "../../db/schema.js";
import type { Deps } from "../../deps.js";

type ProfileFields = {
  displayName: string | null;
  phone: string | null;
  preferences: Record<string, unknown>;
};

const filled = (v: unknown) =>
  Array.isArray(v)
    ? v.length > 0
    : typeof v === "string"
      ? v.trim().length > 0
      : v !== undefined && v !== null;

/** The persistent fields counted, in the order the dashboard lists missing ones. */
export const COMPLETENESS_FIELDS: Array<[name: string, get: (p: ProfileFields) => unknown]> = [
  ["name", (p) => p.displayName],
  ["phone", (p) => p.phone],
  ["language", (p) => p.preferences.language],
  ["experienceLevel", (p) => p.preferences.experienceLevel],
  ["preferredEffects", (p) => p.preferences.preferredEffects],
  [
    "favoriteProducts",
    (p) => [...asList(p.preferences.favoriteProducts), ...asList(p.preferences.favoriteStrains)],
  ],
  ["deliveryAddress", (p) => p.preferences.deliveryAddress],
  ["paymentMethod", (p) => p.preferences.paymentMethod],
];

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function completenessScore(p: ProfileFields): number {
  const n = COMPLETENESS_FIELDS.filter(([, get]) => filled(get(p))).length;
  return Math.round((n / COMPLETENESS_FIELDS.length) * 1000) / 1000;
}

export function missingFields(p: ProfileFields): string[] {
  return COMPLETENESS_FIELDS.filter(([, get]) => !filled(get(p))).map(([name]) => name);
}

/** Recomputes and stores the score; returns it. */
export async function updateCompleteness(deps: Pick<Deps, "db">, profileId: string): Promise<number> {
  const [p] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, profileId));
  if (!p) return 0;
  const score = completenessScore(p);
  if (score !== p.completenessScore) {
    await deps.db
      .update(userProfiles)
      .set({ completenessScore: score })
      .where(eq(userProfiles.id, profileId));
  }
  return score;
}
