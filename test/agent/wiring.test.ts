/**
 * What a turn sets in motion beyond the reply: the "memory-extract" job for each customer message
 * (run by a real job runner), `order_attempt` events when an order is started and submitted, a
 * follow-up when a `wish` is recorded, and the configured model reaching the memory jobs.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { backgroundModelFor } from "../../src/agent/models/index.js";
import { agentEvents, followups, memoryFacts, messages, notifications, orders } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import "../../src/jobs/handlers.js";
import { BullJobRunner } from "../../src/jobs/bullmq-runner.js";
import { createJobRunner, type JobRunner } from "../../src/jobs/index.js";
import { defaultJobRegistry } from "../../src/jobs/registry.js";
import type { EnqueueOptions, JobQueue } from "../../src/jobs/types.js";
import { addMessage, getOrCreateConversation } from "../../src/services/conversations.js";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { type FakeLlm, startFakeLlm } from "../fakes/llm.js";
import { testConfig } from "../helpers/app.js";
import { waitFor } from "../jobs/support.js";
import { agentDeps, customer } from "./support.js";

type TestDeps = Deps & { close(): Promise<void> };

describe("memory-extract for every customer message", () => {
  let deps: TestDeps;
  let runner: JobRunner;
  beforeAll(async () => {
    deps = await agentDeps();
    runner = createJobRunner(deps.config, deps.database, deps.logger, { pollIntervalMs: 25 });
    deps.jobs = runner;
    await runner.start(deps);
  });
  afterAll(async () => {
    await runner.stop({ timeoutMs: 500 });
    if (runner instanceof BullJobRunner) {
      const cleanup = createJobRunner(deps.config, deps.database, deps.logger) as BullJobRunner;
      await cleanup.obliterate().catch(() => {});
      await cleanup.stop();
    }
    await deps.close();
  });

  test("a chat turn saying 'I'm allergic to lemon' leaves a fact learnt from that message", async () => {
    const c = await customer(deps);
    await c.say("Hi! I'm allergic to lemon, what do you have for sleep?");
    const [userMsg] = await deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, c.conversationId!), eq(messages.role, "user")));
    const facts = await waitFor(
      async () => {
        const rows = await deps.db
          .select()
          .from(memoryFacts)
          .where(eq(memoryFacts.userProfileId, c.profile.id));
        return rows.length > 0 ? rows : undefined;
      },
      15_000,
      "the memory-extract job",
    );
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({
      category: "health",
      source: "conversation",
      sourceMessageId: userMsg!.id,
      isActive: true,
    });
    expect(facts[0]!.content.toLowerCase()).toContain("lemon");
    await waitFor(async () => (await runner.pending()) === 0, 15_000, "queue to drain");
  });
});

describe("jobs and events a turn causes", () => {
  let deps: TestDeps;
  const enqueued: Array<{ name: string; data: Record<string, unknown>; opts?: EnqueueOptions }> = [];
  beforeAll(async () => {
    deps = await agentDeps();
    const jobs: JobQueue = {
      enqueue: async (name, data, opts) => {
        enqueued.push({ name, data, opts });
      },
    };
    deps.jobs = jobs;
  });
  afterAll(() => deps.close());

  test("each customer message is queued once for extraction, keyed by the message", async () => {
    const c = await customer(deps);
    await c.say("hello");
    await c.say("my favourite colour is teal");
    const userIds = (
      await deps.db
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.conversationId, c.conversationId!), eq(messages.role, "user")))
        .orderBy(messages.createdAt)
    ).map((m) => m.id);
    const extract = enqueued.filter(
      (j) => j.name === "memory-extract" && userIds.includes(String(j.data.messageId)),
    );
    expect(extract.map((j) => j.data.messageId).sort()).toEqual([...userIds].sort());
    for (const j of extract) expect(j.opts?.dedupeKey).toBe(`memory-extract:${j.data.messageId}`);
  });

  test("an order in conversation records order_attempt when started and when submitted", async () => {
    const c = await customer(deps);
    await c.say("What do you have for relaxing?");
    const attemptsOf = () =>
      deps.db
        .select()
        .from(agentEvents)
        .where(
          and(eq(agentEvents.conversationId, c.conversationId!), eq(agentEvents.eventType, "order_attempt")),
        )
        .orderBy(agentEvents.createdAt);
    expect(await attemptsOf()).toEqual([]);
    await c.say("I want to order 20g of Gelato");
    const started = await attemptsOf();
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ userProfileId: c.profile.id, channel: "web" });
    expect(started[0]!.eventData).toMatchObject({ stage: "start", products: ["Gelato"] });
    // More fields of the same draft: no new "start".
    await c.say("+66 81 234 5678");
    await c.say("Hilton Hotel room 12");
    await c.say("cash");
    expect(await attemptsOf()).toHaveLength(1);
    const done = await c.say("yes");
    expect(done.orderNumber).toBeTruthy();
    const all = await attemptsOf();
    expect(all.map((e) => e.eventData.stage)).toEqual(["start", "submit"]);
    expect(all[1]!.eventData).toMatchObject({ outcome: "created" });
    const [order] = await deps.db.select().from(orders).where(eq(orders.conversationId, c.conversationId!));
    expect(order?.orderNumber).toBe(done.orderNumber);
    const [success] = await deps.db
      .select()
      .from(agentEvents)
      .where(and(eq(agentEvents.orderId, order!.id), eq(agentEvents.eventType, "order_success")));
    expect(success).toBeTruthy();
  });

  test("a wish (buying intent, no order) schedules exactly one follow-up", async () => {
    const c = await customer(deps);
    await c.say("Recommend something relaxing");
    await c.say("How much is OG Kush?");
    await c.say("I'd like some Gelato, what strength is it?");
    const wishes = await deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.conversationId, c.conversationId!), eq(notifications.type, "wish")));
    expect(wishes).toHaveLength(1);
    const fs = await deps.db.select().from(followups).where(eq(followups.conversationId, c.conversationId!));
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ userProfileId: c.profile.id, channel: "web", status: "scheduled" });
    const sends = enqueued.filter((j) => j.name === "send-followup" && j.data.followupId === fs[0]!.id);
    expect(sends).toHaveLength(1);
  });

  test("no follow-up for a conversation without buying intent", async () => {
    const c = await customer(deps);
    await c.say("hello");
    const fs = await deps.db.select().from(followups).where(eq(followups.conversationId, c.conversationId!));
    expect(fs).toEqual([]);
  });
});

describe("the memory jobs use the configured model", () => {
  let fake: FakeLlm;
  let deps: TestDeps;
  beforeAll(async () => {
    fake = await startFakeLlm();
    deps = await agentDeps({ env: { LLM_BASE_URL: fake.url, LLM_MODEL: "fake-model" } });
  });
  afterAll(async () => {
    await deps.close();
    await fake.close();
  });

  test("offline assistant → no model (rules); an LLM configured → that model", () => {
    expect(backgroundModelFor(testConfig())).toBeUndefined();
    expect(backgroundModelFor(deps.config)).toBeDefined();
  });

  test("memory-extract asks the LLM and stores what it extracted", async () => {
    // Something the offline rules do not extract: only the model can produce this fact.
    fake.script = (req) => {
      const system = req.messages.find((m) => m.role === "system");
      const isExtraction = String(system?.content ?? "").includes("extract durable facts");
      return {
        text: JSON.stringify({
          facts: isExtraction
            ? [
                {
                  content: "Practises yoga every evening",
                  factType: "behavior",
                  category: "personal",
                  importance: 0.8,
                  confidence: 0.9,
                  preferenceKey: null,
                  value: null,
                },
              ]
            : [],
        }),
      };
    };
    const profile = await getOrCreateWebProfile(deps, `u_${crypto.randomUUID()}`);
    const conv = await getOrCreateConversation(deps, {
      profileId: profile.id,
      channel: "web",
      language: "en",
      timeoutMinutes: 30,
    });
    const m = await addMessage(deps, conv, { role: "user", content: "I unwind with yoga most evenings" });
    const handler = defaultJobRegistry.get("memory-extract");
    expect(handler).toBeDefined();
    await handler!(
      deps,
      { messageId: m.id },
      { jobId: "t1", name: "memory-extract", attempt: 1, maxAttempts: 5 },
    );
    expect(fake.requests.some((r) => r.model === "fake-model")).toBe(true);
    const facts = await deps.db.select().from(memoryFacts).where(eq(memoryFacts.userProfileId, profile.id));
    expect(facts.map((f) => f.content)).toEqual(["Practises yoga every evening"]);
    expect(facts[0]).toMatchObject({ sourceMessageId: m.id, category: "personal" });
  });
});
