import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTurn } from "../../src/agent/turn.js";
import { seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { createLinkToken } from "../../src/services/telegram-link.js";
import { textUpdate } from "../fakes/telegram.js";
import { chatDriver, telegramRig } from "../telegram/support.js";

describe("linking Telegram to a web profile", () => {
  let rig: Awaited<ReturnType<typeof telegramRig>>;
  let chat: ReturnType<typeof chatDriver>;
  beforeAll(async () => {
    rig = await telegramRig(runTurn);
    chat = chatDriver(rig, 990_000);
    await seedDemoCatalogIfEmpty(rig.main.deps);
  });
  afterAll(async () => {
    await rig.close();
  });

  it("asks an account with history first, merges nothing on No, and merges on Yes", async () => {
    const victim = { id: 7_100_001, language_code: "en" };
    await chat.send(textUpdate("hello, what do you have for sleep?", victim, chat.nextUpdateId()), victim.id);
    const before = await chat.profileOf(victim.id);
    expect(before?.totalMessages).toBeGreaterThan(0);

    const attacker = await getOrCreateWebProfile(rig.main.deps, "u_00000000-0000-4000-8000-0000000000aa");
    const { token } = await createLinkToken(rig.main.deps, attacker.id);
    const ask = await chat.send(textUpdate(`/start link_${token}`, victim, chat.nextUpdateId()), victim.id);
    const markup = JSON.stringify(ask.params.reply_markup ?? {});
    expect(markup).toContain(`"lk:${token}"`);
    expect(markup).toContain('"lx"');
    // Not merged yet: the Telegram account is still its own profile.
    expect((await chat.profileOf(victim.id))?.id).toBe(before?.id);

    await chat.send(chat.press(victim, "lx"), victim.id);
    expect((await chat.profileOf(victim.id))?.id).toBe(before?.id);

    await chat.send(chat.press(victim, `lk:${token}`), victim.id);
    expect((await chat.profileOf(victim.id))?.id).toBe(attacker.id);
  });
});
