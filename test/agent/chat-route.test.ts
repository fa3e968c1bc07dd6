/** POST /api/agent/chat: the SSE contract, stream:false, cookie identity and bad input. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { messages } from "../../src/db/schema.js";
import { type FakeLlm, startFakeLlm } from "../fakes/llm.js";
import { staffAuth } from "../helpers/app.js";
import { agentApp } from "./support.js";

type Env = Awaited<ReturnType<typeof agentApp>>;
let env: Env;
const ip = { "x-forwarded-for": "127.0.0.1" };

beforeAll(async () => {
  env = await agentApp();
});
afterAll(() => env.close());

function post(body: unknown, headers: Record<string, string> = {}) {
  return env.app.request("/api/agent/chat", {
    method: "POST",
    headers: { "content-type": "application/json", ...ip, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function events(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n\n")
    .map((b) => b.split("\n").find((l) => l.startsWith("data: ")))
    .filter((l): l is string => !!l)
    .map((l) => JSON.parse(l.slice(6)));
}

describe("POST /api/agent/chat", () => {
  test("streams SSE chunks, then the final object; the cookie names the customer", async () => {
    const res = await post({
      message: "Посоветуй что-то для расслабления",
      userId: "u_00000000-0000-0000-0000-000000000000",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/sk_uid=.*HttpOnly/i);
    const evs = events(await res.text());
    const chunks = evs.filter((e) => e.done === false);
    const final = evs[evs.length - 1]!;
    expect(chunks.length).toBeGreaterThan(1);
    expect(final.done).toBe(true);
    const content = chunks.map((c) => c.content).join("");
    expect(content).toMatch(/[а-я]/i);
    for (const name of final.suggestedProducts as string[]) expect(content).toContain(name);
    expect((final.productCards as Array<{ name: string }>).length).toBe(
      (final.suggestedProducts as string[]).length,
    );
    expect(final).toMatchObject({ notificationSent: true, silent: false });
    expect(final.userId).not.toBe("u_00000000-0000-0000-0000-000000000000");
    expect(final.userId).toMatch(/^u_/);
    expect(final.timing).toEqual({ total: expect.any(Number), processing: expect.any(Number) });
    const saved = await env.deps.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, String(final.conversationId)));
    expect(saved.map((m) => m.role).sort()).toEqual(["assistant", "user"]);

    // The same cookie continues the same conversation; stream:false returns the whole content.
    const sid = cookie.split(";")[0]!;
    const again = await post(
      { message: "Сколько стоит OG Kush?", stream: false, conversationId: final.conversationId },
      { cookie: sid },
    );
    expect(again.status).toBe(200);
    const body = (await again.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ done: true, conversationId: final.conversationId, userId: final.userId });
    expect(body.content).toContain("OG Kush");
    expect(body.suggestedProducts).toEqual(["OG Kush"]);
  });

  test("another customer's conversationId starts a conversation of your own", async () => {
    const a = (await (await post({ message: "hi", stream: false })).json()) as {
      conversationId: string;
      userId: string;
    };
    const b = (await (
      await post({ message: "hello there", stream: false, conversationId: a.conversationId })
    ).json()) as {
      conversationId: string;
      userId: string;
    };
    expect(b.userId).not.toBe(a.userId);
    expect(b.conversationId).not.toBe(a.conversationId);
  });

  test("bad input is a 400 naming the field, never a 500", async () => {
    for (const [body, field] of [
      [{ message: "" }, "message"],
      [{ message: "x".repeat(4001) }, "message"],
      [{ message: 5 }, "message"],
      [{ message: "hi", conversationId: "nope" }, "conversationId"],
      [{ message: "hi", stream: "yes" }, "stream"],
    ] as const) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const err = (await res.json()) as { error: { code: string; message: string } };
      expect(err.error.message).toContain(field);
    }
    const broken = await post("{not json");
    expect(broken.status).toBe(400);
  });

  test("it is in the OpenAPI document", async () => {
    const doc = (await (await env.app.request("/api/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(doc.paths["/api/agent/chat"]).toBeDefined();
  });
});

describe("admin traces API", () => {
  let fake: FakeLlm;
  let priced: Env;
  beforeAll(async () => {
    fake = await startFakeLlm();
    priced = await agentApp({ env: { LLM_BASE_URL: fake.url, LLM_MODEL: "gpt-4o-mini" } });
  });
  afterAll(async () => {
    await priced.close();
    await fake.close();
  });

  test("lists traces per conversation and reports cost per conversation and per day", async () => {
    const res = await priced.app.request("/api/agent/chat", {
      method: "POST",
      headers: { "content-type": "application/json", ...ip },
      body: JSON.stringify({ message: "recommend something relaxing", stream: false }),
    });
    const { conversationId } = (await res.json()) as { conversationId: string };
    expect((await priced.app.request(`/api/admin/traces?conversationId=${conversationId}`)).status).toBe(401);
    const list = (await (
      await priced.app.request(`/api/admin/traces?conversationId=${conversationId}`, { headers: staffAuth })
    ).json()) as {
      items: Array<{ modelName: string; tokensIn: number; tokensOut: number; cost: string; status: string }>;
      total: number;
    };
    expect(list.total).toBe(fake.requests.length);
    expect(list.items.every((t) => t.modelName === "gpt-4o-mini" && t.status === "SUCCESS")).toBe(true);
    // The fake reports 1200 tokens in and 80 out per call: 1200 × $0.15/M + 80 × $0.60/M.
    expect(list.items[0]?.cost).toBe("0.000228");
    const byConv = (await (
      await priced.app.request("/api/admin/traces/cost?by=conversation", { headers: staffAuth })
    ).json()) as {
      rows: Array<{ key: string; calls: number; cost: string }>;
    };
    const row = byConv.rows.find((r) => r.key === conversationId);
    expect(row?.calls).toBe(list.total);
    expect(Number(row?.cost)).toBeCloseTo(0.000228 * list.total, 6);
    const byDay = (await (
      await priced.app.request("/api/admin/traces/cost?by=day", { headers: staffAuth })
    ).json()) as {
      rows: Array<{ key: string }>;
    };
    expect(byDay.rows[0]?.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await priced.app.request("/api/admin/traces/cost?by=week", { headers: staffAuth })).status).toBe(
      400,
    );
  });
});
