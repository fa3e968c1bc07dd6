/**
 * The turn's writes of concurrent turns are group-committed: the rows must be exactly those the
 * turns would have written one by one, each turn gets its own counters back, and a bad turn in a
 * batch fails alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTurn, startTurn, turnWriters } from "../../src/agent/persist.js";
import { parseState } from "../../src/agent/state.js";
import { type Conversation, getOrCreateConversation } from "../../src/services/conversations.js";
import { getOrCreateWebProfile, type Profile } from "../../src/services/profiles.js";
import { createTestDeps } from "../helpers/app.js";

type Deps = Awaited<ReturnType<typeof createTestDeps>>;
let deps: Deps;

beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => {
  await deps.close();
});

async function customerWith(n: number, userId: string) {
  const profile = await getOrCreateWebProfile(deps, userId);
  const conversations: Conversation[] = [];
  for (let i = 0; i < n; i++) {
    // A second conversation of one customer on another channel (one open conversation per channel).
    conversations.push(
      await getOrCreateConversation(deps, {
        profileId: profile.id,
        channel: i === 0 ? "web" : "telegram",
        language: "en",
        timeoutMinutes: 30,
      }),
    );
  }
  return { profile, conversations };
}

const q = <T>(text: string, params: unknown[] = []) => deps.database.query<T>(text, params);

describe("group-committed turn writes", () => {
  it("writes the same rows as turns written one by one, in fewer statements", async () => {
    const customers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => customerWith(i === 0 ? 2 : 1, `gc-user-${i}`)),
    );
    const turns = customers.flatMap((c) =>
      c.conversations.map((conversation) => ({ profile: c.profile, conversation })),
    );
    expect(turns).toHaveLength(11);
    const w = turnWriters(deps.database);
    const before = { ...w.turns.stats, ...w.counts };

    // All at once, as concurrent requests would.
    const started = await Promise.all(
      turns.map((t, i) =>
        startTurn(deps, {
          profile: t.profile as Profile,
          conversation: t.conversation,
          history: [],
          text: `message ${i}`,
          language: "en",
          channel: t.conversation.channel,
        }),
      ),
    );
    // Turn 0's staff record exists already (its subject was notified before): not written again.
    const noteKey = (i: number) => `test:${started[i]!.conversation.id}`;
    await q(
      "insert into notifications (type, dedupe_key, user_profile_id, conversation_id, payload) values ('feedback', $1, $2, $3, '{}')",
      [noteKey(0), started[0]!.profile.id, started[0]!.conversation.id],
    );
    const finished = await Promise.all(
      started.map((s, i) =>
        finishTurn(deps, {
          conversation: s.conversation,
          history: s.history,
          reply: { content: `reply ${i}`, language: "en", productCards: ["OG Kush"], metadata: {} },
          session: { state: parseState(undefined), version: 0 },
          state: { ...parseState(undefined), turn: 1 },
          traces: [
            {
              traceId: crypto.randomUUID(),
              conversationId: s.conversation.id,
              userProfileId: s.profile.id,
              nodeName: "respond",
              status: "SUCCESS",
              latencyMs: 1,
              tokensIn: 10,
              tokensOut: 5,
              modelName: "offline",
              createdAt: new Date(),
            },
          ],
          events: [
            { eventType: "agent_error", userProfileId: s.profile.id, conversationId: s.conversation.id },
          ],
          notifications: [
            {
              type: "feedback",
              dedupe_key: noteKey(i),
              user_profile_id: s.profile.id,
              conversation_id: s.conversation.id,
              payload: { note: `turn ${i}` },
              created_at: new Date().toISOString(),
            },
          ],
        }),
      ),
    );

    // Staff records: each turn's new one is written and reported with its id; the existing one is not.
    expect(finished[0]!.notifications).toEqual([]);
    for (const [i, f] of finished.entries()) {
      if (i === 0) continue;
      expect(f.notifications).toHaveLength(1);
      const [row] = await q<{ id: string; type: string; payload: { note: string } }>(
        "select id, type, payload from notifications where dedupe_key = $1",
        [noteKey(i)],
      );
      expect(row).toMatchObject({
        id: f.notifications[0]!.id,
        type: "feedback",
        payload: { note: `turn ${i}` },
      });
      expect(f.notifications[0]!.type).toBe("feedback");
    }
    const [zero] = await q<{ n: number }>(
      "select count(*)::int as n from notifications where dedupe_key = $1",
      [noteKey(0)],
    );
    expect(Number(zero?.n)).toBe(1);

    // Batches really formed (the first writes go alone, the rest wait and go together).
    expect(w.counts.starts - before.starts).toBe(11);
    expect(w.counts.finishes - before.finishes).toBe(11);
    expect(w.turns.stats.batches - before.batches).toBeLessThan(11);
    expect(w.turns.stats.fallbacks - before.fallbacks).toBe(0);

    // Each turn got its own conversation's counters back.
    for (const s of started) expect(s.conversation.messageCount).toBe(1);
    // The customer with two conversations: both messages counted on the one profile.
    const [twoConv] = await q<{ total_messages: number }>(
      "select total_messages from user_profiles where id = $1",
      [customers[0]!.profile.id],
    );
    expect(Number(twoConv?.total_messages)).toBe(2);
    // Written alone, the first sees 1 and the second 2; in one batch both see 2.
    expect(Math.max(started[0]!.profile.totalMessages, started[1]!.profile.totalMessages)).toBe(2);

    for (const [i, t] of turns.entries()) {
      const msgs = await q<{ role: string; content: string; product_cards: unknown }>(
        "select role, content, product_cards from messages where conversation_id = $1 order by created_at, role desc",
        [t.conversation.id],
      );
      expect(msgs.map((m) => [m.role, m.content])).toEqual([
        ["user", `message ${i}`],
        ["assistant", `reply ${i}`],
      ]);
      expect(msgs[1]?.product_cards).toEqual(["OG Kush"]);
      const [conv] = await q<{ message_count: number }>(
        "select message_count from conversations where id = $1",
        [t.conversation.id],
      );
      expect(Number(conv?.message_count)).toBe(2);
      const [session] = await q<{ version: number; state: { turn: number } }>(
        "select version, state from agent_sessions where conversation_id = $1",
        [t.conversation.id],
      );
      expect(Number(session?.version)).toBe(1);
      expect(session?.state.turn).toBe(1);
      const events = await q<{ event_type: string }>(
        "select event_type from agent_events where conversation_id = $1 and event_type in ('chat_message', 'agent_error') order by event_type",
        [t.conversation.id],
      );
      expect(events.map((e) => e.event_type)).toEqual(["agent_error", "chat_message"]);
      const [traces] = await q<{ n: number }>(
        "select count(*)::int as n from llm_traces where conversation_id = $1",
        [t.conversation.id],
      );
      expect(Number(traces?.n)).toBe(1);
      const [usage] = await q<{ n: number }>(
        "select count(*)::int as n from llm_usage where conversation_id = $1",
        [t.conversation.id],
      );
      expect(Number(usage?.n)).toBe(1);
    }
  });

  it("a turn whose conversation is gone fails alone; the rest of its batch is written", async () => {
    const customers = await Promise.all(Array.from({ length: 6 }, (_, i) => customerWith(1, `gc-bad-${i}`)));
    const gone: Conversation = { ...customers[3]!.conversations[0]!, id: crypto.randomUUID() };
    const w = turnWriters(deps.database);
    const fallbacks = w.turns.stats.fallbacks;
    const results = await Promise.allSettled(
      customers.map((c, i) =>
        startTurn(deps, {
          profile: c.profile,
          conversation: i === 3 ? gone : c.conversations[0]!,
          history: [],
          text: `hello ${i}`,
          language: "en",
          channel: "web",
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(w.turns.stats.fallbacks).toBeGreaterThan(fallbacks);
    for (const [i, c] of customers.entries()) {
      const [row] = await q<{ n: number }>(
        "select count(*)::int as n from messages where conversation_id = $1",
        [c.conversations[0]!.id],
      );
      expect(Number(row?.n)).toBe(i === 3 ? 0 : 1);
    }
    const [orphan] = await q<{ n: number }>(
      "select count(*)::int as n from messages where conversation_id = $1",
      [gone.id],
    );
    expect(Number(orphan?.n)).toBe(0);
  });

  it("a turn's end and the next turn's start of one conversation in one batch both count (two statements)", async () => {
    // The next start comes before the end only when a turn outlived its lock; in one statement
    // PostgreSQL would keep only one of the two updates of the conversation.
    const a = await customerWith(1, `gc-overlap-a-${crypto.randomUUID()}`);
    const b = await customerWith(1, `gc-overlap-b-${crypto.randomUUID()}`);
    const conv = a.conversations[0]!;
    const turn = (c: typeof a, text: string, conversation = c.conversations[0]!) =>
      startTurn(deps, {
        profile: c.profile as Profile,
        conversation,
        history: [],
        text,
        language: "en",
        channel: "web",
      });
    const first = await turn(a, "first");
    const w = turnWriters(deps.database);
    const before = { ...w.turns.stats };
    // b's start goes out alone; a's end and a's next start wait and form one batch.
    await Promise.all([
      turn(b, "other"),
      finishTurn(deps, {
        conversation: first.conversation,
        history: first.history,
        reply: { content: "reply", language: "en", productCards: [], metadata: {} },
        session: { state: parseState(undefined), version: 0 },
        state: parseState(undefined),
        traces: [],
      }),
      turn(a, "second", first.conversation),
    ]);
    expect(w.turns.stats.batches - before.batches).toBe(2);
    const [row] = await q<{ n: number; messages: number }>(
      "select message_count::int as n, (select count(*)::int from messages where conversation_id = $1) as messages from conversations where id = $1",
      [conv.id],
    );
    expect(Number(row?.messages)).toBe(3);
    expect(Number(row?.n)).toBe(conv.messageCount + 3);
  });

  it("no index holds a column a turn updates on conversations or agent_sessions, so those updates stay HOT", async () => {
    // Every column any index of the table reads: its key columns, expressions and predicate.
    const indexed = async (table: string) => {
      const rows = await q<{ def: string }>(
        "select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = $1::regclass",
        [table],
      );
      expect(rows.length).toBeGreaterThan(0);
      return rows.map((r) => r.def).join("\n");
    };
    const conv = await indexed("conversations");
    for (const column of ["last_message_at", "message_count", "language"]) expect(conv).not.toContain(column);
    expect(conv).toContain("user_profile_id"); // a customer's conversations are still found by index
    const sessions = await indexed("agent_sessions");
    for (const column of ["state", "version", "updated_at"]) expect(sessions).not.toContain(column);
  });
});

describe("last visit", () => {
  it("moves only once a minute behind, so most turns leave it (HOT) while visits still count", async () => {
    let now = new Date("2026-03-01T10:00:00.000Z");
    const clocked = { ...deps, clock: { now: () => new Date(now) } };
    const { profile, conversations } = await customerWith(1, `visit-user-${crypto.randomUUID()}`);
    const conversation = conversations[0]!;
    await q("update user_profiles set last_visit = $2::timestamptz, total_visits = 1 where id = $1", [
      profile.id,
      now.toISOString(),
    ]);
    const turn = async (at: string) => {
      now = new Date(at);
      const s = await startTurn(clocked, {
        profile: profile as Profile,
        conversation,
        history: [],
        text: "hi",
        language: "en",
        channel: "web",
      });
      const [row] = await q<{ last_visit: Date | string; total_visits: number }>(
        "select last_visit, total_visits from user_profiles where id = $1",
        [profile.id],
      );
      // The cached profile says what the database holds.
      expect(s.profile.lastVisit).toBe(new Date(row!.last_visit).toISOString());
      expect(s.profile.totalVisits).toBe(Number(row!.total_visits));
      return { lastVisit: s.profile.lastVisit, visits: s.profile.totalVisits };
    };
    // [message at, last_visit after it, visits after it]
    const steps: Array<[string, string, number]> = [
      ["10:00:40", "10:00:00", 1], // less than a minute later: unchanged
      ["10:01:30", "10:01:30", 1],
      ["10:02:00", "10:01:30", 1],
      ["10:40:00", "10:40:00", 2], // back after more than the 30-minute gap: a new visit
    ];
    const at = (t: string) => `2026-03-01T${t}.000Z`;
    for (const [t, lastVisit, visits] of steps) {
      expect(await turn(at(t)), t).toEqual({ lastVisit: at(lastVisit), visits });
    }
  });
});
