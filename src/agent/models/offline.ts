/**
 * The built-in offline assistant as an AI SDK language model (LanguageModelV3), so `streamText` /
 * `generateText` with tools run exactly as they do for OpenAI or an OpenAI-compatible server:
 * the SDK executes the tools and calls the model again with their results.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { type BrainInput, type BrainMessage, type BrainOutput, decide } from "../offline/brain.js";

export const OFFLINE_MODEL_ID = "offline-assistant";

function toBrainInput(prompt: LanguageModelV3Prompt): BrainInput {
  let system = "";
  const messages: BrainMessage[] = [];
  for (const m of prompt) {
    if (m.role === "system") system += `${m.content}\n`;
    else if (m.role === "user") {
      messages.push({ role: "user", text: m.content.map((p) => (p.type === "text" ? p.text : "")).join("") });
    } else if (m.role === "assistant") {
      const text = m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
      const toolCalls = m.content.flatMap((p) =>
        p.type === "tool-call"
          ? [{ name: p.toolName, input: (p.input ?? {}) as Record<string, unknown> }]
          : [],
      );
      messages.push({ role: "assistant", text, toolCalls });
    } else if (m.role === "tool") {
      const toolResults = m.content.flatMap((p) => {
        if (p.type !== "tool-result") return [];
        const o = p.output;
        const output =
          o.type === "json" || o.type === "error-json" ? o.value : "value" in o ? o.value : undefined;
        return [{ name: p.toolName, output }];
      });
      messages.push({ role: "tool", toolResults });
    }
  }
  return { system, messages };
}

/** A rough token count (4 characters a token), so traces show the size of each call. */
function estimateTokens(s: string): number {
  return Math.ceil(s.length / 4);
}

function usageOf(prompt: LanguageModelV3Prompt, out: BrainOutput): LanguageModelV3Usage {
  let inChars = 0;
  for (const m of prompt)
    inChars += typeof m.content === "string" ? m.content.length : JSON.stringify(m.content).length;
  const outTokens = estimateTokens(out.kind === "text" ? out.text : JSON.stringify(out.calls));
  const inTokens = Math.ceil(inChars / 4);
  return {
    inputTokens: { total: inTokens, noCache: inTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outTokens, text: outTokens, reasoning: 0 },
  };
}

let callSeq = 0;

function contentOf(out: BrainOutput): LanguageModelV3Content[] {
  if (out.kind === "text") return [{ type: "text", text: out.text }];
  return out.calls.map((c) => ({
    type: "tool-call" as const,
    toolCallId: `offline_${++callSeq}`,
    toolName: c.name,
    input: JSON.stringify(c.input),
  }));
}

/** Splits text into word-sized chunks, so a streaming consumer sees a real stream. */
function chunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

export function createOfflineModel(): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: "offline",
    modelId: OFFLINE_MODEL_ID,
    supportedUrls: {},
    async doGenerate(options: LanguageModelV3CallOptions) {
      const out = decide(toBrainInput(options.prompt));
      return {
        content: contentOf(out),
        finishReason: { unified: out.kind === "text" ? "stop" : "tool-calls", raw: undefined },
        usage: usageOf(options.prompt, out),
        warnings: [],
      };
    },
    async doStream(options: LanguageModelV3CallOptions) {
      const out = decide(toBrainInput(options.prompt));
      const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: [] }];
      if (out.kind === "text") {
        parts.push({ type: "text-start", id: "t0" });
        for (const delta of chunks(out.text)) parts.push({ type: "text-delta", id: "t0", delta });
        parts.push({ type: "text-end", id: "t0" });
      } else {
        for (const c of contentOf(out)) parts.push(c as LanguageModelV3StreamPart);
      }
      parts.push({
        type: "finish",
        usage: usageOf(options.prompt, out),
        finishReason: { unified: out.kind === "text" ? "stop" : "tool-calls", raw: undefined },
      });
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const p of parts) controller.enqueue(p);
            controller.close();
          },
        }),
      };
    },
  };
}

export { toBrainInput };
