/**
 * POST /api/telegram/webhook. The X-Telegram-Bot-Api-Secret-Token header is compared in constant
 * time with TELEGRAM_WEBHOOK_SECRET before anything else: wrong or missing → 401 and nothing
 * runs. A valid update is claimed and queued (receiveUpdate) and answered at once.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Update } from "grammy/types";
import { Hono } from "hono";
import { receiveUpdate } from "../../channels/telegram/updates.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";

export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/** Hashing both sides first gives equal lengths, so the comparison leaks neither content nor length. */
export function secretMatches(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function telegramRoutes(deps: Deps) {
  return new Hono().post("/webhook", async (c) => {
    if (!secretMatches(c.req.header(SECRET_HEADER), deps.config.telegram.webhookSecret)) {
      throw new AppError("UNAUTHORIZED", "Invalid or missing webhook secret token");
    }
    if (!deps.telegram) throw new AppError("UNAVAILABLE", "The Telegram bot is not running");
    const update = (await c.req.json().catch(() => undefined)) as Update | undefined;
    if (!update || typeof update.update_id !== "number")
      throw AppError.validation("update_id", "is required");
    await receiveUpdate(deps, update);
    return c.json({ ok: true });
  });
}
