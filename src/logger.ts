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
