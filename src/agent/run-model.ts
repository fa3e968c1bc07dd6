/**
 * Runs one model over the prompt with the tools (our tool loop over the model's AI SDK provider
 * runs them and calls the model again with their results), with an explicit timeout, and
 * records each model call as a step.
 * If the model errors or times out, the offline assistant answers the same prompt with the same
 * tools: the customer still gets a useful reply and the failure is traced.
 */
import type {
  JSONValue,
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { asSchema, type ModelMessage, type ToolSet } from "ai";
import type { Logger } from "../logger.js";
import { redactText } from "../logger.js";
import { type ErrorCategory, errorCategoryOf, type TraceStatus } from "../services/traces.js";
import type { AgentModel, AgentModels } from "./models/index.js";

/** Tool rounds per turn: search → details → answer is three; more is a model going in circles. */
export const MAX_STEPS = 5;

export interface StepRecord {
  model: string;
  node: string;
  status: TraceStatus;
  errorCategory?: ErrorCategory;
  errorMessage?: string;
  latencyMs: number;
  tokensIn: number;
  tokensOut: number;
  toolCalls: Array<{ name: string; input: unknown }>;
  toolErrors: string[];
  text: string;
}

export interface ModelRunInput {
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  onText?: (chunk: string) => void;
}

export interface ModelRunResult {
  text: string;
  steps: StepRecord[];
  usedFallback: boolean;
  /** The primary model's failure, when the fallback answered. */
  error?: unknown;
}

/** The prompt in the provider's terms: the system prompt, then the messages (text parts). */
function providerPrompt(system: string, messages: ModelMessage[]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [{ role: "system", content: system }];
  for (const m of messages) {
    if (m.role === "system") prompt.push({ role: "system", content: m.content });
    else if (m.role === "user" || m.role === "assistant") {
      const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
      const text = parts.flatMap((p) => (p.type === "text" ? [{ type: "text" as const, text: p.text }] : []));
      if (text.length !== parts.length) throw new Error(`unsupported ${m.role} message content`);
      prompt.push({ role: m.role, content: text });
    } else throw new Error("tool messages are not part of a turn's history");
  }
  return prompt;
}

/** The tools in the provider's terms (name, description, JSON schema of the input). */
async function providerTools(tools: ToolSet): Promise<LanguageModelV3FunctionTool[]> {
  const out: LanguageModelV3FunctionTool[] = [];
  for (const [name, t] of Object.entries(tools)) {
    out.push({
      type: "function",
      name,
      description: t.description,
      inputSchema: await asSchema(t.inputSchema).jsonSchema,
    });
  }
  return out;
}

interface ToolCall {
  toolCallId: string;
  toolName: string;
  input: string;
}

function errorText(error: unknown): string {
  return String((error as Error)?.message ?? error);
}

/**
 * Runs the tools of one step, all at once as the AI SDK does: the input is parsed and checked by
 * the tool's own schema first. An unknown tool, bad input or a tool that throws is not fatal: the
 * model gets the error as the tool's result (and the step is traced as BLOCKED).
 */
async function runTools(
  tools: ToolSet,
  calls: ToolCall[],
  messages: ModelMessage[],
  abortSignal: AbortSignal,
) {
  return Promise.all(
    calls.map(async (c) => {
      let input: unknown = c.input;
      try {
        input = c.input.trim() === "" ? {} : JSON.parse(c.input);
        const t = tools[c.toolName];
        if (!t?.execute)
          throw Object.assign(new Error(`no such tool: ${c.toolName}`), { name: "NoSuchToolError" });
        const checked = await asSchema(t.inputSchema).validate?.(input);
        if (checked && !checked.success)
          throw Object.assign(new Error(`invalid input for ${c.toolName}: ${errorText(checked.error)}`), {
            name: "InvalidToolInputError",
          });
        const output: unknown = await t.execute(checked ? checked.value : input, {
          toolCallId: c.toolCallId,
          messages,
          abortSignal,
        });
        return { call: c, input, output, error: undefined as string | undefined };
      } catch (error) {
        return { call: c, input, output: undefined, error: errorText(error) };
      }
    }),
  );
}

type ToolRun = Awaited<ReturnType<typeof runTools>>[number];

/**
 * One model call as a step: its text, its tool calls (valid or not) and their errors (invalid
 * input, unknown tool, a tool that threw), which make it BLOCKED.
 */
function stepRecord(
  model: AgentModel,
  text: string,
  runs: ToolRun[],
  usage: LanguageModelV3Usage | undefined,
  latencyMs: number,
): StepRecord {
  const toolErrors = runs.flatMap((r) =>
    r.error === undefined ? [] : [`${r.call.toolName}: ${r.error.slice(0, 200)}`],
  );
  return {
    model: model.name,
    node: runs.length ? `tools:${runs.map((r) => r.call.toolName).join(",")}` : "respond",
    status: toolErrors.length ? "BLOCKED" : "SUCCESS",
    errorCategory: toolErrors.length ? "SCHEMA" : undefined,
    errorMessage: toolErrors.length ? toolErrors.join("; ") : undefined,
    latencyMs,
    tokensIn: usage?.inputTokens.total ?? 0,
    tokensOut: usage?.outputTokens.total ?? 0,
    toolCalls: runs.map((r) => ({ name: r.call.toolName, input: r.input })),
    toolErrors,
    text,
  };
}

/**
 * One model's tool loop, the same for every model (OpenAI, OpenAI-compatible servers, the offline
 * assistant): call it through its AI SDK provider (LanguageModelV3: doStream when it streams,
 * else doGenerate), run the tools it asks for, call it again with their results, at most
 * MAX_STEPS calls, all within the model's timeout. It replaces the AI SDK's generateText /
 * streamText loop, which cost ≈ 0.45 ms of the server thread per turn (docs/guides/assistant.md,
 * Benchmark). Returns the text the customer gets: everything streamed, or the last step's text.
 */
async function runOnce(model: AgentModel, input: ModelRunInput, steps: StepRecord[]): Promise<string> {
  const abortSignal = AbortSignal.timeout(model.timeoutMs);
  const prompt = providerPrompt(input.system, input.messages);
  const tools = await providerTools(input.tools);
  let streamed = "";
  for (let step = 0; step < MAX_STEPS; step++) {
    const t0 = performance.now();
    const options: LanguageModelV3CallOptions = { prompt, tools, toolChoice: { type: "auto" }, abortSignal };
    let text = "";
    const calls: ToolCall[] = [];
    let usage: LanguageModelV3Usage | undefined;
    if (model.streams) {
      let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart> | undefined;
      try {
        const { stream } = await model.model.doStream(options);
        reader = stream.getReader();
        for (;;) {
          const { done, value: part } = await reader.read();
          if (done) break;
          if (part.type === "text-delta") {
            text += part.delta;
            streamed += part.delta;
            input.onText?.(part.delta);
          } else if (part.type === "tool-call") calls.push(part);
          else if (part.type === "finish") usage = part.usage;
          else if (part.type === "error")
            throw part.error instanceof Error ? part.error : new Error(errorText(part.error));
        }
      } catch (error) {
        // Stop reading the response (the connection is not left streaming into nothing).
        reader?.cancel().catch(() => {});
        const e = error instanceof Error ? error : new Error(errorText(error));
        if (abortSignal.aborted && e.name !== "TimeoutError")
          throw Object.assign(new Error("model call aborted (timeout)"), {
            name: "TimeoutError",
            partialText: streamed,
          });
        throw Object.assign(e, { partialText: streamed });
      }
    } else {
      const r = await model.model.doGenerate(options);
      for (const c of r.content) {
        if (c.type === "text") text += c.text;
        else if (c.type === "tool-call") calls.push(c);
      }
      usage = r.usage;
    }
    const results = calls.length ? await runTools(input.tools, calls, input.messages, abortSignal) : [];
    steps.push(stepRecord(model, text, results, usage, performance.now() - t0));
    if (calls.length === 0 || step === MAX_STEPS - 1) {
      if (model.streams) return streamed;
      if (text) input.onText?.(text);
      return text;
    }
    prompt.push({
      role: "assistant",
      content: [
        ...(text ? [{ type: "text" as const, text }] : []),
        ...results.map((r) => ({
          type: "tool-call" as const,
          toolCallId: r.call.toolCallId,
          toolName: r.call.toolName,
          input: r.input,
        })),
      ],
    });
    prompt.push({
      role: "tool",
      content: results.map((r) => ({
        type: "tool-result" as const,
        toolCallId: r.call.toolCallId,
        toolName: r.call.toolName,
        output: (r.error !== undefined
          ? { type: "error-text", value: r.error }
          : typeof r.output === "string"
            ? { type: "text", value: r.output }
            : { type: "json", value: (r.output ?? null) as JSONValue }) as LanguageModelV3ToolResultOutput,
      })),
    });
  }
  return model.streams ? streamed : "";
}

export async function runModel(
  models: AgentModels,
  input: ModelRunInput,
  logger: Logger,
): Promise<ModelRunResult> {
  const steps: StepRecord[] = [];
  const started = performance.now();
  try {
    const text = await runOnce(models.primary, input, steps);
    return { text, steps, usedFallback: false };
  } catch (error) {
    if (models.primary === models.fallback) throw error;
    const category = errorCategoryOf(error);
    // Only the error's name, message and status: an AI SDK error carries the whole prompt
    // (customer messages and context), which must not reach the logs.
    const e = error as { name?: string; message?: string; statusCode?: number };
    logger.warn(
      {
        error: {
          name: e.name,
          message: redactText(String(e.message ?? "")).slice(0, 300),
          statusCode: e.statusCode,
        },
        model: models.primary.name,
        category,
      },
      "model failed; the offline assistant answers",
    );
    steps.push({
      model: models.primary.name,
      node: "model_error",
      status: "ERROR",
      errorCategory: category,
      errorMessage: errorText(error).slice(0, 500),
      latencyMs: performance.now() - started - steps.reduce((s, x) => s + x.latencyMs, 0),
      tokensIn: 0,
      tokensOut: 0,
      toolCalls: [],
      toolErrors: [],
      text: "",
    });
    const partial = String((error as { partialText?: string }).partialText ?? "");
    // Text already streamed stays with the customer; the fallback continues on a new paragraph.
    if (partial) input.onText?.("\n\n");
    const text = await runOnce(models.fallback, input, steps);
    return { text: partial ? `${partial}\n\n${text}` : text, steps, usedFallback: true, error };
  }
}
