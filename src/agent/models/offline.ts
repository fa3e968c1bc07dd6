/**
 * The built-in offline assistant as an AI SDK language model (LanguageModelV3), so the turn's
 * tool loop (src/agent/run-model.ts) runs it exactly as it runs the OpenAI and OpenAI-compatible
 * providers: it executes the tools and calls the model again with their results.
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

/**
 * What the brain reads of a prompt: the system prompt and the messages from the customer's
 * latest one on (the history before it decides nothing), so a long history is not converted on
 * every call.
 */
function latestBrainInput(prompt: LanguageModelV3Prompt): BrainInput {
  let lastUser = prompt.length - 1;
  while (lastUser >= 0 && prompt[lastUser]!.role !== "user") lastUser--;
  if (lastUser <= 0) return toBrainInput(prompt);
  const tail: LanguageModelV3Prompt = [];
  for (let i = 0; i < lastUser; i++) if (prompt[i]!.role === "system") tail.push(prompt[i]!);
  for (let i = lastUser; i < prompt.length; i++) tail.push(prompt[i]!);
  return toBrainInput(tail);
}

/** A rough token count (4 characters a token), so traces show the size of each call. */
function estimateTokens(s: string): number {
  return Math.ceil(s.length / 4);
}

/**
 * Characters JSON.stringify may escape: `"`, `\\`, controls (it escapes those below U+0020) and
 * lone surrogates (the `u` flag reads a pair as one character).
 */
const MAY_ESCAPE = /["\\\p{Cc}\p{Cs}]/u;

/**
 * Lengths of long texts already measured. The same history texts (cached strings) and system
 * prompt come back on every model call of a turn and every turn of a conversation; a string's
 * hash is kept by V8 in the string itself, so finding one again costs no scan of its text.
 */
const measured = new Map<string, number>();
const MEASURED_MIN_CHARS = 64;
const MEASURED_MAX_ENTRIES = 20_000;

/** The length of `JSON.stringify(s)`: `"` and `\\` take 2, controls 2 or 6, lone surrogates 6. */
function quotedLength(s: string): number {
  if (s.length < MEASURED_MIN_CHARS) return scanQuotedLength(s);
  const known = measured.get(s);
  if (known !== undefined) return known;
  const n = scanQuotedLength(s);
  if (measured.size >= MEASURED_MAX_ENTRIES) measured.clear();
  measured.set(s, n);
  return n;
}

function scanQuotedLength(s: string): number {
  if (!MAY_ESCAPE.test(s)) return s.length + 2;
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x20) n += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2;
        i++;
      } else n += 6;
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 1;
  }
  return n;
}

/** `[{"type":"text","text":` and `}]` around the quoted text. */
const TEXT_PART_CHARS = 25;

/**
 * `JSON.stringify(content).length` of a message's content. The history messages, most of every
 * prompt, are one text part: counted without building their JSON.
 */
function contentChars(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (Array.isArray(content) && content.length === 1) {
    const part = content[0] as { type?: unknown; text?: unknown; providerOptions?: unknown };
    if (
      part !== null &&
      typeof part === "object" &&
      Object.getPrototypeOf(part) === Object.prototype &&
      part.type === "text" &&
      typeof part.text === "string" &&
      part.providerOptions === undefined &&
      !("toJSON" in part)
    ) {
      const keys = Object.keys(part);
      if (
        keys[0] === "type" &&
        keys[1] === "text" &&
        (keys.length === 2 || (keys.length === 3 && keys[2] === "providerOptions"))
      ) {
        return TEXT_PART_CHARS + quotedLength(part.text);
      }
    }
  }
  return JSON.stringify(content).length;
}

function usageOf(prompt: LanguageModelV3Prompt, out: BrainOutput): LanguageModelV3Usage {
  let inChars = 0;
  for (const m of prompt) inChars += contentChars(m.content);
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
      const out = decide(latestBrainInput(options.prompt));
      return {
        content: contentOf(out),
        finishReason: { unified: out.kind === "text" ? "stop" : "tool-calls", raw: undefined },
        usage: usageOf(options.prompt, out),
        warnings: [],
      };
    },
    async doStream(options: LanguageModelV3CallOptions) {
      const out = decide(latestBrainInput(options.prompt));
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

export { contentChars, toBrainInput };
