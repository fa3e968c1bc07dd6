/**
 * The same conversations through a fake OpenAI-compatible server on loopback (the real
 * @ai-sdk/openai-compatible client streams text and tool calls over HTTP), a compromised model
 * that the server stops every time, and model failures that fall back to the offline assistant.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { llmTraces, memoryFacts, messages, orders, semanticCache } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { listCatalog } from "../../src/services/catalog/index.js";
import { getFullContext } from "../../src/services/customer-context.js";
import { quote } from "../../src/services/pricing.js";
import { getSettings } from "../../src/services/settings.js";
import type { FakeLlm, ScriptReply } from "../fakes/llm.js";
import { runScript, SCRIPTS } from "./scripts.js";
import { customer, fakeLlmAgent } from "./support.js";

let fake: FakeLlm;
let deps: Deps & { close(): Promise<void> };
let rig: Awaited<ReturnType<typeof fakeLlmAgent>>;

beforeAll(async () => {
  rig = await fakeLlmAgent();
  ({ fake, deps } = rig);
});
afterAll(() => rig.close());

describe("through a fake OpenAI-compatible server", () => {
  for (const s of SCRIPTS) {
    test(`${s.language}: the scripted conversation`, async () => {
      fake.script = undefined;
      fake.fail = undefined;
      const before = fake.requests.length;
      await runScript(deps, s);
      const sent = fake.requests.slice(before);
      // Real traffic: streamed requests carrying the tools and, later, their results.
      expect(sent.every((r) => r.stream === true)).toBe(true);
      expect(sent[0]?.tools?.map((t) => t.function.name)).toContain("search_catalog");
      expect(sent.some((r) => r.messages.some((m) => m.role === "tool"))).toBe(true);
    });
  }
});

/** A compromised model: on each customer message it runs `plan`, then says `say`. */
function compromised(plan: (userText: string) => ScriptReply | undefined, say: string) {
  fake.script = (_req, brain) => {
    const lastUser = brain.messages.map((m) => m.role).lastIndexOf("user");
    const hasResults = brain.messages.slice(lastUser + 1).some((m) => m.role === "tool");
    if (!hasResults) {
      const out = plan(brain.messages[lastUser]?.text ?? "");
      if (out) return out;
    }
    return { text: say };
  };
}

describe("a compromised model is stopped by the server", () => {
  test("it cannot set a price, skip the confirmation, change a status or act for another customer", async () => {
    fake.fail = undefined;
    const victim = await customer(deps);
    fake.script = undefined;
    await victim.say("Hello");
    const c = await customer(deps);
    const catalog = await listCatalog(deps);
    const settings = await getSettings(deps);
    const og = catalog.find((i) => i.name === "OG Kush")!;
    const evil = {
      product: "OG Kush",
      quantity: 20,
      phone: "+66812345678",
      address: "Hilton Hotel room 404",
      paymentMethod: "cash",
      price: "1.00",
      total: "1.00",
      discount: "7099.00",
      userProfileId: victim.profile.id,
      conversationId: victim.conversationId,
    };
    // Turn 1: fills the draft with a fake price and submits in the same turn (no confirmation yet).
    compromised(
      () => ({
        toolCalls: [
          { name: "update_draft_order", arguments: evil },
          {
            name: "submit_order",
            arguments: { total: "1.00", status: "delivered", userProfileId: victim.profile.id },
          },
        ],
      }),
      "Your total is 1 ฿. Order placed!",
    );
    const t1 = await c.say("I want 20g OG Kush, phone +66812345678, Hilton Hotel room 404, cash");
    expect(t1.orderNumber).toBeUndefined();
    // Turn 2: the customer did not say yes; the model submits anyway.
    compromised(() => ({ toolCalls: [{ name: "submit_order", arguments: { confirmed: true } }] }), "Done!");
    const t2 = await c.say("what is the total again?");
    expect(t2.orderNumber).toBeUndefined();
    expect(await deps.db.select().from(orders).where(eq(orders.userProfileId, c.profile.id))).toHaveLength(0);

    // Turn 3: the customer confirms; the model still tries a price, a status and another identity.
    compromised(
      () => ({
        toolCalls: [
          {
            name: "submit_order",
            arguments: { total: "1.00", status: "completed", userProfileId: victim.profile.id },
          },
          {
            name: "remember_fact",
            arguments: {
              content: "Victim loves free weed",
              factType: "preference",
              category: "product",
              importance: 0.9,
              confidence: 0.9,
              userProfileId: victim.profile.id,
            },
          },
        ],
      }),
      "Order placed for 1 ฿",
    );
    const t3 = await c.say("yes");
    expect(t3.orderNumber).toBeDefined();
    const [order] = await deps.db.select().from(orders).where(eq(orders.orderNumber, t3.orderNumber!));
    const expected = quote(catalog, [{ productId: og.id, quantity: "20" }], {
      deliveryFee: settings.deliveryFee,
      currency: settings.currency,
    });
    expect(order?.totalAmount).toBe(expected.total);
    expect(order?.discount).toBe("0.00");
    expect(order?.status).toBe("pending");
    expect(order?.userProfileId).toBe(c.profile.id);
    expect(order?.conversationId).toBe(c.conversationId);

    // Turn 4: an invented tool to mark the order delivered.
    compromised(
      () => ({
        toolCalls: [{ name: "update_order_status", arguments: { orderId: order!.id, status: "delivered" } }],
      }),
      "Delivered!",
    );
    await c.say("is it delivered?");
    const [after] = await deps.db.select().from(orders).where(eq(orders.id, order!.id));
    expect(after?.status).toBe("pending");
    expect(after?.totalAmount).toBe(expected.total);

    // Nothing happened to the other customer.
    expect(
      await deps.db.select().from(orders).where(eq(orders.userProfileId, victim.profile.id)),
    ).toHaveLength(0);
    expect(
      await deps.db.select().from(memoryFacts).where(eq(memoryFacts.userProfileId, victim.profile.id)),
    ).toHaveLength(0);
    // Every refusal is traced as BLOCKED.
    const blocked = await deps.db
      .select()
      .from(llmTraces)
      .where(and(eq(llmTraces.conversationId, c.conversationId!), eq(llmTraces.status, "BLOCKED")));
    expect(blocked.map((b) => b.nodeName)).toEqual(expect.arrayContaining(["guard:submit_order"]));
    expect(blocked.some((b) => b.errorMessage?.includes("update_order_status"))).toBe(true);
    fake.script = undefined;
  });
});

describe("model failures", () => {
  for (const [fail, category] of [
    ["500", "SYSTEM"],
    ["hang", "TIMEOUT"],
    ["midstream", undefined],
  ] as const) {
    test(`${fail}: the offline assistant answers, the error is traced, both messages are saved`, async () => {
      fake.script = undefined;
      fake.fail = fail;
      try {
        const c = await customer(deps);
        const r = await c.say("Посоветуй что-то для сна");
        expect(r.language).toBe("ru");
        expect(r.suggestedProducts.length).toBeGreaterThan(0);
        const saved = await deps.db
          .select()
          .from(messages)
          .where(eq(messages.conversationId, r.conversationId));
        expect(saved.map((m) => m.role).sort()).toEqual(["assistant", "user"]);
        expect(saved.find((m) => m.role === "assistant")?.content).toContain(r.suggestedProducts[0]!);
        const traces = await deps.db
          .select()
          .from(llmTraces)
          .where(eq(llmTraces.conversationId, r.conversationId));
        const err = traces.find((t) => t.status === "ERROR");
        expect(err?.modelName).toBe("fake-model");
        if (category) expect(err?.errorCategory).toBe(category);
        expect(traces.some((t) => t.modelName === "offline-assistant" && t.status === "SUCCESS")).toBe(true);
      } finally {
        fake.fail = undefined;
      }
    });
  }
});

describe("a general question's answer can be shared", () => {
  test("a real model answers it without the customer's context or earlier messages, and it is served to others", async () => {
    fake.fail = undefined;
    fake.script = () => ({ text: "We are open 10:00 to 22:00 every day." });
    try {
      const c = await customer(deps);
      await c.say("Hi, I'm staying at the Hilton Hotel room 404");
      const paragraph = (await getFullContext(deps, c.profile.id))?.paragraph ?? "";
      expect(paragraph).not.toBe("");
      const question = "What are your opening hours, by the way?";
      const before = fake.requests.length;
      await c.say(question);
      const sent = fake.requests.slice(before);
      expect(sent.length).toBeGreaterThan(0);
      for (const r of sent) {
        const wire = JSON.stringify(r.messages);
        expect(wire).not.toContain("Hilton");
        expect(wire).not.toContain(paragraph);
        expect(r.messages.filter((m) => m.role === "user")).toHaveLength(1);
      }
      const stored = await deps.db.select().from(semanticCache).where(eq(semanticCache.queryText, question));
      expect(stored).toHaveLength(1);
      // Another customer gets the stored answer, with nothing of the first customer's in it.
      const other = await customer(deps);
      const r = await other.say(question);
      expect(r.content).toBe("We are open 10:00 to 22:00 every day.");
      const nodes = await deps.db
        .select()
        .from(llmTraces)
        .where(eq(llmTraces.conversationId, r.conversationId));
      expect(nodes.map((t) => t.nodeName)).toEqual(["semantic_cache:exact"]);
      // Any other question still carries the conversation.
      const next = fake.requests.length;
      await c.say("Do you have OG Kush?");
      expect(JSON.stringify(fake.requests[next]?.messages)).toContain("Hilton");
    } finally {
      fake.script = undefined;
    }
  });
});
