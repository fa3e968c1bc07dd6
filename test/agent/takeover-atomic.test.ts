/**
 * A staff message takes the conversation over and is stored in one transaction: when the
 * message cannot be stored, the conversation is not left taken over (the assistant silent) with
 * nothing said. The usual path still takes over, stores, invalidates the cache and queues the
 * Telegram delivery.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { conversations, messages } from "../../src/db/schema.js";
import type { EnqueueOptions } from "../../src/jobs/types.js";
import {
  type Conversation,
  getConversation,
  getOrCreateConversation,
} from "../../src/services/conversations.js";
import { getOrCreateTelegramProfile, getOrCreateWebProfile } from "../../src/services/profiles.js";
import {
  STAFF_MESSAGE_JOB,
  type StaffRef,
  sendStaffMessage,
  staffForTelegramUser,
  takeOver,
} from "../../src/services/takeover.js";
import { staffAuth } from "../helpers/app.js";
import { agentApp, OPEN_TIME } from "./support.js";

const clock = fixedClock(OPEN_TIME);
let env: Awaited<ReturnType<typeof agentApp>>;
let owner: StaffRef;
const queued: Array<{ name: string; data: Record<string, unknown>; opts?: EnqueueOptions }> = [];

beforeAll(async () => {
  env = await agentApp({ clock });
  // Records what would go to the queue (the Telegram delivery of a staff message).
  env.deps.jobs = {
    enqueue: async (name, data, opts) => {
      queued.push({ name, data, opts });
    },
  };
  owner = await staffForTelegramUser(env.deps, 0);
});
afterAll(() => env.close());
beforeEach(() => {
  queued.length = 0;
});

async function webConversation(): Promise<Conversation> {
  const profile = await getOrCreateWebProfile(env.deps, `u_${crypto.randomUUID()}`);
  return getOrCreateConversation(env.deps, {
    profileId: profile.id,
    channel: "web",
    language: "en",
    timeoutMinutes: 30,
  });
}

async function row(id: string) {
  const [c] = await env.deps.db.select().from(conversations).where(eq(conversations.id, id));
  return c;
}

async function staffMessages(conversationId: string) {
  return env.deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.role, "staff")));
}

function postMessage(conversationId: string, text: string) {
  return env.app.request(`/api/admin/conversations/${conversationId}/message`, {
    method: "POST",
    headers: { ...staffAuth, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
}

describe("staff message and takeover, together", () => {
  it("a message the database refuses leaves the conversation not taken over and unchanged", async () => {
    const conv = await webConversation();
    // Cached, as the dashboard would have it.
    expect((await getConversation(env.deps, conv.id))?.takeoverUntil).toBeNull();
    const before = await row(conv.id);
    // PostgreSQL text cannot hold NUL: the message insert itself fails (the API refuses NUL
    // earlier; here the service is called directly, as the staff chat does).
    await expect(
      sendStaffMessage(env.deps, {
        conversationId: conv.id,
        staff: owner,
        text: "Hello\u0000 from the shop",
      }),
    ).rejects.toThrow();
    const after = await row(conv.id);
    expect(after?.takeoverUntil).toBeNull();
    expect(after?.takeoverBy).toBeNull();
    expect(after?.messageCount).toBe(before?.messageCount);
    expect(after?.lastMessageAt).toEqual(before?.lastMessageAt);
    expect(await staffMessages(conv.id)).toHaveLength(0);
    expect((await getConversation(env.deps, conv.id))?.takeoverUntil).toBeNull();
    expect(queued).toHaveLength(0);

    // The same for a value the jsonb metadata refuses (a staff name with a NUL).
    await expect(
      sendStaffMessage(env.deps, {
        conversationId: conv.id,
        staff: { id: owner.id, username: "mia\u0000" },
        text: "Hello",
      }),
    ).rejects.toThrow();
    expect((await row(conv.id))?.takeoverUntil).toBeNull();
    expect(await staffMessages(conv.id)).toHaveLength(0);

    // The conversation still works: the next message takes it over.
    expect((await postMessage(conv.id, "Hello from the shop")).status).toBe(201);
    expect((await row(conv.id))?.takeoverBy).toBe(owner.id);
  });

  it("a failed message keeps an earlier takeover as it was (not extended)", async () => {
    const conv = await webConversation();
    const held = await takeOver(env.deps, conv.id, owner);
    clock.advance(10 * 60_000);
    await expect(
      sendStaffMessage(env.deps, { conversationId: conv.id, staff: owner, text: "still\u0000 here" }),
    ).rejects.toThrow();
    expect((await row(conv.id))?.takeoverUntil?.toISOString()).toBe(
      new Date(held.takeoverUntil!).toISOString(),
    );
    expect(await staffMessages(conv.id)).toHaveLength(0);
  });

  it("a conversation deleted after it was cached is a 404 and nothing is written", async () => {
    const conv = await webConversation();
    expect(await getConversation(env.deps, conv.id)).toBeDefined();
    await env.deps.database.query("delete from conversations where id = $1::uuid", [conv.id]);
    const res = await postMessage(conv.id, "Anyone there?");
    expect(res.status, await res.clone().text()).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    expect(
      await env.deps.db.select().from(messages).where(eq(messages.conversationId, conv.id)),
    ).toHaveLength(0);
  });

  it("a message takes over, is stored, shows at once through the cache; Telegram gets a delivery job", async () => {
    const conv = await webConversation();
    expect((await getConversation(env.deps, conv.id))?.takeoverUntil).toBeNull();
    const before = await row(conv.id);
    const res = await postMessage(conv.id, "  A human here  ");
    expect(res.status).toBe(201);
    const message = (await res.json()) as { id: string; role: string; content: string };
    expect(message).toMatchObject({ role: "staff", content: "A human here" });
    const after = await row(conv.id);
    expect(after?.takeoverBy).toBe(owner.id);
    expect(after?.takeoverUntil?.getTime()).toBe(clock.now().getTime() + 30 * 60_000);
    expect(after?.messageCount).toBe(before!.messageCount + 1);
    expect(after?.lastMessageAt.getTime()).toBe(clock.now().getTime());
    const stored = await staffMessages(conv.id);
    expect(stored.map((m) => [m.id, m.content, m.metadata])).toEqual([
      [message.id, "A human here", { staffId: owner.id, staffUsername: owner.username }],
    ]);
    // The cached conversation was invalidated: readers see the takeover now.
    expect((await getConversation(env.deps, conv.id))?.takeoverBy).toBe(owner.id);
    // A web conversation is read by the widget's poll; nothing is queued for it.
    expect(queued).toHaveLength(0);

    const tgProfile = await getOrCreateTelegramProfile(env.deps, {
      telegramUserId: 424_242,
      username: null,
      chatId: 424_242,
      firstName: "Tg",
      languageCode: "en",
    });
    const tg = await getOrCreateConversation(env.deps, {
      profileId: tgProfile.id,
      channel: "telegram",
      language: "en",
      timeoutMinutes: 30,
    });
    const sent = await sendStaffMessage(env.deps, {
      conversationId: tg.id,
      staff: owner,
      text: "Hi on Telegram",
    });
    expect(queued).toEqual([
      {
        name: STAFF_MESSAGE_JOB,
        data: { messageId: sent.id },
        opts: { dedupeKey: `staff-message:${sent.id}` },
      },
    ]);
    expect((await row(tg.id))?.takeoverBy).toBe(owner.id);
  });
});
