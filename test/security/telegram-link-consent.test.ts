/**
 * A Telegram link can be sent by anyone. When the Telegram account that opens it already has
 * chats or orders, nothing is merged (and so nothing becomes readable from the web profile that
 * made the link) until the account's owner confirms with a button.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTurn } from "../../src/agent/turn.js";
import { userProfiles } from "../../src/db/schema.js";
import { seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { createLinkToken } from "../../src/services/telegram-link.js";
import { textUpdate } from "../fakes/telegram.js";
import { waitFor } from "../jobs/support.js";
import { telegramRig } from "../telegram/support.js";

describe("linking Telegram to a web profile", () => {
  let rig: Awaited<ReturnType<typeof telegramRig>>;
  let update = 990_000;
  beforeAll(async () => {
    rig = await telegramRig(runTurn);
    await seedDemoCatalogIfEmpty(rig.main.deps);
  });
  afterAll(async () => {
    await rig.close();
  });

  async function send(body: unknown, chatId: number) {
    const before = rig.fake.sentTo(chatId).length;
    expect((await rig.webhook(rig.main, body)).status).toBe(200);
    return waitFor(() => rig.fake.sentTo(chatId)[before], 20_000, "a reply");
  }

  const press = (user: { id: number }, data: string) => ({
    update_id: update++,
    callback_query: {
      id: `press-${update}`,
      from: { is_bot: false, first_name: "B", ...user },
      chat_instance: "c",
      data,
      message: { message_id: 1, date: 0, chat: { id: user.id, type: "private" }, text: "link?" },
    },
  });

  async function profileOf(telegramUserId: number) {
    const [row] = await rig.main.deps.db
      .select()
      .from(userProfiles)
      .where(eq(userProfiles.telegramUserId, telegramUserId));
    return row;
  }

  it("asks an account with history first, merges nothing on No, and merges on Yes", async () => {
    const victim = { id: 7_100_001, language_code: "en" };
    await send(textUpdate("hello, what do you have for sleep?", victim, update++), victim.id);
    const before = await profileOf(victim.id);
    expect(before?.totalMessages).toBeGreaterThan(0);

    const attacker = await getOrCreateWebProfile(rig.main.deps, "u_00000000-0000-4000-8000-0000000000aa");
    const { token } = await createLinkToken(rig.main.deps, attacker.id);
    const ask = await send(textUpdate(`/start link_${token}`, victim, update++), victim.id);
    const markup = JSON.stringify(ask.params.reply_markup ?? {});
    expect(markup).toContain(`"lk:${token}"`);
    expect(markup).toContain('"lx"');
    // Not merged yet: the Telegram account is still its own profile.
    expect((await profileOf(victim.id))?.id).toBe(before?.id);

    await send(press(victim, "lx"), victim.id);
    expect((await profileOf(victim.id))?.id).toBe(before?.id);

    await send(press(victim, `lk:${token}`), victim.id);
    expect((await profileOf(victim.id))?.id).toBe(attacker.id);
  });

  it("links a brand-new account at once (there is nothing of theirs to expose)", async () => {
    const fresh = { id: 7_100_002, language_code: "en" };
    const web = await getOrCreateWebProfile(rig.main.deps, "u_00000000-0000-4000-8000-0000000000bb");
    const { token } = await createLinkToken(rig.main.deps, web.id);
    const reply = await send(textUpdate(`/start link_${token}`, fresh, update++), fresh.id);
    expect(String(reply.params.text)).toContain("linked");
    expect((await profileOf(fresh.id))?.id).toBe(web.id);
  });
});
