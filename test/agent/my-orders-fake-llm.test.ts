/**
 * my_orders through a fake OpenAI-compatible server: the order-status conversations in the four
 * languages over real HTTP (the fake calls the tool as the offline assistant decides), and a
 * model that passes another customer's id or order number gets this customer's orders only.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Deps } from "../../src/deps.js";
import { createOrder } from "../../src/services/orders/create.js";
import type { MyOrdersResult } from "../../src/services/orders/customer-orders.js";
import type { FakeLlm } from "../fakes/llm.js";
import { demoCart } from "../orders/support.js";
import { runStatusScript, STATUS_SCRIPTS, toolsCalled } from "./order-status-scripts.js";
import { customer, fakeLlmAgent } from "./support.js";

let fake: FakeLlm;
let deps: Deps & { close(): Promise<void> };
let rig: Awaited<ReturnType<typeof fakeLlmAgent>>;

beforeAll(async () => {
  rig = await fakeLlmAgent();
  ({ fake, deps } = rig);
});
afterAll(() => rig.close());

/** The my_orders results the server sent back to the model in these requests. */
function myOrdersResults(from: number): MyOrdersResult[] {
  const out: MyOrdersResult[] = [];
  for (const req of fake.requests.slice(from)) {
    const names = new Map<string, string>();
    for (const m of req.messages) {
      for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
      if (m.role === "tool" && names.get(m.tool_call_id ?? "") === "my_orders") {
        out.push(JSON.parse(String(m.content)) as MyOrdersResult);
      }
    }
  }
  return out;
}

describe("order status through a fake OpenAI-compatible server", () => {
  for (const s of STATUS_SCRIPTS) {
    test(`${s.language}: the model calls my_orders and answers with the server's status`, async () => {
      fake.script = undefined;
      fake.fail = undefined;
      const before = fake.requests.length;
      await runStatusScript(deps, s);
      const sent = fake.requests.slice(before);
      expect(sent.every((r) => r.stream === true)).toBe(true);
      expect(sent[0]?.tools?.map((t) => t.function.name)).toContain("my_orders");
      expect(myOrdersResults(before).length).toBeGreaterThan(0);
    });
  }
});

describe("a model cannot read another customer's orders", () => {
  test("another customer's id or order number in the arguments changes nothing", async () => {
    fake.fail = undefined;
    fake.script = undefined;
    const cart = await demoCart(deps);
    const victim = await customer(deps);
    const c = await customer(deps);
    const place = (profileId: string) =>
      createOrder(deps, {
        userProfileId: profileId,
        items: cart.items,
        contactInfo: { phone: "+66 81 999 0000" },
        deliveryAddress: "Victim Villa 7, Kata",
        paymentMethod: "cash",
        source: "web",
        createdBy: "customer",
      });
    const victimOrder = await place(victim.profile.id);
    const own = await place(c.profile.id);
    await c.say("Hello");

    const attack = (args: Record<string, unknown>) => {
      fake.script = (_req, brain) => {
        const lastUser = brain.messages.map((m) => m.role).lastIndexOf("user");
        const hasResults = brain.messages.slice(lastUser + 1).some((m) => m.role === "tool");
        return hasResults
          ? { text: "Here is what I found." }
          : { toolCalls: [{ name: "my_orders", arguments: args }] };
      };
    };
    const ids = {
      userProfileId: victim.profile.id,
      profileId: victim.profile.id,
      customerId: victim.profile.id,
      conversationId: victim.conversationId,
    };
    try {
      // The victim's number (and identity): answered as not found.
      let before = fake.requests.length;
      attack({ orderNumber: victimOrder.orderNumber, ...ids });
      const r1 = await c.say("What's the status of my order?");
      expect(r1.content).toBe("Here is what I found.");
      let results = myOrdersResults(before);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ orders: [], notFound: victimOrder.orderNumber, count: 1 });

      // The victim's identity alone: this customer's own orders, nothing else.
      before = fake.requests.length;
      attack(ids);
      await c.say("Show my orders");
      results = myOrdersResults(before);
      expect(results).toHaveLength(1);
      expect(results[0]!.orders.map((o) => o.orderNumber)).toEqual([own.orderNumber]);
      for (const r of myOrdersResults(0)) {
        const wire = JSON.stringify(r.orders);
        expect(wire).not.toContain(victimOrder.orderNumber);
        expect(wire).not.toContain("Victim Villa");
        expect(wire).not.toContain("+66 81 999 0000");
      }
      expect(await toolsCalled(deps, c.conversationId!)).toContain("my_orders");
    } finally {
      fake.script = undefined;
    }
  });
});
