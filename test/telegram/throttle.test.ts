/**
 * The outgoing-message throttle (src/channels/telegram/throttle.ts). Most tests drive the
 * transformer with a manual clock and a scripted Bot API, so no assertion depends on how fast
 * this machine is; the last ones run it in grammY against the fake Bot API server and assert
 * only lower bounds on the spacing (which a slow machine can only make larger).
 */
import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelegramChannel } from "../../src/channels/telegram/channel.js";
import { OutgoingThrottle, type ThrottleClock } from "../../src/channels/telegram/throttle.js";
import { FAKE_BOT_TOKEN, FakeTelegram } from "../fakes/telegram.js";
import { createTestDeps, testConfig } from "../helpers/app.js";

class ManualClock implements ThrottleClock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: object }> = [];
  now() {
    return this.t;
  }
  setTimer(fn: () => void, ms: number) {
    const id = {};
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimer(id: unknown) {
    this.timers = this.timers.filter((x) => x.id !== id);
  }
  /** Moves time on by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number) {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

type Res =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

/** A scripted Bot API: records calls; `fail` answers the next calls of a key (method:chat) with a 429. */
function scriptedApi(clock: ManualClock) {
  const calls: Array<{ method: string; chat?: unknown; text?: unknown; at: number }> = [];
  const faults = new Map<string, number[]>();
  const prev = async (method: string, payload: Record<string, unknown>): Promise<Res> => {
    calls.push({ method, chat: payload.chat_id, text: payload.text, at: clock.now() });
    const key = `${method}:${payload.chat_id ?? payload.inline_message_id}`;
    const retryAfter = faults.get(key)?.shift();
    if (retryAfter !== undefined)
      return {
        ok: false,
        error_code: 429,
        description: "Too Many Requests",
        parameters: { retry_after: retryAfter },
      };
    return { ok: true, result: { message_id: calls.length } };
  };
  return {
    calls,
    prev,
    fail(method: string, chat: string | number, retryAfter: number, times = 1) {
      const list = faults.get(`${method}:${chat}`) ?? [];
      for (let i = 0; i < times; i++) list.push(retryAfter);
      faults.set(`${method}:${chat}`, list);
    },
  };
}

function rig(opts: ConstructorParameters<typeof OutgoingThrottle>[0] = {}) {
  const clock = new ManualClock();
  const api = scriptedApi(clock);
  const pauses: Array<{ chat?: string; global: boolean; ms: number }> = [];
  const throttle = new OutgoingThrottle({ clock, onPause: (p) => pauses.push(p), ...opts });
  const call = (method: string, payload: Record<string, unknown>) =>
    throttle.transformer(api.prev as never, method as never, payload as never) as Promise<Res>;
  const send = (chat: number | string, text: string) => call("sendMessage", { chat_id: chat, text });
  return { clock, api, throttle, call, send, pauses };
}

const texts = (calls: Array<{ text?: unknown }>) => calls.map((c) => c.text);

describe("outgoing throttle (manual clock)", () => {
  it("spaces a burst to one private chat 1 s apart, in order, losing nothing", async () => {
    const { clock, api, send } = rig();
    const replies = ["a", "b", "c", "d"].map((t) => send(42, t));
    await clock.advance(0);
    expect(texts(api.calls)).toEqual(["a"]);
    await clock.advance(999);
    expect(api.calls).toHaveLength(1);
    await clock.advance(1);
    expect(texts(api.calls)).toEqual(["a", "b"]);
    await clock.advance(2000);
    expect(texts(api.calls)).toEqual(["a", "b", "c", "d"]);
    expect(api.calls.map((c) => c.at)).toEqual([0, 1000, 2000, 3000]);
    expect((await Promise.all(replies)).every((r) => r.ok)).toBe(true);
  });

  it("sends at most 10 a second for the whole bot, oldest first across chats", async () => {
    const { clock, api, send } = rig();
    const all = Array.from({ length: 25 }, (_, i) => send(1000 + i, `m${i}`));
    await clock.advance(0);
    expect(api.calls).toHaveLength(10);
    await clock.advance(999);
    expect(api.calls).toHaveLength(10);
    await clock.advance(1);
    expect(api.calls).toHaveLength(20);
    await clock.advance(1000);
    expect(texts(api.calls)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
    await Promise.all(all);
  });

  it("the per-bot rate is configurable", async () => {
    const { clock, api, send } = rig({ perSecond: 3 });
    for (let i = 0; i < 5; i++) void send(2000 + i, `m${i}`);
    await clock.advance(0);
    expect(api.calls).toHaveLength(3);
    await clock.advance(1000);
    expect(api.calls).toHaveLength(5);
  });

  it("a chat waiting for its slot does not hold up other chats", async () => {
    const { clock, api, send } = rig();
    void send(1, "one-a");
    void send(1, "one-b");
    await clock.advance(100);
    void send(2, "two");
    await clock.advance(0);
    expect(texts(api.calls)).toEqual(["one-a", "two"]);
  });

  it("groups get up to 20 a minute, then wait for the window", async () => {
    const { clock, api, send } = rig({ perSecond: 100 });
    for (let i = 0; i < 22; i++) void send(-100200300, `g${i}`);
    await clock.advance(5000);
    expect(api.calls).toHaveLength(20);
    await clock.advance(54_999);
    expect(api.calls).toHaveLength(20);
    // The first 20 went at 0: at 60 s the window is free again.
    await clock.advance(1);
    expect(api.calls).toHaveLength(22);
    expect(api.calls.at(-1)?.at).toBe(60_000);
  });

  it("does not throttle answerCallbackQuery, sendChatAction or other non-message methods", async () => {
    const { clock, api, call, send } = rig({ perSecond: 2 });
    for (let i = 0; i < 5; i++) void call("answerCallbackQuery", { callback_query_id: `q${i}` });
    for (let i = 0; i < 5; i++) void call("sendChatAction", { chat_id: 7, action: "typing" });
    void call("setMyCommands", { commands: [] });
    void send(7, "reply");
    void send(8, "other");
    await clock.advance(0);
    expect(api.calls).toHaveLength(13);
    expect(texts(api.calls.filter((c) => c.method === "sendMessage"))).toEqual(["reply", "other"]);
  });

  it("a reply that gets a 429 waits retry_after in its chat and is retried once, before the next one", async () => {
    const { clock, api, send, throttle, pauses } = rig();
    api.fail("sendMessage", 42, 3);
    const first = throttle.withRetries(() => send(42, "a"));
    const second = throttle.withRetries(() => send(42, "b"));
    await clock.advance(0);
    expect(texts(api.calls)).toEqual(["a"]);
    expect(pauses).toEqual([expect.objectContaining({ chat: "42", global: false, ms: 3000 })]);
    // Other chats are not paused.
    void send(43, "elsewhere");
    await clock.advance(2999);
    expect(texts(api.calls)).toEqual(["a", "elsewhere"]);
    await clock.advance(1);
    expect(texts(api.calls)).toEqual(["a", "elsewhere", "a"]);
    expect((await first).ok).toBe(true);
    await clock.advance(1000);
    expect(texts(api.calls)).toEqual(["a", "elsewhere", "a", "b"]);
    expect(api.calls.at(-1)?.at).toBe(4000);
    expect((await second).ok).toBe(true);
  });

  it("retries only once: a second 429 goes to the caller", async () => {
    const { clock, api, send, throttle } = rig();
    api.fail("sendMessage", 42, 1, 2);
    const res = throttle.withRetries(() => send(42, "a"));
    await clock.advance(5000);
    expect(api.calls).toHaveLength(2);
    expect(await res).toMatchObject({ ok: false, error_code: 429 });
  });

  it("outside withRetries (jobs) a 429 goes to the caller at once, and the chat stays paused", async () => {
    const { clock, api, send } = rig();
    api.fail("sendMessage", 42, 5);
    const res = send(42, "alert");
    await clock.advance(0);
    expect(await res).toMatchObject({ ok: false, error_code: 429 });
    const next = send(42, "later");
    await clock.advance(4999);
    expect(texts(api.calls)).toEqual(["alert"]);
    await clock.advance(1);
    expect(texts(api.calls)).toEqual(["alert", "later"]);
    expect((await next).ok).toBe(true);
  });

  it("retry: 'always' retries outside withRetries too; a long retry_after is never retried", async () => {
    const always = rig({ retry: "always" });
    always.api.fail("sendMessage", 42, 2);
    const res = always.send(42, "a");
    await always.clock.advance(2000);
    expect((await res).ok).toBe(true);
    expect(always.api.calls).toHaveLength(2);

    const long = rig({ retry: "always" });
    long.api.fail("sendMessage", 42, 120);
    const refused = long.send(42, "a");
    await long.clock.advance(0);
    expect(await refused).toMatchObject({ ok: false, error_code: 429 });
    expect(long.api.calls).toHaveLength(1);
  });

  it("a 429 in a second chat while the first is paused pauses the whole bot", async () => {
    const { clock, api, send, pauses } = rig();
    api.fail("sendMessage", 1, 2);
    api.fail("sendMessage", 2, 2);
    void send(1, "one");
    void send(2, "two");
    await clock.advance(0);
    expect(pauses.map((p) => p.global)).toEqual([false, true]);
    void send(3, "three");
    await clock.advance(1999);
    expect(texts(api.calls)).toEqual(["one", "two"]);
    await clock.advance(1);
    expect(texts(api.calls)).toEqual(["one", "two", "three"]);
  });

  it("a 429 on a call without a chat (inline message edit) pauses the whole bot", async () => {
    const { clock, api, call, send, pauses, throttle } = rig();
    api.fail("editMessageText", "inline-1", 2);
    const edit = throttle.withRetries(() =>
      call("editMessageText", { inline_message_id: "inline-1", text: "x" }),
    );
    await clock.advance(0);
    expect(pauses).toEqual([expect.objectContaining({ chat: undefined, global: true })]);
    void send(9, "waits");
    await clock.advance(1999);
    expect(api.calls).toHaveLength(1);
    await clock.advance(1);
    expect(texts(api.calls)).toEqual(["x", "x", "waits"]);
    expect((await edit).ok).toBe(true);
  });

  it("a network error frees the chat for the next message", async () => {
    const clock = new ManualClock();
    const throttle = new OutgoingThrottle({ clock });
    let n = 0;
    const prev = async () => {
      if (n++ === 0) throw new Error("ECONNRESET");
      return { ok: true, result: true };
    };
    const first = throttle.transformer(
      prev as never,
      "sendMessage" as never,
      { chat_id: 5, text: "a" } as never,
    );
    const second = throttle.transformer(
      prev as never,
      "sendMessage" as never,
      { chat_id: 5, text: "b" } as never,
    );
    await expect(first).rejects.toThrow("ECONNRESET");
    await clock.advance(1000);
    await expect(second).resolves.toMatchObject({ ok: true });
    expect(throttle.pending).toBe(0);
  });
});

describe("outgoing throttle in grammY, against the fake Bot API", () => {
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = await new FakeTelegram().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  function api() {
    const a = new Api(FAKE_BOT_TOKEN, { apiRoot: fake.url });
    const throttle = new OutgoingThrottle();
    a.config.use(throttle.transformer);
    return { api: a, throttle };
  }

  it("a burst of replies to one chat arrives spaced and in order", async () => {
    const { api: a } = api();
    const sent = await Promise.all(["1", "2", "3"].map((t) => a.sendMessage(5001, t)));
    expect(sent).toHaveLength(3);
    const got = fake.sentTo(5001);
    expect(got.map((c) => c.params.text)).toEqual(["1", "2", "3"]);
    // Lower bounds only: a slow machine spaces them more, never less.
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(950);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it("a 429 while replying is waited out and retried once, transparently", async () => {
    const { api: a, throttle } = api();
    fake.failNext("sendMessage", {
      status: 429,
      description: "Too Many Requests: retry after 1",
      retryAfter: 1,
    });
    const msg = await throttle.withRetries(() => a.sendMessage(5002, "hello"));
    expect(msg.message_id).toBeGreaterThan(0);
    const got = fake.sentTo(5002);
    expect(got).toHaveLength(2);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("answerCallbackQuery is not held back by a queue of messages", async () => {
    const { api: a } = api();
    const burst = Promise.all(["x", "y", "z"].map((t) => a.sendMessage(5003, t)));
    await a.answerCallbackQuery("cbq-1");
    // The button answer went out while the burst was still queued (2 s of spacing left).
    expect(fake.sentTo(5003).length).toBeLessThan(3);
    await burst;
    expect(fake.sentTo(5003)).toHaveLength(3);
  });
});

describe("the throttle in TelegramChannel", () => {
  it("is installed on the bot's API (what jobs use) and on each update's ctx.api", async () => {
    const fake = await new FakeTelegram().start();
    const base = await createTestDeps();
    try {
      const config = testConfig({ TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: fake.url });
      const t = new TelegramChannel({ ...base, config }, { runTurn: async () => ({}) as never });
      expect(t.api.config.installedTransformers()).toContain(t.throttle.transformer);
      await Promise.all([t.api.sendMessage(6001, "first"), t.api.sendMessage(6001, "second")]);
      const got = fake.sentTo(6001);
      expect(got.map((c) => c.params.text)).toEqual(["first", "second"]);
      expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(950);
      // ctx.api of an update: a 429 on the reply is retried once, inside handle().
      // (an edited message: the customer handlers leave it alone)
      t.bot.on("edited_message", (ctx) => ctx.reply("pong"));
      fake.failNext("sendMessage", { status: 429, description: "Too Many Requests", retryAfter: 1 });
      await t.bot.init();
      await t.handle({
        update_id: 1,
        edited_message: {
          message_id: 1,
          date: 0,
          edit_date: 1,
          chat: { id: 6002, type: "private", first_name: "A" },
          text: "ping",
        },
      } as never);
      expect(fake.sentTo(6002).map((c) => c.params.text)).toEqual(["pong", "pong"]);
      await t.stop();
    } finally {
      await base.close();
      await fake.stop();
    }
  });
});
