/**
 * pino with redaction: secrets and phone numbers never reach the logs. Paths cover the common
 * places; `redactText` scrubs free text (messages) that might carry a phone number.
 */
import pino from "pino";

const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "*.*.token",
  "secret",
  "*.secret",
  "apiKey",
  "*.apiKey",
  "phone",
  "*.phone",
  "*.*.phone",
  "contactInfo",
  "*.contactInfo",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-telegram-bot-api-secret-token"]',
  "cookie",
  "*.cookie",
];

export type Logger = pino.Logger;

export function createLogger(level = "info", destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError, cause: serializeError, error: serializeError },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const PHONE_RE = /\+?\d[\d\s().-]{7,}\d/g;
const BOT_TOKEN_RE = /\b\d{6,}:[A-Za-z0-9_-]{20,}\b/g;
const BEARER_RE = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;

/** Scrubs phone numbers, bot tokens and bearer tokens out of free text before it is logged. */
export function redactText(text: string): string {
  return text
    .replace(BOT_TOKEN_RE, "[token]")
    .replace(BEARER_RE, "Bearer [redacted]")
    .replace(PHONE_RE, "[phone]");
}

/** The `params: …` line drizzle writes into a failed query's message and stack, for each error of the chain. */
function paramLines(e: unknown, seen = new Set<unknown>()): string[] {
  if (!e || typeof e !== "object" || seen.has(e)) return [];
  seen.add(e);
  const params = (e as { params?: unknown }).params;
  const own = Array.isArray(params) && params.length > 0 ? [`params: ${String(params)}`] : [];
  return [...own, ...paramLines((e as { cause?: unknown }).cause, seen)];
}

function scrub(v: unknown, lines: string[], depth = 0): unknown {
  if (typeof v === "string") {
    let out = v;
    for (const l of lines) out = out.split(l).join("params: [redacted]");
    return redactText(out);
  }
  if (depth > 8 || !v || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => scrub(x, lines, depth + 1));
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) o[k] = k === "params" ? "[redacted]" : scrub(x, lines, depth + 1);
  return o;
}

/**
 * Errors are logged with their type, message, stack and cause, but a failed query's parameters
 * (a customer's phone, address, name: drizzle copies them into the message and the stack) are
 * cut out, and any phone number or token left in the text is scrubbed.
 */
export function serializeError(e: unknown): unknown {
  // An error's message logged as text (`{ err: (err as Error).message }`): a failed query's
  // message ends with its parameters, so everything from "params:" on goes.
  if (typeof e === "string") return redactText(e.replace(TRAILING_PARAMS_RE, "$1params: [redacted]"));
  if (!(e instanceof Error)) return e;
  return scrub(pino.stdSerializers.err(e), paramLines(e));
}

const TRAILING_PARAMS_RE = /(^|\n)params: [\s\S]*$/;
