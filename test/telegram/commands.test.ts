/**
 * The command menu: on start (webhook and polling) the bot sets CUSTOMER_COMMANDS for private
 * chats, English as the default and each other language under its language_code; a failing
 * setMyCommands is logged (redacted) and the bot runs anyway.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TelegramChannel } from "../../src/channels/telegram/channel.js";
import { CUSTOMER_COMMANDS } from "../../src/channels/telegram/customer.js";
import type { Deps } from "../../src/deps.js";
import { FAKE_BOT_TOKEN, FakeTelegram } from "../fakes/telegram.js";
import { createTestDeps, testConfig } from "../helpers/app.js";

describe("setMyCommands on start", () => {
  let fake: FakeTelegram;
  let base: Awaited<ReturnType<typeof createTestDeps>>;
  const started: TelegramChannel[] = [];
  let warnings: Array<{ obj: unknown; msg: string }>;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    base = await createTestDeps();
  });
  afterAll(async () => {
    for (const t of started) await t.stop();
    await base.close();
    await fake.stop();
  });
  beforeEach(() => {
    fake.calls.length = 0;
    fake.commands.clear();
    warnings = [];
  });

  function channel(env: Record<string, string> = {}) {
    const config = testConfig({ TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: fake.url, ...env });
    const logger = {
      ...base.logger,
      info: () => {},
      debug: () => {},
      warn: (obj: unknown, msg: string) => warnings.push({ obj, msg }),
      error: () => {},
    } as unknown as Deps["logger"];
    const deps: Deps = { ...base, config, logger, healthChecks: [], telegram: undefined };
    const t = new TelegramChannel(deps, { runTurn: async () => ({}) as never, pollTimeoutSeconds: 1 });
    started.push(t);
    return t;
  }

  const webhookEnv = {
    PUBLIC_URL: "https://shop.example.com",
    TELEGRAM_WEBHOOK_SECRET: "secret-for-tests-12345",
  };

  for (const [mode, env] of [
    ["webhook", webhookEnv],
    ["polling", {}],
  ] as const) {
    it(`${mode} mode: one call for the default (en) and one per other language`, async () => {
      const t = channel(env);
      await t.start();
      expect(t.state).toMatchObject({ mode, running: true });
      await t.commandsRegistered;
      const calls = fake.callsOf("setMyCommands");
      expect(calls).toHaveLength(4);
      expect(calls.map((c) => c.params.language_code)).toEqual([undefined, "ru", "uk", "th"]);
      for (const c of calls) expect(c.params.scope).toEqual({ type: "all_private_chats" });
      expect(fake.commands.get("all_private_chats:")).toEqual(CUSTOMER_COMMANDS.en);
      for (const lang of ["ru", "uk", "th"] as const)
        expect(fake.commands.get(`all_private_chats:${lang}`)).toEqual(CUSTOMER_COMMANDS[lang]);
      expect(CUSTOMER_COMMANDS.en.map((c) => c.command)).toEqual(["start", "orders"]);
      // getMyCommands answers what was set.
      expect(
        await t.api.getMyCommands({ scope: { type: "all_private_chats" }, language_code: "ru" }),
      ).toEqual(CUSTOMER_COMMANDS.ru);
      expect(warnings).toEqual([]);
      await t.stop();
    });
  }

  it("a failing setMyCommands is logged (redacted) and does not stop the bot or the other languages", async () => {
    fake.failNext("setMyCommands", {
      status: 400,
      description: `Bad Request: bot ${FAKE_BOT_TOKEN} call +66 81 234 5678 failed`,
    });
    const t = channel(webhookEnv);
    await t.start();
    await t.commandsRegistered;
    expect(t.state.running).toBe(true);
    expect(fake.callsOf("setWebhook")).toHaveLength(1);
    expect(fake.callsOf("setMyCommands")).toHaveLength(4);
    expect(fake.commands.has("all_private_chats:")).toBe(false);
    expect(fake.commands.get("all_private_chats:th")).toEqual(CUSTOMER_COMMANDS.th);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toBe("telegram setMyCommands failed");
    const logged = JSON.stringify(warnings[0]!.obj);
    expect(logged).toContain("setMyCommands");
    expect(logged).not.toContain(FAKE_BOT_TOKEN);
    expect(logged).not.toContain("234 5678");
    await t.stop();
  });

  it("a Telegram that never answers setMyCommands (all fail) still leaves the bot running", async () => {
    fake.failNext("setMyCommands", { status: 500, description: "Internal Server Error" }, 4);
    const t = channel();
    await t.start();
    await t.commandsRegistered;
    expect(t.state).toMatchObject({ mode: "polling", running: true });
    expect(warnings.filter((w) => w.msg === "telegram setMyCommands failed")).toHaveLength(4);
    await t.stop();
  });
});
