/**
 * The Telegram bot (grammY). Webhook mode when PUBLIC_URL is set (setWebhook with a secret token
 * on start; POST /api/telegram/webhook checks it), long polling otherwise. Either way an update
 * goes through receiveUpdate(): claimed once in telegram_updates, then handled by a job.
 * TELEGRAM_API_ROOT points grammY at a self-hosted Bot API server.
 * Every outgoing message goes through this instance's throttle (./throttle.ts: 10/s per bot,
 * 1/s per private chat, 429 retry_after honoured); on start the customer commands are
 * registered with setMyCommands (best effort).
 */
import { Api, Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Deps } from "../../deps.js";
import { redactText } from "../../logger.js";
import type { Language } from "../../services/settings.js";
import { CUSTOMER_COMMANDS, registerCustomerHandlers } from "./customer.js";
import { withoutNul } from "./sanitize.js";
import { registerStaffChatHandlers } from "./staff-chat.js";
import { OutgoingThrottle, type ThrottleOptions } from "./throttle.js";
import type { TurnRunner } from "./types.js";
import { receiveUpdate } from "./updates.js";

export const WEBHOOK_PATH = "/api/telegram/webhook";
const ALLOWED_UPDATES = ["message", "callback_query"] as const;
/** How long start() waits for the command menu to be set before carrying on without it. */
const COMMANDS_WAIT_MS = 10_000;

export interface TelegramChannelOptions {
  /** The assistant's turn (src/agent/turn.ts runTurn). */
  runTurn: TurnRunner;
  /** Long-polling wait, seconds. @default 25 */
  pollTimeoutSeconds?: number;
  /** Outgoing-message throttle settings (limits, clock); see ./throttle.ts. */
  throttle?: ThrottleOptions;
}

/** What /api/health reports about the bot. */
export interface TelegramState {
  mode: "webhook" | "polling";
  /** Started (getMe and setWebhook, or the polling loop) and not stopped. */
  running: boolean;
  /** Polling: the latest getUpdates failed and the loop is retrying. */
  failing: boolean;
  /** The latest error of start or polling (redacted), and when; kept after a recovery. */
  lastError?: string;
  lastErrorAt?: Date;
}

export class TelegramChannel {
  readonly bot: Bot;
  readonly api: Api;
  /** This process's outgoing-message budget (not shared with other instances). */
  readonly throttle: OutgoingThrottle;
  /** The setMyCommands calls of the latest start (never rejects). */
  commandsRegistered?: Promise<void>;
  private polling = false;
  private pollLoop?: Promise<void>;
  private pollAbort?: AbortController;
  private running = false;
  private pollFailures = 0;
  private lastError?: { message: string; at: Date };

  constructor(
    private readonly deps: Deps,
    readonly opts: TelegramChannelOptions,
  ) {
    const token = deps.config.telegram.botToken;
    if (!token) throw new Error("TELEGRAM_BOT_TOKEN is not set");
    const client = deps.config.telegram.apiRoot ? { apiRoot: deps.config.telegram.apiRoot } : {};
    this.bot = new Bot(token, { client });
    this.api = this.bot.api;
    this.throttle = new OutgoingThrottle({
      onPause: ({ chat, global, ms, method }) =>
        deps.logger.warn({ chatId: chat, global, waitMs: ms, method }, "telegram 429: sending paused"),
      ...opts.throttle,
    });
    // Installed before any update is handled, so each update's ctx.api gets it too.
    this.api.config.use(this.throttle.transformer);
    registerStaffChatHandlers(this.bot, deps);
    registerCustomerHandlers(this.bot, deps, opts.runTurn);
  }

  get mode(): "webhook" | "polling" {
    return this.deps.config.http.publicUrl ? "webhook" : "polling";
  }

  get state(): TelegramState {
    return {
      mode: this.mode,
      running: this.running,
      failing: this.pollFailures > 0,
      lastError: this.lastError?.message,
      lastErrorAt: this.lastError?.at,
    };
  }

  private noteError(err: unknown): void {
    this.lastError = { message: redactText(String(err)), at: new Date() };
  }

  /** getMe; then setWebhook (webhook mode) or the polling loop. */
  async start(): Promise<void> {
    try {
      await this.startBot();
      this.running = true;
    } catch (err) {
      this.noteError(err);
      throw err;
    }
  }

  private async startBot(): Promise<void> {
    await this.bot.init();
    this.deps.telegramBotUsername = this.bot.botInfo.username;
    this.deps.sendTelegram = async (chatId, text) => {
      await this.api.sendMessage(chatId, text);
    };
    const publicUrl = this.deps.config.http.publicUrl;
    if (publicUrl) {
      const secret = this.deps.config.telegram.webhookSecret;
      if (!secret) throw new Error("TELEGRAM_WEBHOOK_SECRET is required in webhook mode (PUBLIC_URL is set)");
      await this.api.setWebhook(new URL(WEBHOOK_PATH, publicUrl).toString(), {
        secret_token: secret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      this.deps.logger.info({ mode: "webhook" }, "telegram bot started");
      await this.startCommands();
      return;
    }
    // A webhook left over from an earlier deployment would make getUpdates fail with 409.
    await this.api.deleteWebhook();
    this.polling = true;
    this.pollLoop = this.poll();
    this.deps.logger.info({ mode: "polling" }, "telegram bot started");
    await this.startCommands();
  }

  /** Starts registerCommands and waits for it up to COMMANDS_WAIT_MS; it never fails the start. */
  private async startCommands(): Promise<void> {
    this.commandsRegistered = this.registerCommands();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.commandsRegistered,
      new Promise<void>((r) => {
        timer = setTimeout(r, COMMANDS_WAIT_MS);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * The command menu of private chats: CUSTOMER_COMMANDS in English as the default, and each other
   * language under its language_code. Runs in the background; a failure is logged and the bot
   * carries on (the commands still work when typed).
   */
  private async registerCommands(): Promise<void> {
    const scope = { type: "all_private_chats" as const };
    for (const [lang, commands] of Object.entries(CUSTOMER_COMMANDS)) {
      try {
        await this.api.setMyCommands(
          commands,
          lang === "en" ? { scope } : { scope, language_code: lang as Language },
        );
      } catch (err) {
        this.deps.logger.warn(
          { err: redactText(String(err)), language: lang },
          "telegram setMyCommands failed",
        );
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.polling = false;
    this.pollAbort?.abort();
    await this.pollLoop?.catch(() => {});
  }

  /** Handles one update now (what the telegram-update job calls), without NUL characters. */
  handle(update: Update): Promise<void> {
    // Replies made while handling an update wait out a 429 once, transparently.
    return this.throttle.withRetries(() => this.bot.handleUpdate(withoutNul(update)));
  }

  private async poll(): Promise<void> {
    let offset = 0;
    let failures = 0;
    while (this.polling) {
      this.pollAbort = new AbortController();
      try {
        const updates = await this.api.getUpdates(
          { offset, timeout: this.opts.pollTimeoutSeconds ?? 25, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its own AbortSignal shim; Node's is what it uses at run time.
          this.pollAbort.signal as never,
        );
        for (const u of updates) {
          // Acknowledge (advance the offset) only once the update is safely claimed and queued.
          await receiveUpdate(this.deps, u);
          offset = u.update_id + 1;
        }
        failures = 0;
        this.pollFailures = 0;
      } catch (err) {
        if (!this.polling) break;
        failures++;
        this.pollFailures = failures;
        this.noteError(err);
        this.deps.logger.warn({ err: redactText(String(err)) }, "telegram polling failed");
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** Math.min(failures, 6))));
      }
    }
  }
}

/** A plain Bot API client (no handlers), e.g. for sending from a process that does not run the bot. */
export function telegramApi(deps: Pick<Deps, "config">): Api | undefined {
  const { botToken, apiRoot } = deps.config.telegram;
  return botToken ? new Api(botToken, apiRoot ? { apiRoot } : undefined) : undefined;
}
