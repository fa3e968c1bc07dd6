/**
 * LLM traces (seed 003): one row per model call (node, status, error category, latency, tokens,
 * cost) plus llm_usage per turn, and the cost reports of the admin API. Cost comes from a price
 * table per model, computed exactly in millionths of a dollar; the offline assistant and local
 * models cost 0.
 */
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { type DbOrTx, execRows } from "../db/client.js";
import { llmTraces } from "../db/schema.js";
import { type Jsonify, jsonify } from "./json.js";

export type TraceStatus = "SUCCESS" | "ERROR" | "BLOCKED" | "ESCALATED";
export type ErrorCategory = "SCHEMA" | "BUSINESS" | "SAFETY" | "SYSTEM" | "TIMEOUT";
export type Trace = Jsonify<typeof llmTraces.$inferSelect>;

/** USD per 1M tokens [input, output]. Models not listed (local ones) cost 0. */
export const MODEL_PRICES: Record<string, readonly [input: string, output: string]> = {
  "gpt-4o-mini": ["0.15", "0.60"],
  "gpt-4o": ["2.50", "10.00"],
  "gpt-4.1": ["2.00", "8.00"],
  "gpt-4.1-mini": ["0.40", "1.60"],
  "gpt-4.1-nano": ["0.10", "0.40"],
  "gpt-5": ["1.25", "10.00"],
  "gpt-5-mini": ["0.25", "2.00"],
  "gpt-5-nano": ["0.05", "0.40"],
  "gpt-3.5-turbo": ["0.50", "1.50"],
};

/** "0.15" → 150000 (millionths of a dollar per 1M tokens). */
function micros(price: string): bigint {
  const [w, f = ""] = price.split(".");
  return BigInt(w ?? "0") * 1_000_000n + BigInt(`${f}000000`.slice(0, 6));
}

/** Cost in dollars with 6 decimals, e.g. "0.000450". Rounded half up to the millionth. */
export function costOf(model: string, tokensIn: number, tokensOut: number): string {
  const key = model.replace(/^openai\//, "").toLowerCase();
  const price = MODEL_PRICES[key] ?? MODEL_PRICES[key.replace(/-\d{4}-\d{2}-\d{2}$/, "")];
  if (!price) return "0.000000";
  const perMillionTokens = BigInt(tokensIn) * micros(price[0]) + BigInt(tokensOut) * micros(price[1]);
  const m = (perMillionTokens + 500_000n) / 1_000_000n;
  return `${m / 1_000_000n}.${(m % 1_000_000n).toString().padStart(6, "0")}`;
}

export interface TraceInput {
  traceId: string;
  conversationId: string | null;
  userProfileId: string | null;
  nodeName: string;
  stateName?: string | null;
  input?: unknown;
  output?: unknown;
  status: TraceStatus;
  errorCategory?: ErrorCategory | null;
  errorMessage?: string | null;
  latencyMs: number;
  tokensIn: number;
  tokensOut: number;
  modelName: string;
  createdAt: Date;
}

/** Classifies a model error for the trace. */
export function errorCategoryOf(err: unknown): ErrorCategory {
  const e = err as { name?: string; message?: string; cause?: unknown } | undefined;
  const name = e?.name ?? "";
  const msg = `${e?.message ?? ""}`.toLowerCase();
  if (name === "AbortError" || name === "TimeoutError" || msg.includes("timeout") || msg.includes("aborted"))
    return "TIMEOUT";
  if (/InvalidToolInput|NoSuchTool|TypeValidation|JSONParse|InvalidResponseData/.test(name)) return "SCHEMA";
  if (msg.includes("content filter") || msg.includes("content_filter")) return "SAFETY";
  return "SYSTEM";
}

function row(t: TraceInput) {
  return {
    id: crypto.randomUUID(),
    trace_id: t.traceId,
    conversation_id: t.conversationId,
    user_profile_id: t.userProfileId,
    node_name: t.nodeName,
    state_name: t.stateName ?? null,
    input_snapshot: t.input ?? null,
    output_snapshot: t.output ?? null,
    status: t.status,
    error_category: t.errorCategory ?? null,
    error_message: t.errorMessage ?? null,
    latency_ms: Math.round(t.latencyMs * 100) / 100,
    tokens_in: t.tokensIn,
    tokens_out: t.tokensOut,
    cost: costOf(t.modelName, t.tokensIn, t.tokensOut),
    model_name: t.modelName,
    created_at: t.createdAt.toISOString(),
  };
}

/**
 * Statements that insert the traces and one llm_usage row per model, usable as CTEs of a
 * larger write (the turn saves its results in one round trip) or on their own.
 */
/** The rows of llm_traces and llm_usage (one per model) for these traces, as jsonb_to_recordset takes them. */
export function traceRecords(traces: TraceInput[]) {
  const rows = traces.map(row);
  const byModel = new Map<string, { tokens_in: number; tokens_out: number }>();
  for (const r of rows) {
    const u = byModel.get(r.model_name) ?? { tokens_in: 0, tokens_out: 0 };
    u.tokens_in += r.tokens_in;
    u.tokens_out += r.tokens_out;
    byModel.set(r.model_name, u);
  }
  const first = traces[0];
  const usage = first
    ? [...byModel].map(([model, u]) => ({
        user_profile_id: first.userProfileId,
        conversation_id: first.conversationId,
        model,
        tokens_in: u.tokens_in,
        tokens_out: u.tokens_out,
        cost: costOf(model, u.tokens_in, u.tokens_out),
        created_at: first.createdAt.toISOString(),
      }))
    : [];
  return { traces: rows, usage };
}

/** `insert … select from jsonb_to_recordset(<param>)` of traceRecords().traces; `param` is e.g. "$10". */
export function traceInsertSql(param: string): string {
  return `insert into llm_traces (id, trace_id, conversation_id, user_profile_id, node_name, state_name,
        input_snapshot, output_snapshot, status, error_category, error_message, latency_ms, tokens_in, tokens_out,
        cost, model_name, created_at)
      select id, trace_id, conversation_id, user_profile_id, node_name, state_name, input_snapshot, output_snapshot,
        status, error_category, error_message, latency_ms, tokens_in, tokens_out, cost, model_name, created_at
      from jsonb_to_recordset(${param}::jsonb) as x(id uuid, trace_id uuid, conversation_id uuid,
        user_profile_id uuid, node_name text, state_name text, input_snapshot jsonb, output_snapshot jsonb, status text,
        error_category text, error_message text, latency_ms real, tokens_in int, tokens_out int, cost numeric,
        model_name text, created_at timestamptz)`;
}

/** The same for traceRecords().usage. */
export function usageInsertSql(param: string): string {
  return `insert into llm_usage (user_profile_id, conversation_id, model, tokens_in, tokens_out, cost, created_at)
      select user_profile_id, conversation_id, model, tokens_in, tokens_out, cost, created_at
      from jsonb_to_recordset(${param}::jsonb) as x(user_profile_id uuid, conversation_id uuid,
        model text, tokens_in int, tokens_out int, cost numeric, created_at timestamptz)`;
}

/**
 * Statements that insert the traces and one llm_usage row per model, usable as CTEs of a
 * larger write or on their own.
 */
export function traceInserts(traces: TraceInput[]): { traces: SQL; usage: SQL } | undefined {
  if (traces.length === 0) return undefined;
  const r = traceRecords(traces);
  return {
    traces: withJsonParam(traceInsertSql, r.traces),
    usage: withJsonParam(usageInsertSql, r.usage),
  };
}

/** A statement text builder with one placeholder, as drizzle SQL with the value as its parameter. */
export function withJsonParam(text: (param: string) => string, value: unknown): SQL {
  const [before, after] = text("\u0000").split("\u0000") as [string, string];
  return sql`${sql.raw(before)}${JSON.stringify(value)}${sql.raw(after)}`;
}

export async function recordTraces(db: DbOrTx, traces: TraceInput[]): Promise<void> {
  const ins = traceInserts(traces);
  if (!ins) return;
  await execRows(db, sql`with t as (${ins.traces}), u as (${ins.usage}) select 1`);
}

export interface TraceQuery {
  conversationId?: string;
  status?: TraceStatus;
  limit: number;
  offset: number;
}

export async function listTraces(db: DbOrTx, q: TraceQuery): Promise<{ items: Trace[]; total: number }> {
  const where = and(
    q.conversationId ? eq(llmTraces.conversationId, q.conversationId) : undefined,
    q.status ? eq(llmTraces.status, q.status) : undefined,
  );
  const [items, [count]] = await Promise.all([
    db
      .select()
      .from(llmTraces)
      .where(where)
      .orderBy(desc(llmTraces.createdAt))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(llmTraces).where(where),
  ]);
  return { items: jsonify(items), total: Number(count?.n ?? 0) };
}

export interface CostRow {
  key: string;
  calls: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  cost: string;
  avgLatencyMs: number;
}

/** Cost per conversation or per day (UTC), newest first, over an optional time window. */
export async function costReport(
  db: DbOrTx,
  by: "conversation" | "day",
  window: { from?: Date; to?: Date; limit?: number } = {},
): Promise<CostRow[]> {
  const key =
    by === "day"
      ? sql`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`
      : sql`coalesce(conversation_id::text, 'none')`;
  const conds: SQL[] = [];
  if (window.from) conds.push(sql`created_at >= ${window.from.toISOString()}::timestamptz`);
  if (window.to) conds.push(sql`created_at < ${window.to.toISOString()}::timestamptz`);
  const where = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
  const rows = await execRows<{
    key: string;
    calls: number;
    errors: number;
    tokens_in: number;
    tokens_out: number;
    cost: string;
    avg_latency: number;
    last: string;
  }>(
    db,
    sql`select ${key} as key, count(*)::int as calls, count(*) filter (where status = 'ERROR')::int as errors,
          coalesce(sum(tokens_in), 0)::int as tokens_in, coalesce(sum(tokens_out), 0)::int as tokens_out,
          coalesce(sum(cost), 0)::numeric(14,6)::text as cost, coalesce(avg(latency_ms), 0)::float8 as avg_latency,
          max(created_at) as last
        from llm_traces ${where} group by 1 order by max(created_at) desc limit ${window.limit ?? 100}`,
  );
  return rows.map((r) => ({
    key: r.key,
    calls: Number(r.calls),
    errors: Number(r.errors),
    tokensIn: Number(r.tokens_in),
    tokensOut: Number(r.tokens_out),
    cost: r.cost,
    avgLatencyMs: Math.round(Number(r.avg_latency) * 100) / 100,
  }));
}
