/**
 * Fact extraction and summaries with a language model, as structured output validated by zod
 * (AI SDK `generateText` + `Output.object`, the v6 successor of `generateObject`). The model is a
 * dependency the caller passes in; without one the rules in ./rules.ts are used instead.
 */
import { generateText, type LanguageModel, Output } from "ai";
import { z } from "zod";
import type { FactCandidate, PreferenceKey } from "./rules.js";

const PREFERENCE_KEYS = [
  "allergies",
  "healthConditions",
  "favoriteColors",
  "favoriteStrains",
  "preferredEffects",
  "budget",
  "deliveryAddress",
  "paymentMethod",
  "experienceLevel",
  "name",
] as const satisfies readonly PreferenceKey[];

export const extractedFactsSchema = z.object({
  facts: z
    .array(
      z.object({
        content: z.string().min(2).max(200).describe("One short fact about the customer, in English"),
        factType: z.enum(["preference", "constraint", "logistics", "behavior"]),
        category: z
          .enum([
            "health",
            "style",
            "product",
            "effect",
            "budget",
            "delivery",
            "payment",
            "experience",
            "personal",
          ])
          .describe("health = allergies and medical constraints"),
        importance: z
          .number()
          .min(0)
          .max(1)
          .describe("1 = must never be forgotten (allergy); < 0.6 = trivia"),
        confidence: z.number().min(0).max(1),
        preferenceKey: z
          .enum(PREFERENCE_KEYS)
          .nullable()
          .describe("The profile field this fact sets, if any"),
        value: z.string().max(120).nullable().describe("The value for preferenceKey, e.g. 'blue' or 'cash'"),
      }),
    )
    .max(8),
});

const EXTRACT_SYSTEM = `You extract durable facts about a shop customer from one message they wrote.
Keep only what will matter in a later conversation: allergies and health constraints, favourite
colours, strains and effects, budget, delivery address or hotel, payment preference, experience
level, their name. Greetings, thanks, questions and small talk produce no facts. Write each fact
in English whatever the message language. Rate importance honestly: 1.0 for health constraints,
0.7-0.9 for stable preferences, below 0.6 for anything passing.`;

/** A background model call never holds a job past this; the rules take over on timeout. */
export const BACKGROUND_MODEL_TIMEOUT_MS = 60_000;

const DECAY_BY_CATEGORY: Record<string, number> = { health: 0, personal: 0, experience: 0.005 };

export async function extractFactsWithModel(
  model: LanguageModel,
  text: string,
  opts: { abortSignal?: AbortSignal } = {},
): Promise<FactCandidate[]> {
  const { output } = await generateText({
    model,
    system: EXTRACT_SYSTEM,
    prompt: text,
    output: Output.object({ schema: extractedFactsSchema }),
    abortSignal: opts.abortSignal ?? AbortSignal.timeout(BACKGROUND_MODEL_TIMEOUT_MS),
  });
  return output.facts.map((f) => ({
    content: f.content,
    factType: f.factType,
    category: f.category,
    importance: f.importance,
    confidence: f.confidence,
    decayRate: DECAY_BY_CATEGORY[f.category] ?? 0.02,
    ...(f.preferenceKey && f.value ? { preference: { key: f.preferenceKey, value: f.value } } : {}),
  }));
}

const summarySchema = z.object({ summary: z.string().min(1).max(600) });

/** A 1-3 sentence summary of facts (memory) or of a conversation's messages. */
export async function summarizeWithModel(
  model: LanguageModel,
  what: "memory" | "conversation",
  lines: string[],
): Promise<string> {
  const { output } = await generateText({
    model,
    system:
      what === "memory"
        ? "Summarize these facts about a shop customer in 1-3 short English sentences. Keep every allergy and constraint."
        : "Summarize this shop conversation in 1-2 short English sentences: what the customer wanted and how it ended.",
    prompt: lines.join("\n"),
    output: Output.object({ schema: summarySchema }),
    abortSignal: AbortSignal.timeout(BACKGROUND_MODEL_TIMEOUT_MS),
  });
  return output.summary;
}
