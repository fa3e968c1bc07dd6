/**
 * Starts what runs beside the HTTP server: the job runner (BullMQ or the database runner) with
 * its schedules and handlers, and the Telegram bot when TELEGRAM_BOT_TOKEN is set. Returns a
 * graceful stop: the bot stops taking updates, then running jobs get `timeoutMs` to finish.
 */
import { TelegramChannel } from "../channels/telegram/channel.js";
import type { TurnRunner } from "../channels/telegram/types.js";
import type { Deps } from "../deps.js";
import { redactText } from "../logger.js";
import { timed } from "../services/health.js";
import "./handlers.js";
import { createJobRunner, registerSchedules } from "./index.js";

export interface Background {
  stop(timeoutMs?: number): Promise<void>;
}

export async function startBackground(deps: Deps, opts: { runTurn?: TurnRunner } = {}): Promise<Background> {
  const runner = createJobRunner(deps.config, deps.database, deps.logger);
  deps.jobs = runner;
  deps.healthChecks.push({
    name: "queue",
    check: async () => {
      let pending = 0;
      const h = await timed(async () => {
        pending = await runner.pending();
      });
      return h.status === "up" ? { ...h, detail: `${runner.kind}, ${pending} pending` } : h;
    },
  });
  await registerSchedules(runner);
  await runner.start(deps);
  let telegram: TelegramChannel | undefined;
  if (deps.config.telegram.botToken && opts.runTurn) {
    telegram = new TelegramChannel(deps, { runTurn: opts.runTurn });
    deps.telegram = telegram;
    try {
      await telegram.start();
    } catch (err) {
      // A bad token or an unreachable Bot API must not keep the shop's web side down.
      deps.logger.error({ err: redactText(String(err)) }, "telegram bot could not start");
    }
  }
  return {
    async stop(timeoutMs = 10_000) {
      await telegram?.stop();
      await runner.stop({ timeoutMs });
    },
  };
}
