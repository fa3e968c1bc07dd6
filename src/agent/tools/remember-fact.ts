/** remember_fact: keep something lasting about the customer (the importance/surprise gate applies). */
import { tool, zodSchema } from "ai";
import { z } from "zod";
import { rememberFact } from "../../services/memory/index.js";
import type { ToolContext } from "./context.js";

export const rememberFactInput = z.object({
  content: z.string().min(3).max(300).describe("One fact, e.g. 'Prefers indica for sleep'"),
  factType: z.enum(["preference", "constraint", "logistics", "behavior"]),
  category: z
    .string()
    .min(2)
    .max(30)
    .describe("product | effect | delivery | payment | health | style | personal"),
  importance: z.number().min(0).max(1),
  confidence: z.number().min(0).max(1).default(0.8),
});

/** Built once: the JSON schema sent to models is computed on first use and kept. */
const inputSchema = zodSchema(rememberFactInput);
export function rememberFactTool(ctx: ToolContext) {
  return tool({
    description:
      "Remember a lasting fact about this customer (preferences, constraints, logistics). Trivia is not kept.",
    inputSchema,
    execute: async (input) => {
      ctx.effects.personal = true;
      await ctx.saved;
      const r = await rememberFact(ctx.deps, {
        ...input,
        userProfileId: ctx.profile.id,
        source: "assistant",
        sourceMessageId: ctx.userMessageId,
      });
      return r.stored ? { stored: true, merged: r.merged } : { stored: false, reason: r.reason };
    },
  });
}
