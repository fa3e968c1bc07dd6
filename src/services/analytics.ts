/**
 * The owner's numbers (seed 000 shapes), each read through its analytics:* cache key with the
 * seeds' TTL. Writes that change a figure delete its key (see invalidateOrderAnalytics and
 * docs/notes/customers-analytics.md); everything else is at most one TTL old.
 */
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { AppCache } from "../cache/types.js";
import { registerWarmup } from "../cache/warmup.js";
import * as q from "../db/queries/analytics.js";
import type { Deps } from "../deps.js";
import { getSettings, shopLocalParts } from "./settings.js";

type AnalyticsDeps = Pick<Deps, "db" | "cache" | "clock">;

const DAY_MS = 86_400_000;
/** Daily chart series are cached like today's figures: they end with today. */
const DAILY_TTL = CacheTTL.todayMetrics;
const dailyKey = (days: number) => `analytics:daily:${days}`;

export interface TodayMetrics {
  total_orders: number;
  total_revenue: string;
  total_conversations: number;
  /** Percent of today's conversations that led to a (non-cancelled) order, one decimal. */
  conversion_rate: string;
  avg_order_value: string;
  new_users: number;
  returning_users: number;
  date: string;
  timeZone: string;
}

export interface UserEngagement {
  dailyActiveUsers: number;
  weeklyActiveUsers: number;
  monthlyActiveUsers: number;
  /** Seconds. */
  avgSessionDuration: number;
  avgMessagesPerSession: number;
}

export interface AiPerformance {
  totalMessages: number;
  /** Milliseconds per model call. */
  avgResponseTime: number;
  /** Percent of model calls that failed. */
  errorRate: number;
  /** Average 1-5 rating; null until a customer rated a conversation. */
  satisfactionScore: number | null;
  ratingsCount: number;
  totalCost: string;
  costToday: string;
}

export interface FunnelStep {
  step: "session" | "chat" | "product_view" | "order_attempt" | "order";
  count: number;
  /** Percent of the previous step, one decimal (100 for the first). */
  rate: number;
  /** Percent of the first step. */
  overallRate: number;
}

export interface ConversionFunnel {
  startDate: string;
  endDate: string;
  timeZone: string;
  steps: FunnelStep[];
  conversionRate: number;
}

/** a / b as a percent with one decimal, halves rounded up; 0 when b is 0. */
export function percent(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.round((a * 1000) / b) / 10;
}

export function localDate(d: Date, timeZone: string): string {
  const p = shopLocalParts(d, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** YYYY-MM-DD `days` calendar days before `date` (UTC arithmetic on a date has no DST). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

async function shopZone(deps: AnalyticsDeps) {
  const { timeZone } = await getSettings(deps);
  const now = deps.clock.now();
  return { timeZone, now, today: localDate(now, timeZone) };
}

export async function getTodayMetrics(deps: AnalyticsDeps): Promise<TodayMetrics> {
  return deps.cache.getOrSet(
    CacheKeys.todayMetrics(),
    async () => {
      const { timeZone, today } = await shopZone(deps);
      const r = await q.dayMetrics(deps.db, { date: today, timeZone });
      return {
        total_orders: r.total_orders,
        total_revenue: r.total_revenue,
        total_conversations: r.total_conversations,
        conversion_rate: percent(r.converted_conversations, r.total_conversations).toFixed(1),
        avg_order_value: r.avg_order_value,
        new_users: r.new_users,
        returning_users: r.returning_users,
        date: today,
        timeZone,
      };
    },
    { ttl: CacheTTL.todayMetrics },
  );
}

export async function getTopProducts(
  deps: AnalyticsDeps,
  opts: { daysBack: number; limit: number },
): Promise<q.TopProductRow[]> {
  return deps.cache.getOrSet(
    CacheKeys.topProducts(opts.daysBack, opts.limit),
    () =>
      q.topProducts(deps.db, {
        since: new Date(deps.clock.now().getTime() - opts.daysBack * DAY_MS),
        limit: opts.limit,
      }),
    { ttl: CacheTTL.topProducts },
  );
}

/** Orders and revenue per shop-local day for the last `days` days, ending today. */
export async function getDailyRevenue(deps: AnalyticsDeps, days: number): Promise<q.DailyRow[]> {
  return deps.cache.getOrSet(
    dailyKey(days),
    async () => {
      const { timeZone, today } = await shopZone(deps);
      return q.dailyRevenue(deps.db, { from: addDays(today, -(days - 1)), to: today, timeZone });
    },
    { ttl: DAILY_TTL },
  );
}

export async function getUserEngagement(deps: AnalyticsDeps): Promise<UserEngagement> {
  return deps.cache.getOrSet(
    CacheKeys.userEngagement(),
    async () => {
      const r = await q.engagement(deps.db, { now: deps.clock.now() });
      return {
        dailyActiveUsers: r.daily,
        weeklyActiveUsers: r.weekly,
        monthlyActiveUsers: r.monthly,
        avgSessionDuration: Number(r.avg_session_seconds),
        avgMessagesPerSession: Number(r.avg_messages),
      };
    },
    { ttl: CacheTTL.userEngagement },
  );
}

export async function getAiPerformance(deps: AnalyticsDeps): Promise<AiPerformance> {
  return deps.cache.getOrSet(
    CacheKeys.aiPerformance(),
    async () => {
      const { timeZone, now, today } = await shopZone(deps);
      const r = await q.aiPerformance(deps.db, { now, today, timeZone });
      return {
        totalMessages: r.total_messages,
        avgResponseTime: Number(r.avg_latency_ms),
        errorRate: Number(r.error_rate),
        satisfactionScore: r.satisfaction === null ? null : Number(r.satisfaction),
        ratingsCount: r.ratings,
        totalCost: r.total_cost,
        costToday: r.cost_today,
      };
    },
    { ttl: CacheTTL.aiPerformance },
  );
}

/** The funnel between two shop-local dates (inclusive); default: the last 7 days. */
export async function getConversionFunnel(
  deps: AnalyticsDeps,
  range: { startDate?: string; endDate?: string } = {},
): Promise<ConversionFunnel> {
  const { timeZone, today } = await shopZone(deps);
  const endDate = range.endDate ?? today;
  const startDate = range.startDate ?? addDays(endDate, -6);
  return deps.cache.getOrSet(
    CacheKeys.conversionFunnel(`${startDate}_${endDate}`),
    async () => {
      const r = await q.funnel(deps.db, { from: startDate, to: endDate, timeZone });
      const counts: Array<[FunnelStep["step"], number]> = [
        ["session", r.sessions],
        ["chat", r.chats],
        ["product_view", r.product_views],
        ["order_attempt", r.order_attempts],
        ["order", r.orders],
      ];
      const first = r.sessions;
      const steps = counts.map(([step, count], i) => ({
        step,
        count,
        rate: i === 0 ? (count > 0 ? 100 : 0) : percent(count, counts[i - 1]?.[1] ?? 0),
        overallRate: percent(count, first),
      }));
      return { startDate, endDate, timeZone, steps, conversionRate: percent(r.orders, first) };
    },
    { ttl: CacheTTL.conversionFunnel },
  );
}

export interface AllMetrics {
  today: TodayMetrics;
  topProducts: q.TopProductRow[];
  userEngagement: UserEngagement;
  aiPerformance: AiPerformance;
  funnel: ConversionFunnel;
  daily: q.DailyRow[];
}

export async function getAllMetrics(deps: AnalyticsDeps): Promise<AllMetrics> {
  // One after another: a cold dashboard should not open five heavy queries at once.
  const today = await getTodayMetrics(deps);
  const topProducts = await getTopProducts(deps, { daysBack: 7, limit: 10 });
  const userEngagement = await getUserEngagement(deps);
  const aiPerformance = await getAiPerformance(deps);
  const funnel = await getConversionFunnel(deps);
  const daily = await getDailyRevenue(deps, 30);
  return { today, topProducts, userEngagement, aiPerformance, funnel, daily };
}

/**
 * Call after an order's status changes (cancel, un-cancel): revenue, top products and the daily
 * series move. Order creation already deletes analytics:today through orderCacheKeys.
 */
export async function invalidateOrderAnalytics(cache: AppCache): Promise<void> {
  await cache.delete(CacheKeys.todayMetrics());
  await cache.deleteByPrefix("analytics:top-products:");
  await cache.deleteByPrefix("analytics:daily:");
  await cache.deleteByPrefix("analytics:funnel:");
}

registerWarmup("analytics", (deps) => getAllMetrics(deps));
