/**
 * Anyone can make a Telegram link in their own browser and spread it as a "promo" or a QR code.
 * A Telegram account that opens it, a brand-new one included, is asked first and joined to the
 * web profile that made the link only when its owner presses Yes; No leaves the two apart, so
 * nothing the customer writes or orders later becomes readable from someone else's browser.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TurnRunner } from "../../src/channels/telegram/types.js";
import { userProfiles } from "../../src/db/schema.js";
import { getOrCreateConversation } from "../../src/services/conversations.js";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { createLinkToken } from "../../src/services/telegram-link.js";
import { textUpdate } from "../fakes/telegram.js";
import { chatDriver, telegramRig } from "./support.js";

describe("a Telegram link opened by a brand-new account", () => {
  let rig: Awaited<ReturnType<typeof telegramRig>>;
  let chat: ReturnType<typeof chatDriver>;
  /** Which profile each assistant turn ran for. */
  const turns: Array<{ profileId: string; text: string }> = [];
  const runTurn: TurnRunner = async (deps, input) => {
    turns.push({ profileId: input.profile.id, text: input.text });
    const conv = await getOrCreateConversation(deps, {
      profileId: input.profile.id,
      channel: "telegram",
      language: "en",
      timeoutMinutes: 30,
    });
    return { content: "Noted.", conversationId: conv.id, productCards: [], language: "en", silent: false };
  };

  beforeAll(async () => {
    rig = await telegramRig(runTurn);
    chat = chatDriver(rig, 996_000);
  });
  afterAll(async () => {
    await rig.close();
  });

  async function webRow(id: string) {
    const [row] = await rig.main.deps.db.select().from(userProfiles).where(eq(userProfiles.id, id));
    return row;
  }

  it("is asked first, stays separate on No, and is linked only when it presses Yes", async () => {
    const fresh = { id: 7_200_001, language_code: "en" };
    expect(await chat.profileOf(fresh.id)).toBeUndefined();
    const web = await getOrCreateWebProfile(rig.main.deps, "u_00000000-0000-4000-8000-0000000000cc");
    const { token } = await createLinkToken(rig.main.deps, web.id);

    const ask = await chat.send(textUpdate(`/start link_${token}`, fresh, chat.nextUpdateId()), fresh.id);
    const text = String(ask.params.text);
    expect(text).toContain("joins this Telegram account to the web chat profile that made the link");
    expect(text).toContain("Only confirm if you made this link yourself");
    expect(text).not.toContain("now linked");
    const markup = JSON.stringify(ask.params.reply_markup ?? {});
    expect(markup).toContain(`"lk:${token}"`);
    expect(markup).toContain('"lx"');
    // Not linked yet: the Telegram account is a profile of its own, the web profile has no Telegram.
    const own = await chat.profileOf(fresh.id);
    expect(own?.id).toBeDefined();
    expect(own?.id).not.toBe(web.id);
    expect((await webRow(web.id))?.telegramUserId).toBeNull();

    // No: nothing is linked, and what the customer writes next is theirs alone.
    const cancelled = await chat.send(chat.press(fresh, "lx"), fresh.id);
    expect(String(cancelled.params.text)).toContain("nothing was linked");
    expect((await chat.profileOf(fresh.id))?.id).toBe(own?.id);
    expect((await webRow(web.id))?.telegramUserId).toBeNull();
    expect((await webRow(web.id))?.mergedInto ?? null).toBeNull();
    await chat.send(textUpdate("my phone is +66 81 234 5678", fresh, chat.nextUpdateId()), fresh.id);
    expect(turns.at(-1)).toEqual({ profileId: own?.id, text: "my phone is +66 81 234 5678" });

    // Yes (the token was not spent by No): now the account joins the web profile.
    const linked = await chat.send(chat.press(fresh, `lk:${token}`), fresh.id);
    expect(String(linked.params.text)).toContain("now linked");
    expect((await chat.profileOf(fresh.id))?.id).toBe(web.id);
    expect((await webRow(own!.id))?.mergedInto).toBe(web.id);

    // The token works once.
    const again = await chat.send(chat.press(fresh, `lk:${token}`), fresh.id);
    expect(String(again.params.text)).toContain("invalid or has expired");
  });

  it("leaves a brand-new account that only cancels apart from the web profile", async () => {
    const fresh = { id: 7_200_002, language_code: "en" };
    const web = await getOrCreateWebProfile(rig.main.deps, "u_00000000-0000-4000-8000-0000000000dd");
    const { token } = await createLinkToken(rig.main.deps, web.id);
    await chat.send(textUpdate(`/start link_${token}`, fresh, chat.nextUpdateId()), fresh.id);
    await chat.send(chat.press(fresh, "lx"), fresh.id);
    const own = await chat.profileOf(fresh.id);
    expect(own?.id).not.toBe(web.id);
    expect(own?.mergedInto ?? null).toBeNull();
    expect((await webRow(web.id))?.telegramUserId).toBeNull();
  });

  it("asks in the customer's language", async () => {
    const fresh = { id: 7_200_003, language_code: "ru" };
    const web = await getOrCreateWebProfile(rig.main.deps, "u_00000000-0000-4000-8000-0000000000ee");
    const { token } = await createLinkToken(rig.main.deps, web.id);
    const ask = await chat.send(textUpdate(`/start link_${token}`, fresh, chat.nextUpdateId()), fresh.id);
    expect(String(ask.params.text)).toContain("присоединит этот аккаунт Telegram к профилю веб-чата");
    expect(JSON.stringify(ask.params.reply_markup ?? {})).toContain(`"lk:${token}"`);
    expect((await chat.profileOf(fresh.id))?.id).not.toBe(web.id);
  });
});
