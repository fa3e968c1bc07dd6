/**
 * The only reader of process.env. One zod schema, parsed at start; a bad or missing value stops
 * the start with a message naming the variable and what it expects.
 */
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");
/** Empty strings count as unset, so `FOO=` in a .env file means "not configured". */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const optionalUrl = (example: string) => optional(z.url({ message: `must be a URL, e.g. ${example}` }));
const optionalString = optional(z.string().trim());

export const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    DATA_DIR: z.string().default("./data"),
    DATABASE_URL: optionalUrl("postgres://user:pass@host:5432/db"),
    REDIS_URL: optionalUrl("redis://host:6379"),
    UPSTASH_REDIS_REST_URL: optionalUrl("https://….upstash.io"),
    UPSTASH_REDIS_REST_TOKEN: optionalString,
    REDIS_KEY_PREFIX: z.string().default("sk:"),
    CACHE_TIMEOUT_MS: z.coerce.number().int().positive().default(300),
    OPENAI_API_KEY: optionalString,
    LLM_BASE_URL: optionalUrl("http://localhost:11434/v1"),
    LLM_API_KEY: optionalString,
    LLM_MODEL: optionalString,
    LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    EMBEDDING_MODEL: optionalString,
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_WEBHOOK_SECRET: optionalString,
    TELEGRAM_STAFF_CHAT_ID: optionalString,
    TELEGRAM_API_ROOT: optionalUrl("http://localhost:8081"),
    PUBLIC_URL: optionalUrl("https://shop.example.com"),
    ADMIN_PASSWORD: optionalString,
    ADMIN_TOKEN: optional(z.string().trim().min(16, "must be at least 16 characters")),
    MENU_SOURCE: optionalString,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    COOKIE_SECRET: optional(z.string().trim().min(32, "must be at least 32 characters")),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(100),
    RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(300),
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v: string) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    WEBHOOK_ALLOW_PRIVATE: z.preprocess(blankToUndefined, bool.default(false)),
    /** Origins allowed to embed the chat widget (CORS with cookies), comma-separated. "*" is refused:
     *  with credentials it would let any site read a visitor's orders. */
    WIDGET_ORIGINS: z
      .string()
      .default("")
      .transform((v: string) =>
        v
          .split(",")
          .map((s) => s.trim().replace(/\/$/, ""))
          .filter(Boolean),
      ),
  })
  .superRefine((env, ctx) => {
    for (const origin of env.WIDGET_ORIGINS) {
      if (origin === "*" || !/^https?:\/\/[^/\s]+$/.test(origin)) {
        ctx.addIssue({
          code: "custom",
          path: ["WIDGET_ORIGINS"],
          message: `"${origin}" is not an origin like https://www.example.com (a wildcard is refused: it would let any site read a customer's data)`,
        });
      }
    }
    if (env.LLM_BASE_URL && !env.LLM_MODEL) {
      ctx.addIssue({ code: "custom", path: ["LLM_MODEL"], message: "is required when LLM_BASE_URL is set" });
    }
    if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_TOKEN"],
        message: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  http: { port: number; host: string; publicUrl?: string; trustedProxies: string[] };
  dataDir: string;
  database: { url?: string };
  redis: { url?: string; upstashUrl?: string; upstashToken?: string; keyPrefix: string; timeoutMs: number };
  llm: {
    openaiApiKey?: string;
    baseUrl?: string;
    apiKey?: string;
    model?: string;
    embeddingModel?: string;
    timeoutMs: number;
  };
  telegram: {
    botToken?: string;
    webhookSecret?: string;
    staffChatId?: string;
    apiRoot?: string;
  };
  admin: { password?: string; token?: string };
  cookieSecret?: string;
  menuSource?: string;
  logLevel: Env["LOG_LEVEL"];
  rateLimitPerMinute: number;
  rateLimitPerIpPerMinute: number;
  webhookAllowPrivate: boolean;
  /** Origins whose pages may embed the widget and call the customer API with cookies. */
  widgetOrigins: string[];
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment (process.env by default) into a frozen Config, or throws ConfigError. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join(".") || "environment";
        const got = typeof i.path[0] === "string" ? source[i.path[0]] : undefined;
        return `${name}: ${i.message}${got !== undefined && !/TOKEN|SECRET|KEY|PASSWORD/.test(name) ? ` (got "${got}")` : ""}`;
      }),
    );
  }
  const e = parsed.data;
  return Object.freeze({
    http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL, trustedProxies: e.TRUSTED_PROXIES },
    dataDir: e.DATA_DIR,
    database: { url: e.DATABASE_URL },
    redis: {
      url: e.REDIS_URL,
      upstashUrl: e.UPSTASH_REDIS_REST_URL,
      upstashToken: e.UPSTASH_REDIS_REST_TOKEN,
      keyPrefix: e.REDIS_KEY_PREFIX,
      timeoutMs: e.CACHE_TIMEOUT_MS,
    },
    llm: {
      openaiApiKey: e.OPENAI_API_KEY,
      baseUrl: e.LLM_BASE_URL,
      apiKey: e.LLM_API_KEY,
      model: e.LLM_MODEL,
      embeddingModel: e.EMBEDDING_MODEL,
      timeoutMs: e.LLM_TIMEOUT_MS,
    },
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      staffChatId: e.TELEGRAM_STAFF_CHAT_ID,
      apiRoot: e.TELEGRAM_API_ROOT,
    },
    admin: { password: e.ADMIN_PASSWORD, token: e.ADMIN_TOKEN },
    cookieSecret: e.COOKIE_SECRET,
    menuSource: e.MENU_SOURCE,
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    rateLimitPerIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    widgetOrigins: e.WIDGET_ORIGINS,
  });
}
