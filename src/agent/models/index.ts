/**
 * Which model answers: OpenAI (OPENAI_API_KEY, model LLM_MODEL or gpt-4o-mini), any
 * OpenAI-compatible server (LLM_BASE_URL + LLM_MODEL [+ LLM_API_KEY]: Ollama, vLLM, llama.cpp,
 * LM Studio, OpenRouter), or the built-in offline assistant (the default). The offline assistant
 * is always there as the fallback when a real model fails or times out.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { EmbeddingModelV3, LanguageModelV3 } from "@ai-sdk/provider";
import type { Config } from "../../config.js";
import { createOfflineModel, OFFLINE_MODEL_ID } from "./offline.js";

export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";

export interface AgentModel {
  model: LanguageModelV3;
  /** Recorded in traces; the price table is keyed by it. */
  name: string;
  provider: "offline" | "openai" | "compatible";
  /**
   * Whether turns stream from the model. Remote models do (the first words reach the customer
   * early); the offline assistant answers at once, so its turns skip the stream machinery.
   */
  streams: boolean;
  timeoutMs: number;
}

export interface AgentModels {
  primary: AgentModel;
  /** The offline assistant: answers when the primary model errors or times out. */
  fallback: AgentModel;
  /** EMBEDDING_MODEL on the configured provider, when both are set. */
  embedding?: EmbeddingModelV3;
}

export interface AgentModelOptions {
  /** Stream the offline assistant too (it implements doStream fully). @default false */
  offlineStreams?: boolean;
}

export function offlineAgentModel(opts: AgentModelOptions = {}): AgentModel {
  return {
    model: createOfflineModel(),
    name: OFFLINE_MODEL_ID,
    provider: "offline",
    streams: opts.offlineStreams ?? false,
    timeoutMs: 5_000,
  };
}

export function createAgentModels(config: Config, opts: AgentModelOptions = {}): AgentModels {
  const { llm } = config;
  const fallback = offlineAgentModel(opts);
  if (llm.baseUrl && llm.model) {
    const provider = createOpenAICompatible({
      name: "compatible",
      baseURL: llm.baseUrl,
      apiKey: llm.apiKey ?? llm.openaiApiKey,
      includeUsage: true,
    });
    return {
      primary: {
        model: provider.chatModel(llm.model),
        name: llm.model,
        provider: "compatible",
        streams: true,
        timeoutMs: llm.timeoutMs,
      },
      fallback,
      embedding: llm.embeddingModel ? provider.embeddingModel(llm.embeddingModel) : undefined,
    };
  }
  if (llm.openaiApiKey) {
    const openai = createOpenAI({ apiKey: llm.openaiApiKey });
    const name = llm.model ?? DEFAULT_OPENAI_MODEL;
    return {
      primary: {
        model: openai.chat(name),
        name,
        provider: "openai",
        streams: true,
        timeoutMs: llm.timeoutMs,
      },
      fallback,
      embedding: llm.embeddingModel ? openai.embeddingModel(llm.embeddingModel) : undefined,
    };
  }
  return { primary: fallback, fallback };
}

const byConfig = new WeakMap<Config, AgentModels>();

/** One set of models per config (the providers hold HTTP agents worth reusing). */
export function agentModelsFor(config: Config): AgentModels {
  let m = byConfig.get(config);
  if (!m) {
    m = createAgentModels(config);
    byConfig.set(config, m);
  }
  return m;
}

/**
 * The configured language model for background work (memory extraction, summaries), or
 * undefined when the assistant is the offline one: those jobs then use their rules.
 */
export function backgroundModelFor(config: Config): LanguageModelV3 | undefined {
  const { primary } = agentModelsFor(config);
  return primary.provider === "offline" ? undefined : primary.model;
}
