/**
 * Analytics SQL (seed 000 shapes). Every "day" is a calendar day in the shop's time zone: the
 * bounds are computed in SQL from a local date string, so DST and offsets are PostgreSQL's job.
 * Money leaves the database as numeric text ("1234.50"), counts as int, never as floats.
 * Cancelled orders never count as orders or revenue.
 */
import { type SQL, sql } from "drizzle-orm";
import { type DbOrTx, execRows } from "../client.js";

/** The instant a shop-local date (YYYY-MM-DD) starts, as SQL. */
function dayStart(date: string, tz: string): SQL {
  return sql`((${date}::date)::timestamp at time zone ${tz}::text)`;
}
/** The instant after the last moment of a shop-local date. */
function dayEnd(date: string, tz: string): SQL {
  return sql`((${date}::date + 1)::timestamp at time zone ${tz}::text)`;
}
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export interface TodayRow {
  total_orders: number;
  total_revenue: string;
  total_conversations: number;
  converted_conversations: number;
  avg_order_value: string;
  new_users: number;
  returning_users: number;
}

/** One shop-local day's figures. A conversation converts when a non-cancelled order links to it. */
export async function dayMetrics(db: DbOrTx, q: { date: string; timeZone: string }): Promise<TodayRow> {
  const s = dayStart(q.date, q.timeZone);
  const e = dayEnd(q.date, q.timeZone);
  const [row] = await execRows<TodayRow>(
    db,
    sql`
    with o as (
      select count(*)::int as n, coalesce(sum(total_amount), 0) as rev
      from orders where created_at >= ${s} and created_at < ${e} and status <> 'cancelled'
    ), c as (
      select count(*)::int as n,
        count(*) filter (where exists (
          select 1 from orders x where x.conversation_id = cv.id and x.status <> 'cancelled'
        ))::int as converted
      from conversations cv where cv.started_at >= ${s} and cv.started_at < ${e}
    ), nu as (
      select count(*)::int as n from user_profiles
      where first_visit >= ${s} and first_visit < ${e} and merged_into is null
    ), ru as (
      select count(distinct cv.user_profile_id)::int as n
      from conversations cv join user_profiles p on p.id = cv.user_profile_id
      where cv.last_message_at >= ${s} and cv.started_at < ${e} and p.first_visit < ${s}
    )
    select o.n as total_orders,
      o.rev::numeric(14,2)::text as total_revenue,
      c.n as total_conversations,
      c.converted as converted_conversations,
      (case when o.n = 0 then 0 else round(o.rev / o.n, 2) end)::numeric(14,2)::text as avg_order_value,
      nu.n as new_users,
      ru.n as returning_users
    from o, c, nu, ru`,
  );
  if (!row) throw new Error("day metrics returned no row");
  return row;
}

export interface TopProductRow {
  product_name: string;
  order_count: number;
  total_quantity: number;
  total_revenue: string;
}

/** Products by how many orders they were in since `since`; revenue is the sum of line totals. */
export async function topProducts(db: DbOrTx, q: { since: Date; limit: number }): Promise<TopProductRow[]> {
  const rows = await execRows<{
    product_name: string;
    order_count: number;
    total_quantity: string;
    total_revenue: string;
  }>(
    db,
    sql`
    select li->>'product_name' as product_name,
      count(distinct o.id)::int as order_count,
      sum((li->>'quantity')::numeric)::text as total_quantity,
      sum((li->>'total_price')::numeric)::numeric(14,2)::text as total_revenue
    from orders o cross join lateral jsonb_array_elements(o.items) li
    where o.created_at >= ${ts(q.since)} and o.status <> 'cancelled'
    group by 1
    order by order_count desc, sum((li->>'total_price')::numeric) desc, product_name asc
    limit ${q.limit}`,
  );
  return rows.map((r) => ({ ...r, total_quantity: Number(r.total_quantity) }));
}

export interface DailyRow {
  date: string;
  orders: number;
  revenue: string;
}

/** Orders and revenue per shop-local day from `from` to `to` (inclusive), zero days included. */
export async function dailyRevenue(
  db: DbOrTx,
  q: { from: string; to: string; timeZone: string },
): Promise<DailyRow[]> {
  return execRows<DailyRow>(
    db,
    sql`
    with days as (
      select d::date as day from generate_series(${q.from}::date, ${q.to}::date, interval '1 day') d
    )
    select to_char(days.day, 'YYYY-MM-DD') as date,
      count(o.id)::int as orders,
      coalesce(sum(o.total_amount), 0)::numeric(14,2)::text as revenue
    from days left join orders o
      on o.status <> 'cancelled'
      and o.created_at >= (days.day::timestamp at time zone ${q.timeZone}::text)
      and o.created_at < ((days.day + 1)::timestamp at time zone ${q.timeZone}::text)
    group by days.day order by days.day`,
  );
}

export interface EngagementRow {
  daily: number;
  weekly: number;
  monthly: number;
  avg_session_seconds: number;
  avg_messages: number;
  sessions: number;
}

/**
 * Active users = distinct customers who sent a message in the last 1 / 7 / 30 days before `now`.
 * Sessions = conversations started in the last 30 days; duration = last message − start.
 */
export async function engagement(db: DbOrTx, q: { now: Date }): Promise<EngagementRow> {
  const now = ts(q.now);
  const [row] = await execRows<EngagementRow>(
    db,
    sql`
    with m as (
      select user_profile_id, created_at from messages
      where role = 'user' and created_at > ${now} - interval '30 days' and created_at <= ${now}
    ), s as (
      select extract(epoch from (last_message_at - started_at)) as secs, message_count
      from conversations where started_at > ${now} - interval '30 days' and started_at <= ${now}
    )
    select
      (select count(distinct user_profile_id) from m where created_at > ${now} - interval '1 day')::int as daily,
      (select count(distinct user_profile_id) from m where created_at > ${now} - interval '7 days')::int as weekly,
      (select count(distinct user_profile_id) from m)::int as monthly,
      (select coalesce(round(avg(secs)), 0) from s)::float8 as avg_session_seconds,
      (select coalesce(round(avg(message_count), 1), 0) from s)::float8 as avg_messages,
      (select count(*) from s)::int as sessions`,
  );
  if (!row) throw new Error("engagement returned no row");
  return row;
}

export interface AiPerformanceRow {
  total_messages: number;
  traces: number;
  avg_latency_ms: number;
  error_rate: number;
  satisfaction: number | null;
  ratings: number;
  total_cost: string;
  cost_today: string;
}

/**
 * The assistant over the last 30 days: its messages, model-call latency and error share (from
 * llm_traces), customers' 1-5 ratings of conversations, and cost (all and since `todayStart`).
 */
export async function aiPerformance(
  db: DbOrTx,
  q: { now: Date; today: string; timeZone: string },
): Promise<AiPerformanceRow> {
  const now = ts(q.now);
  const [row] = await execRows<AiPerformanceRow>(
    db,
    sql`
    with t as (
      select latency_ms, status, cost, created_at from llm_traces
      where created_at > ${now} - interval '30 days' and created_at <= ${now}
    ), r as (
      select user_satisfaction from conversations
      where user_satisfaction is not null and started_at > ${now} - interval '30 days' and started_at <= ${now}
    )
    select
      (select count(*) from messages where role = 'assistant'
        and created_at > ${now} - interval '30 days' and created_at <= ${now})::int as total_messages,
      (select count(*) from t)::int as traces,
      (select coalesce(round(avg(latency_ms)::numeric), 0) from t)::float8 as avg_latency_ms,
      (select case when count(*) = 0 then 0
        else round(count(*) filter (where status = 'ERROR') * 100.0 / count(*), 1) end from t)::float8 as error_rate,
      (select round(avg(user_satisfaction), 1) from r)::float8 as satisfaction,
      (select count(*) from r)::int as ratings,
      (select coalesce(sum(cost), 0) from t)::numeric(14,6)::text as total_cost,
      (select coalesce(sum(cost), 0) from t where created_at >= ${dayStart(q.today, q.timeZone)})::numeric(14,6)::text
        as cost_today`,
  );
  if (!row) throw new Error("ai performance returned no row");
  return row;
}

export interface FunnelRow {
  sessions: number;
  chats: number;
  product_views: number;
  order_attempts: number;
  orders: number;
}

/**
 * Distinct customers reaching each stage between two shop-local dates (inclusive), from
 * agent_events: session_start → chat_message → product_view|product_click → order_attempt →
 * order_success.
 */
export async function funnel(
  db: DbOrTx,
  q: { from: string; to: string; timeZone: string },
): Promise<FunnelRow> {
  const s = dayStart(q.from, q.timeZone);
  const e = dayEnd(q.to, q.timeZone);
  const [row] = await execRows<FunnelRow>(
    db,
    sql`
    with ev as (
      select event_type, user_profile_id from agent_events
      where created_at >= ${s} and created_at < ${e} and user_profile_id is not null
    )
    select
      count(distinct user_profile_id) filter (where event_type = 'session_start')::int as sessions,
      count(distinct user_profile_id) filter (where event_type = 'chat_message')::int as chats,
      count(distinct user_profile_id) filter (where event_type in ('product_view', 'product_click'))::int
        as product_views,
      count(distinct user_profile_id) filter (where event_type = 'order_attempt')::int as order_attempts,
      count(distinct user_profile_id) filter (where event_type = 'order_success')::int as orders
    from ev`,
  );
  if (!row) throw new Error("funnel returned no row");
  return row;
}
