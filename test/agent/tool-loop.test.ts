/**
 * The turn's tool loop (src/agent/run-model.ts) on its own, with a scripted model: what it sends
 * the model, how tool input is checked, how errors come back to the model, the step cap, and
 * streaming. The full pipeline runs it in pipeline.test.ts and through a fake OpenAI-compatible
 * server in fake-llm.test.ts.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import { tool, zodSchema } from "ai";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { offlineAgentModel } from "../../src/agent/models/index.js";
import { MAX_STEPS, runModel } from "../../src/agent/run-model.js";
import { createLogger } from "../../src/logger.js";

const usage = {
  inputTokens: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 3, text: 3, reasoning: 0 },
};

/** A model that answers each call with the next scripted content and records what it was sent. */
function scripted(replies: LanguageModelV3Content[][]) {
  const calls: LanguageModelV3CallOptions[] = [];
  const next = (o: LanguageModelV3CallOptions) => {
    calls.push(structuredClone({ ...o, abortSignal: undefined }));
    return replies[Math.min(calls.length - 1, replies.length - 1)]!;
  };
  const model: LanguageModelV3 = {
    specificationVersion: "v3",
    provider: "scripted",
    modelId: "scripted",
    supportedUrls: {},
    async doGenerate(o) {
      const content = next(o);
      const tools = content.some((c) => c.type === "tool-call");
      return {
        content,
        finishReason: { unified: tools ? "tool-calls" : "stop", raw: undefined },
        usage,
        warnings: [],
      };
    },
    async doStream(o) {
      const content = next(o);
      const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: [] }];
      for (const c of content) {
        if (c.type === "text")
          for (const w of c.text.split(" ")) parts.push({ type: "text-delta", id: "t", delta: `${w} ` });
        else parts.push(c as LanguageModelV3StreamPart);
      }
      parts.push({ type: "finish", usage, finishReason: { unified: "stop", raw: undefined } });
      return {
        stream: new ReadableStream({
          start(c) {
            for (const p of parts) c.enqueue(p);
            c.close();
          },
        }),
      };
    },
  };
  return { model, calls };
}

const call = (toolName: string, input: string, id = toolName): LanguageModelV3Content => ({
  type: "tool-call",
  toolCallId: id,
  toolName,
  input,
});

function tools(log: unknown[]) {
  return {
    price: tool({
      description: "price of a product",
      inputSchema: zodSchema(z.object({ product: z.string().min(1) }).strict()),
      execute: async ({ product }) => {
        log.push(product);
        return { product, price: "450.00" };
      },
    }),
    broken: tool({
      description: "always fails",
      inputSchema: zodSchema(z.object({})),
      execute: async (): Promise<{ ok: boolean }> => {
        throw new Error("database unavailable");
      },
    }),
  };
}

async function run(model: LanguageModelV3, log: unknown[], streams = false, onText?: (t: string) => void) {
  const primary = { ...offlineAgentModel(), model, name: "scripted", streams };
  return runModel(
    { primary, fallback: offlineAgentModel() },
    {
      system: "You are a shop.",
      messages: [{ role: "user", content: "How much is OG Kush?" }],
      tools: tools(log),
      onText,
    },
    createLogger("silent"),
  );
}

describe("the tool loop", () => {
  test("runs a tool with checked input, sends its result back, and returns the final text", async () => {
    const log: unknown[] = [];
    const m = scripted([
      [call("price", '{"product":"OG Kush"}')],
      [{ type: "text", text: "OG Kush is 450." }],
    ]);
    const r = await run(m.model, log);
    expect(r.text).toBe("OG Kush is 450.");
    expect(r.usedFallback).toBe(false);
    expect(log).toEqual(["OG Kush"]);
    expect(m.calls).toHaveLength(2);
    // The first call: the system prompt and the message as text parts, the tools as JSON schemas.
    expect(m.calls[0]!.prompt).toEqual([
      { role: "system", content: "You are a shop." },
      { role: "user", content: [{ type: "text", text: "How much is OG Kush?" }] },
    ]);
    expect(m.calls[0]!.tools?.map((t) => t.name)).toEqual(["price", "broken"]);
    const schema = (m.calls[0]!.tools![0] as { inputSchema: { properties?: object } }).inputSchema;
    expect(Object.keys(schema.properties ?? {})).toEqual(["product"]);
    // The second: the tool call and its result appended.
    expect(m.calls[1]!.prompt.slice(2)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "price", toolName: "price", input: { product: "OG Kush" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "price",
            toolName: "price",
            output: { type: "json", value: { product: "OG Kush", price: "450.00" } },
          },
        ],
      },
    ]);
    expect(r.steps.map((s) => [s.node, s.status, s.tokensIn, s.tokensOut])).toEqual([
      ["tools:price", "SUCCESS", 7, 3],
      ["respond", "SUCCESS", 7, 3],
    ]);
  });

  test("bad input, an unknown tool and a tool that throws go back to the model as errors, traced BLOCKED", async () => {
    const log: unknown[] = [];
    const m = scripted([
      [
        call("price", '{"product":"OG Kush","price":"1.00"}', "a"), // a field the schema does not allow
        call("price", "{not json", "b"),
        call("set_price", '{"price":1}', "c"),
        call("broken", "{}", "d"),
      ],
      [{ type: "text", text: "Sorry." }],
    ]);
    const r = await run(m.model, log);
    expect(log).toEqual([]); // nothing ran with input its schema refused
    const results = m.calls[1]!.prompt.at(-1)!.content as Array<{
      toolCallId: string;
      output: { type: string; value: string };
    }>;
    expect(results.map((x) => [x.toolCallId, x.output.type])).toEqual([
      ["a", "error-text"],
      ["b", "error-text"],
      ["c", "error-text"],
      ["d", "error-text"],
    ]);
    expect(results[2]!.output.value).toContain("no such tool: set_price");
    expect(results[3]!.output.value).toContain("database unavailable");
    expect(r.steps[0]).toMatchObject({
      status: "BLOCKED",
      errorCategory: "SCHEMA",
      node: "tools:price,price,set_price,broken",
    });
    expect(r.steps[0]!.toolErrors).toHaveLength(4);
    expect(r.text).toBe("Sorry.");
  });

  test(`stops after ${MAX_STEPS} model calls even if the model keeps calling tools`, async () => {
    const log: unknown[] = [];
    const m = scripted([[call("price", '{"product":"OG Kush"}')]]);
    const r = await run(m.model, log);
    expect(m.calls).toHaveLength(MAX_STEPS);
    expect(r.steps).toHaveLength(MAX_STEPS);
    expect(log).toHaveLength(MAX_STEPS);
    expect(r.text).toBe("");
  });

  test("a streaming model's text reaches the customer as it comes, across steps", async () => {
    const log: unknown[] = [];
    const m = scripted([
      [{ type: "text", text: "Let me check." }, call("price", '{"product":"OG Kush"}')],
      [{ type: "text", text: "It is 450." }],
    ]);
    const chunks: string[] = [];
    const r = await run(m.model, log, true, (t) => chunks.push(t));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join("")).toBe("Let me check. It is 450. ");
    expect(r.text).toBe("Let me check. It is 450. ");
    expect(m.calls[1]!.prompt[2]).toMatchObject({
      role: "assistant",
      content: [
        { type: "text", text: "Let me check. " },
        { type: "tool-call", toolName: "price" },
      ],
    });
  });
});
