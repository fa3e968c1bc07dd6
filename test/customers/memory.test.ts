/**
 * Customer memory (seed 003): what is kept (an allergy, a favourite colour), what is not (small
 * talk), decay over simulated days, summaries replacing the facts they cover, completeness, the
 * model path with a fake model, and that deleting a customer deletes their memory.
 */
import { MockLanguageModelV3 } from "ai/test";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { memoryFacts, memorySummaries } from "../../src/db/schema.js";
import { getFullContext } from "../../src/services/customer-context.js";
import { deleteCustomer } from "../../src/services/customers.js";
import { runMemoryDecay } from "../../src/services/memory/decay.js";
import { IMPORTANCE_MIN, listActiveFacts } from "../../src/services/memory/index.js";
import { learnFromText } from "../../src/services/memory/learn.js";
import { extractFactsByRules } from "../../src/services/memory/rules.js";
import { summarizeMemory } from "../../src/services/memory/summaries.js";
import { getOrCreateWebProfile, getProfileById } from "../../src/services/profiles.js";
import { createTestDeps } from "../helpers/app.js";

const DAY = 86_400_000;

describe("fact extraction rules", () => {
  it("keeps allergies, favourite colours, budgets, addresses, payment and level in en/ru/uk/th", () => {
    const cases: Array<[string, string]> = [
      ["I'm allergic to peanuts, by the way", "Allergic to peanuts"],
      ["У меня аллергия на орехи", "Allergic to орехи"],
      ["В мене алергія на мед", "Allergic to мед"],
      ["My favourite colour is purple", "Favourite colour: purple"],
      ["Мой любимый цвет — синий", "Favourite colour: синий"],
      ["ฉันชอบสีแดง", "Favourite colour: แดง"],
      ["My budget is 3000 baht", "Budget: up to 3000 baht"],
      ["I'm staying at the Hilton Patong hotel", "Delivery address: Hilton Patong hotel"],
      ["I'll pay by cash", "Prefers to pay by cash"],
      ["Оплачу переводом", "Prefers to pay by transfer"],
      ["I'm a total beginner", "Experience level: beginner"],
      ["Я новичок", "Experience level: beginner"],
      ["I prefer something relaxing in the evening", "Prefers relaxing effects"],
      ["My name is anna", "Name: Anna"],
    ];
    for (const [text, fact] of cases) {
      expect(
        extractFactsByRules(text).map((f) => f.content),
        text,
      ).toContain(fact);
    }
    const allergy = extractFactsByRules("I'm allergic to peanuts")[0];
    expect(allergy?.importance).toBe(1);
    expect(allergy?.decayRate).toBe(0);
  });

  it("small talk and greetings produce nothing", () => {
    for (const text of [
      "hi",
      "Hello! How are you?",
      "thanks a lot",
      "привет, как дела?",
      "Дякую!",
      "สวัสดีครับ",
      "what do you have today?",
      "nice weather in Phuket",
      "ok",
    ]) {
      expect(extractFactsByRules(text), text).toEqual([]);
    }
  });

  it("never throws and always yields well-formed facts for any input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        for (const f of extractFactsByRules(s)) {
          expect(f.content.length).toBeGreaterThan(2);
          expect(f.importance).toBeGreaterThanOrEqual(0);
          expect(f.importance).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe("memory on a real database", () => {
  const clock = fixedClock("2025-03-01T12:00:00Z");
  let deps: Awaited<ReturnType<typeof createTestDeps>>;
  beforeAll(async () => {
    deps = await createTestDeps({ clock });
  });
  afterAll(async () => {
    await deps.close();
  });

  it("keeps an allergy and a favourite colour, not small talk; merges a repeat", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-4000-8000-000000000301");
    await learnFromText(deps, { profileId: p.id, text: "hi there, how are you today?" });
    expect(await listActiveFacts(deps, p.id)).toEqual([]);
    await learnFromText(deps, {
      profileId: p.id,
      text: "I'm allergic to peanuts. My favourite colour is purple",
    });
    const again = await learnFromText(deps, { profileId: p.id, text: "my favorite color is purple" });
    expect(again.results[0]).toMatchObject({ stored: true, merged: true });
    const facts = await listActiveFacts(deps, p.id);
    expect(facts.map((f) => f.content).sort()).toEqual(["Allergic to peanuts", "Favourite colour: purple"]);
    expect(facts.find((f) => f.category === "style")?.timesSeen).toBe(2);
    const profile = await getProfileById(deps, p.id);
    expect(profile?.preferences).toMatchObject({ allergies: ["peanuts"], favoriteColors: ["purple"] });
    const ctx = await getFullContext(deps, p.id);
    expect(ctx?.paragraph).toContain("Allergic to peanuts");
    expect(ctx?.paragraph).toContain("Health: peanuts");
  });

  it("a new address replaces the old one; completeness follows the profile", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-4000-8000-000000000302");
    expect((await getProfileById(deps, p.id))?.completenessScore).toBe(0);
    await learnFromText(deps, { profileId: p.id, text: "I'm staying at the Marriott hotel" });
    await learnFromText(deps, { profileId: p.id, text: "Now I'm staying at the Hilton Patong hotel" });
    await learnFromText(deps, { profileId: p.id, text: "I'll pay by crypto. My name is Anna" });
    const delivery = (await listActiveFacts(deps, p.id)).filter((f) => f.category === "delivery");
    expect(delivery.map((f) => f.content)).toEqual(["Delivery address: Hilton Patong hotel"]);
    const profile = await getProfileById(deps, p.id);
    expect(profile?.displayName).toBe("Anna");
    expect(profile?.preferences).toMatchObject({
      deliveryAddress: "Hilton Patong hotel",
      paymentMethod: "crypto",
    });
    // name, deliveryAddress, paymentMethod of 8 fields.
    expect(profile?.completenessScore).toBe(0.375);
  });

  it("an unused fact decays below the threshold over simulated days; an allergy does not", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-4000-8000-000000000303");
    await learnFromText(deps, {
      profileId: p.id,
      text: "I'm allergic to shellfish. My favourite colour is green",
    });
    const colour = (await listActiveFacts(deps, p.id)).find((f) => f.category === "style")!;
    const start = colour.importance;
    let days = 0;
    // The daily job, run once a simulated day (and once more on the same day: no double charge).
    while ((await listActiveFacts(deps, p.id)).some((f) => f.id === colour.id)) {
      clock.advance(DAY);
      days++;
      await runMemoryDecay(deps);
      await runMemoryDecay(deps);
      expect(days).toBeLessThan(60);
    }
    const [row] = await deps.db.select().from(memoryFacts).where(eq(memoryFacts.id, colour.id));
    expect(row?.isActive).toBe(false);
    expect(row!.importance).toBeLessThan(IMPORTANCE_MIN);
    // Linear decay: the day it dropped out is the first with start − rate·days < 0.6.
    expect(days).toBe(Math.floor((start - IMPORTANCE_MIN) / colour.decayRate + 1e-9) + 1);
    const active = await listActiveFacts(deps, p.id);
    expect(active.map((f) => f.content)).toEqual(["Allergic to shellfish"]);
    expect(active[0]?.importance).toBe(1);
    const ctx = await getFullContext(deps, p.id);
    expect(ctx?.paragraph).not.toContain("green");
  });

  it("using a fact (the assistant's context) postpones its decay", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-4000-8000-000000000304");
    await learnFromText(deps, { profileId: p.id, text: "My favourite colour is orange" });
    for (let d = 0; d < 30; d++) {
      clock.advance(DAY / 2);
      await deps.cache.deleteByPrefix("full_context:");
      await getFullContext(deps, p.id);
      clock.advance(DAY / 2);
      await runMemoryDecay(deps);
    }
    const [fact] = await listActiveFacts(deps, p.id);
    expect(fact?.content).toBe("Favourite colour: orange");
    expect(fact!.importance).toBeGreaterThanOrEqual(IMPORTANCE_MIN);
  });

  it("a summary replaces the facts it covers (health facts stay facts)", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-4000-8000-000000000305");
    for (const text of [
      "I'm allergic to latex",
      "My favourite colour is blue",
      "My budget is 2000 baht",
      "I'll pay by cash",
      "I'm a beginner",
      "I prefer something relaxing",
      "My favourite strain is Purple Haze",
    ]) {
      await learnFromText(deps, { profileId: p.id, text });
    }
    expect((await listActiveFacts(deps, p.id)).length).toBe(7);
    expect(await summarizeMemory(deps, p.id, { minFacts: 5 })).toBeUndefined(); // too recent
    clock.advance(8 * DAY);
    const summary = await summarizeMemory(deps, p.id, { minFacts: 5 });
    expect(summary?.factsCount).toBe(6);
    expect(summary?.keyFacts).toContain("Favourite strain: Purple Haze");
    expect(summary?.keyFacts).not.toContain("Allergic to latex");
    const covered = await deps.db.select().from(memoryFacts).where(eq(memoryFacts.summarizedIn, summary!.id));
    expect(covered).toHaveLength(6);
    expect(covered.every((f) => !f.isActive)).toBe(true);
    expect((await listActiveFacts(deps, p.id)).map((f) => f.content)).toEqual(["Allergic to latex"]);
    const ctx = await getFullContext(deps, p.id);
    expect(ctx?.memorySummary).toContain("Favourite strain: Purple Haze");
    expect(ctx?.paragraph).toContain("Allergic to latex");
    expect(ctx?.paragraph).toContain("Purple Haze");
  });

  it("with a model: structured output is gated like any fact; a broken model falls back to rules", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-4000-8000-000000000306");
    const output = {
      facts: [
        {
          content: "Allergic to gluten",
          factType: "constraint",
          category: "health",
          importance: 1,
          confidence: 0.9,
          preferenceKey: "allergies",
          value: "gluten",
        },
        {
          content: "Said hello",
          factType: "behavior",
          category: "personal",
          importance: 0.2,
          confidence: 0.9,
          preferenceKey: null,
          value: null,
        },
      ],
    };
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: "text", text: JSON.stringify(output) }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 10, text: 10, reasoning: 0 },
        },
        warnings: [],
      },
    });
    const r = await learnFromText({ ...deps, model }, { profileId: p.id, text: "hello, I can't eat gluten" });
    expect(r.results.map((x) => x.stored)).toEqual([true, false]);
    expect(model.doGenerateCalls).toHaveLength(1);
    const broken = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new Error("model down");
      },
    });
    await learnFromText({ ...deps, model: broken }, { profileId: p.id, text: "My favourite colour is teal" });
    expect((await listActiveFacts(deps, p.id)).map((f) => f.content).sort()).toEqual([
      "Allergic to gluten",
      "Favourite colour: teal",
    ]);
  });

  it("deleting a customer deletes their memory", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-4000-8000-000000000307");
    await learnFromText(deps, { profileId: p.id, text: "I'm allergic to soy. My favourite colour is red" });
    await deps.db.insert(memorySummaries).values({ userProfileId: p.id, summaryText: "x", factsCount: 1 });
    await deleteCustomer(deps, p.id);
    expect(await deps.db.select().from(memoryFacts).where(eq(memoryFacts.userProfileId, p.id))).toEqual([]);
    expect(
      await deps.db.select().from(memorySummaries).where(eq(memorySummaries.userProfileId, p.id)),
    ).toEqual([]);
    expect(await getProfileById(deps, p.id)).toBeUndefined();
  });
});
