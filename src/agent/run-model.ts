/**
 * Runs one model over the prompt with the tools (the AI SDK executes them and calls the model
 * again with their results), with an explicit timeout, and records each model call as a step.
 * If the model errors or times out, the offline assistant answers the same prompt with the same
 * tools: the customer still gets a useful reply and the failure is traced.
 */
import { generateText, type ModelMessage, type StepResult, stepCountIs, streamText, type ToolSet } from "ai";
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

function stepRecord(model: AgentModel, step: StepResult<ToolSet>, latencyMs: number): StepRecord {
  const toolErrors = step.content.flatMap((p) =>
    p.type === "tool-error"
      ? [`${p.toolName}: ${String((p.error as Error)?.message ?? p.error).slice(0, 200)}`]
      : [],
  );
  return {
    model: model.name,
    node: step.toolCalls.length ? `tools:${step.toolCalls.map((c) => c.toolName).join(",")}` : "respond",
    status: toolErrors.length ? "BLOCKED" : "SUCCESS",
    errorCategory: toolErrors.length ? "SCHEMA" : undefined,
    errorMessage: toolErrors.length ? toolErrors.join("; ") : undefined,
    latencyMs,
    tokensIn: step.usage.inputTokens ?? 0,
    tokensOut: step.usage.outputTokens ?? 0,
    toolCalls: step.toolCalls.map((c) => ({ name: c.toolName, input: c.input })),
    toolErrors,
    text: step.text,
  };
}

async function runOnce(model: AgentModel, input: ModelRunInput, steps: StepRecord[]): Promise<string> {
  let t0 = performance.now();
  const onStepFinish = (step: StepResult<ToolSet>) => {
    const now = performance.now();
    steps.push(stepRecord(model, step, now - t0));
    t0 = now;
  };
  const common = {
    model: model.model,
    system: input.system,
    messages: input.messages,
    tools: input.tools,
    stopWhen: stepCountIs(MAX_STEPS),
    // No retries: a failed call falls back to the offline assistant at once instead of making the customer wait.
    maxRetries: 0,
    timeout: { totalMs: model.timeoutMs },
    onStepFinish,
  };
  if (!model.streams) {
    const r = await generateText(common);
    if (r.text) input.onText?.(r.text);
    return r.text;
  }
  const r = streamText({ ...common, onError: () => {} });
  let text = "";
  for await (const part of r.fullStream) {
    if (part.type === "text-delta") {
      text += part.text;
      input.onText?.(part.text);
    } else if (part.type === "error") {
      throw Object.assign(part.error instanceof Error ? part.error : new Error(String(part.error)), {
        partialText: text,
      });
    } else if (part.type === "abort") {
      throw Object.assign(new Error("model call aborted (timeout)"), {
        name: "TimeoutError",
        partialText: text,
      });
    }
  }
  return text;
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
      errorMessage: String((error as Error)?.message ?? error).slice(0, 500),
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
