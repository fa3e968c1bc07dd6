/**
 * A Telegram test rig: the real app, job runner (database, or BullMQ when REDIS_URL is set) and
 * grammY bot, talking to the fake Bot API server. `restart()` builds a second instance over the
 * same database, as after a process restart.
 */
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { createApp } from "../../src/app.js";
import { createCache } from "../../src/cache/index.js";
import { TelegramChannel } from "../../src/channels/telegram/channel.js";
import type { TurnRunner } from "../../src/channels/telegram/types.js";
import { userProfiles } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import "../../src/jobs/handlers.js";
import { BullJobRunner } from "../../src/jobs/bullmq-runner.js";
import { createJobRunner, type JobRunner } from "../../src/jobs/index.js";
import { FAKE_BOT_TOKEN, FakeTelegram } from "../fakes/telegram.js";
import { createTestDeps } from "../helpers/app.js";
import { waitFor } from "../jobs/support.js";

export const STAFF_CHAT = "-100200300";
export const WEBHOOK_SECRET = "webhook-secret-for-tests-123";

export interface Instance {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  runner: JobRunner;
  telegram: TelegramChannel;
}

async function instance(deps: Deps, runTurn: TurnRunner): Promise<Instance> {
  const runner = createJobRunner(deps.config, deps.database, deps.logger, {
    backoffBaseMs: 100,
    leaseMs: 1500,
    pollIntervalMs: 25,
  });
  deps.jobs = runner;
  const telegram = new TelegramChannel(deps, { runTurn });
  deps.telegram = telegram;
  await telegram.start();
  await runner.start(deps);
  return { deps, app: createApp(deps), runner, telegram };
}

export async function telegramRig(runTurn: TurnRunner, env: Record<string, string> = {}) {
  const fake = await new FakeTelegram().start();
  const base = await createTestDeps({
    env: {
      TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_STAFF_CHAT_ID: STAFF_CHAT,
      PUBLIC_URL: "https://shop.example.com",
      ...env,
    },
  });
  const instances: Instance[] = [await instance(base, runTurn)];
  const extraCaches: Array<{ close(): Promise<void> }> = [];
  return {
    fake,
    main: instances[0]!,
    /** A second process over the same database (and Redis): new cache, runner and bot. */
    async restart(): Promise<Instance> {
      const cache = await createCache(base.config, base.logger);
      extraCaches.push(cache);
      const deps: Deps = { ...base, cache, healthChecks: [], jobs: undefined, telegram: undefined };
      const i = await instance(deps, runTurn);
      instances.push(i);
      return i;
    },
    /** `secret: null` sends no secret header at all. */
    webhook(i: Instance, update: unknown, secret: string | null = WEBHOOK_SECRET) {
      return i.app.request("/api/telegram/webhook", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret !== null ? { "x-telegram-bot-api-secret-token": secret } : {}),
        },
        body: JSON.stringify(update),
      });
    },
    async close() {
      for (const i of instances) {
        await i.telegram.stop();
        await i.runner.stop({ timeoutMs: 200 });
        if (i.runner instanceof BullJobRunner) {
          const cleanup = createJobRunner(i.deps.config, i.deps.database, i.deps.logger) as BullJobRunner;
          await cleanup.obliterate().catch(() => {});
          await cleanup.stop();
        }
      }
      for (const c of extraCaches) await c.close().catch(() => {});
      await base.close();
      await fake.stop();
    },
  };
}

type Rig = Awaited<ReturnType<typeof telegramRig>>;

/**
 * A customer's side of a chat with the bot: `send` posts an update to the main instance's
 * webhook and waits for the bot's next message to that chat, `press` builds a button press,
 * `profileOf` reads the profile of a Telegram user. Update ids count up from `firstUpdateId`.
 */
export function chatDriver(rig: Rig, firstUpdateId: number) {
  let update = firstUpdateId;
  return {
    nextUpdateId: () => update++,
    async send(body: unknown, chatId: number) {
      const before = rig.fake.sentTo(chatId).length;
      expect((await rig.webhook(rig.main, body)).status).toBe(200);
      return waitFor(() => rig.fake.sentTo(chatId)[before], 20_000, "a reply");
    },
    press: (user: { id: number }, data: string) => ({
      update_id: update++,
      callback_query: {
        id: `press-${update}`,
        from: { is_bot: false, first_name: "B", ...user },
        chat_instance: "c",
        data,
        message: { message_id: 1, date: 0, chat: { id: user.id, type: "private" }, text: "link?" },
      },
    }),
    async profileOf(telegramUserId: number) {
      const [row] = await rig.main.deps.db
        .select()
        .from(userProfiles)
        .where(eq(userProfiles.telegramUserId, telegramUserId));
      return row;
    },
  };
}
