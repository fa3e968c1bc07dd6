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

const OPENAI_BASE_URL = "https://api.openai.com/v1";
/** How long one probe of a remote model's server counts for (health checks come often). */
export const MODEL_PROBE_TTL_MS = 30_000;
export const MODEL_PROBE_TIMEOUT_MS = 2_000;

/** The assistant's part of /api/health (`detail` and `error` are for staff only). */
export interface ModelHealth {
  /** "degraded" when the remote model does not answer: the offline assistant answers instead. */
  status: "up" | "degraded";
  provider: AgentModel["provider"];
  /** How long the last probe of the model server took (remote models only). */
  latencyMs?: number;
  detail?: string;
  error?: string;
}

export interface ModelProbeOptions {
  /** @default MODEL_PROBE_TTL_MS */
  ttlMs?: number;
  /** @default MODEL_PROBE_TIMEOUT_MS */
  timeoutMs?: number;
}

const probes = new WeakMap<Config, { at: number; result: Promise<ModelHealth> }>();

/**
 * A cheap health probe of the assistant's model, never a paid call: the offline assistant is
 * always up; for OpenAI or an OpenAI-compatible server, one GET of `<base URL>/models` (free to
 * call; Ollama, vLLM, llama.cpp, LM Studio and OpenRouter serve it) with a short timeout. Its
 * result (up or not) is kept for 30 s per config, and concurrent checks share one probe, so
 * health checks every few seconds cost the model server at most one request per 30 s.
 * Any HTTP answer but 401/403 and 5xx counts as reachable (a server without a /models listing
 * answers 404 and still serves chat). A failure is "degraded", not "down": turns fall back to the
 * offline assistant.
 */
export function modelHealth(config: Config, opts: ModelProbeOptions = {}): Promise<ModelHealth> {
  const { primary } = agentModelsFor(config);
  if (primary.provider === "offline") {
    return Promise.resolve({ status: "up", provider: "offline", detail: "built-in offline assistant" });
  }
  const now = Date.now();
  const last = probes.get(config);
  if (last && now - last.at < (opts.ttlMs ?? MODEL_PROBE_TTL_MS)) return last.result;
  const result = probeModelServer(config, primary, opts.timeoutMs ?? MODEL_PROBE_TIMEOUT_MS);
  probes.set(config, { at: now, result });
  return result;
}

async function probeModelServer(
  config: Config,
  primary: AgentModel,
  timeoutMs: number,
): Promise<ModelHealth> {
  const { llm } = config;
  const compatible = primary.provider === "compatible";
  const base = (compatible ? llm.baseUrl : undefined) ?? OPENAI_BASE_URL;
  const apiKey = compatible ? (llm.apiKey ?? llm.openaiApiKey) : llm.openaiApiKey;
  const url = `${base.replace(/\/+$/, "")}/models`;
  const where = withoutCredentials(url);
  const detail = `${primary.provider} model ${primary.name}, probed GET ${where}`;
  const t0 = performance.now();
  const latency = () => Math.round((performance.now() - t0) * 100) / 100;
  const fallback = "; answers come from the offline assistant meanwhile";
  try {
    const res = await fetch(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    const latencyMs = latency();
    if (res.status === 401 || res.status === 403 || res.status >= 500) {
      const why = res.status < 500 ? "the API key was refused" : "the server failed";
      return {
        status: "degraded",
        provider: primary.provider,
        latencyMs,
        detail,
        error: `HTTP ${res.status} from ${where}: ${why}${fallback}`,
      };
    }
    return { status: "up", provider: primary.provider, latencyMs, detail };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return {
      status: "degraded",
      provider: primary.provider,
      latencyMs: latency(),
      detail,
      error: `${where} unreachable (${reason})${fallback}`,
    };
  }
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "the model server";
  }
}
