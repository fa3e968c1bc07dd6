/**
 * The dependencies every service and route receives. Built once in src/server.ts (or by
 * test/helpers/app.ts for tests) and passed down: nothing reaches for a global.
 */
import type { AppCache } from "./cache/types.js";
import type { TelegramChannel } from "./channels/telegram/channel.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { DatabaseHandle, Db } from "./db/client.js";
import type { JobQueue } from "./jobs/types.js";
import type { Logger } from "./logger.js";
import type { HealthCheck } from "./services/health.js";

export interface Deps {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  db: Db;
  cache: AppCache;
  clock: Clock;
  /** Secret for signing customer cookies (COOKIE_SECRET or generated once and kept in the db). */
  cookieSecret: string;
  /** Extra components reported by /api/health (assistant, Telegram, queue...). */
  healthChecks: HealthCheck[];
  /** Background jobs (staff notifications, webhooks, memory, follow-ups). */
  jobs?: JobQueue;
  /** The Telegram bot, when TELEGRAM_BOT_TOKEN is set (src/channels/telegram). */
  telegram?: TelegramChannel;
  /** Sends a Telegram text message to a chat; set by the Telegram channel when the bot runs. */
  sendTelegram?: (chatId: number, text: string) => Promise<void>;
  /** The bot's username (from getMe), for t.me deep links; "your_bot" stands in until known. */
  telegramBotUsername?: string;
}
