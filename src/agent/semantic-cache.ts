/**
 * Semantic cache of answers to general questions (hours, delivery, payment, "what is indica"):
 * an exact hit from the cache (semantic:{hash}), a near hit (cosine >= 0.95) from the
 * semantic_cache table — pgvector's `<=>` with an HNSW index where the database has the
 * extension, brute-force cosine otherwise. Embeddings come from EMBEDDING_MODEL when a provider
 * is configured, else from hashed character n-grams (no model weights). Only answers that do not
 * depend on the customer or the cart are stored; the settings and catalog changes clear it.
 */
import { createHash } from "node:crypto";
import type { EmbeddingModelV3 } from "@ai-sdk/provider";
import { embed } from "ai";
import { sql } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { AppCache } from "../cache/types.js";
import { type DatabaseHandle, type Db, execRows } from "../db/client.js";
import { semanticCache } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { normalizeText } from "./lexicon.js";

export const NEAR_HIT_MIN = 0.95;
export const LOCAL_DIMS = 256;
/** Brute force compares at most this many recent rows (no pgvector). */
const BRUTE_FORCE_ROWS = 2000;

export interface CachedAnswer {
  content: string;
  topic: string;
  language: string;
  openNow: boolean;
}

export interface SemanticKey {
  text: string;
  language: string;
  topic: string;
  /** Answers about hours may say "we're open now": they are cached per open/closed state. */
  openNow: boolean;
}

function normalizeQuestion(s: string): string {
  return normalizeText(s)
    .replace(/[^\p{L}\p{M}\p{N} ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function semanticHash(k: SemanticKey): string {
  return createHash("sha256")
    .update(`${k.language}|${k.topic}|${k.openNow ? 1 : 0}|${normalizeQuestion(k.text)}`)
    .digest("hex")
    .slice(0, 32);
}

/** FNV-1a, for n-gram buckets. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hashed character n-grams in signed buckets, L2-normalized: no model needed. */
export function localEmbedding(text: string, dims = LOCAL_DIMS): number[] {
  const v = new Float64Array(dims);
  const t = ` ${normalizeQuestion(text)} `;
  const add = (g: string, w: number) => {
    const h = fnv(g);
    v[h % dims]! += h & 0x80000000 ? -w : w;
  };
  // Character 2- and 3-grams: a typo or a greeting keeps a question above 0.95, another question falls far below.
  for (let n = 2; n <= 3; n++) for (let i = 0; i + n <= t.length; i++) add(t.slice(i, i + n), 1);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return Array.from(v, (x) => Math.round((x / norm) * 1e6) / 1e6);
}

export function cosine(a: number[], b: number[]): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export type SemanticDeps = Pick<Deps, "db" | "cache" | "clock" | "database" | "logger">;

export class SemanticCache {
  constructor(
    private readonly deps: SemanticDeps,
    private readonly embeddingModel?: EmbeddingModelV3,
  ) {}

  async embed(text: string): Promise<number[]> {
    if (!this.embeddingModel) return localEmbedding(text);
    const { embedding } = await embed({
      model: this.embeddingModel,
      value: normalizeQuestion(text),
      maxRetries: 1,
    });
    return embedding;
  }

  /** An exact hit from the cache, else the nearest stored question at cosine >= 0.95. */
  async lookup(
    k: SemanticKey,
  ): Promise<{ answer: CachedAnswer; kind: "exact" | "near"; similarity: number } | undefined> {
    const hash = semanticHash(k);
    const exact = await this.deps.cache.get<CachedAnswer>(CacheKeys.semanticQuery(hash));
    if (exact) return { answer: exact, kind: "exact", similarity: 1 };
    const vec = await this.embed(k.text);
    const near = await this.nearest(vec, k);
    if (!near || near.similarity < NEAR_HIT_MIN) return undefined;
    // Promote: the next identical question is an exact hit.
    await this.deps.cache.set(CacheKeys.semanticQuery(hash), near.answer, { ttl: CacheTTL.semanticQuery });
    return { answer: near.answer, kind: "near", similarity: near.similarity };
  }

  async store(k: SemanticKey, content: string): Promise<void> {
    const hash = semanticHash(k);
    const answer: CachedAnswer = { content, topic: k.topic, language: k.language, openNow: k.openNow };
    const embedding = await this.embed(k.text);
    const now = this.deps.clock.now();
    await this.deps.db
      .insert(semanticCache)
      .values({
        queryHash: hash,
        queryText: k.text.slice(0, 1000),
        language: k.language,
        answer: answer as unknown as Record<string, unknown>,
        embedding,
        createdAt: now,
        expiresAt: new Date(now.getTime() + CacheTTL.semanticQuery * 1000),
      })
      .onConflictDoNothing({ target: semanticCache.queryHash });
    await this.deps.cache.set(CacheKeys.semanticQuery(hash), answer, { ttl: CacheTTL.semanticQuery });
  }

  private async nearest(
    vec: number[],
    k: SemanticKey,
  ): Promise<{ answer: CachedAnswer; similarity: number } | undefined> {
    const nowIso = this.deps.clock.now().toISOString();
    const filter = sql`language = ${k.language} and answer->>'topic' = ${k.topic}
      and (answer->>'openNow')::boolean = ${k.openNow} and expires_at > ${nowIso}::timestamptz
      and array_length(embedding, 1) = ${sql.raw(String(Math.trunc(vec.length)))}`;
    if (this.deps.database.hasVector) {
      const lit = `[${vec.join(",")}]`;
      // The expression matches the HNSW index for local (256-dim) embeddings.
      const dist =
        vec.length === LOCAL_DIMS
          ? sql`(embedding::vector(256) <=> ${lit}::vector(256))`
          : sql`(embedding::vector <=> ${lit}::vector)`;
      const [row] = await execRows<{ answer: CachedAnswer; distance: number }>(
        this.deps.db,
        sql`select answer, ${dist} as distance from semantic_cache where ${filter} order by ${dist} limit 1`,
      );
      return row ? { answer: row.answer, similarity: 1 - Number(row.distance) } : undefined;
    }
    const rows = await execRows<{ answer: CachedAnswer; embedding: number[] }>(
      this.deps.db,
      sql`select answer, embedding from semantic_cache where ${filter} order by created_at desc limit ${BRUTE_FORCE_ROWS}`,
    );
    let best: { answer: CachedAnswer; similarity: number } | undefined;
    for (const r of rows) {
      const s = cosine(vec, r.embedding.map(Number));
      if (!best || s > best.similarity) best = { answer: r.answer, similarity: s };
    }
    return best;
  }
}

/** The HNSW index for local embeddings, where pgvector exists (called at start; idempotent). */
export async function ensureSemanticIndex(database: DatabaseHandle): Promise<void> {
  if (!database.hasVector) return;
  await database.query(
    "create index if not exists semantic_cache_embedding_idx on semantic_cache using hnsw ((embedding::vector(256)) vector_cosine_ops) where array_length(embedding, 1) = 256",
  );
}

/** Drops every cached answer (settings or catalog changed): the table and the semantic:* keys. */
export async function clearSemanticCache(deps: { db: Db; cache: AppCache }): Promise<void> {
  await deps.db.delete(semanticCache);
  await deps.cache.deleteByPrefix("semantic:");
}
