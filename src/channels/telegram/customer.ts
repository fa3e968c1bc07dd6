/**
 * Customers in private chats: /start (greeting in their language, `/start link_<token>` asks
 * whether to join this Telegram account to the web profile that made the link, and links only on
 * Yes), /orders (their last 5 orders with the status, in their language), text (the assistant's
 * turn, typing indicator, HTML reply split under 4096), shared locations, and the inline buttons
 * (pick a product, confirm or cancel an order or a link).
 */
import { eq } from "drizzle-orm";
import { type Bot, type Context, InlineKeyboard } from "grammy";
import type { User } from "grammy/types";
import { ordersReply } from "../../agent/offline/orders.js";
import { T } from "../../agent/offline/templates.js";
import { consumeRateLimit } from "../../cache/rate-limit.js";
import { agentSessions, notifications } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { getCatalogItem } from "../../services/catalog/index.js";
import {
  getConversation,
  getOrCreateConversation,
  updateConversation,
} from "../../services/conversations.js";
import { customerOrders } from "../../services/orders/customer-orders.js";
import { getOrCreateTelegramProfile, type Profile, type TelegramIdentity } from "../../services/profiles.js";
import { getSettings, type Language, languages } from "../../services/settings.js";
import { consumeLinkToken, LINK_PAYLOAD_PREFIX } from "../../services/telegram-link.js";
import { splitMessage, toTelegramHtml } from "./format.js";
import type { TurnOutput, TurnRunner } from "./types.js";
import { putWaiting, takeWaiting } from "./waiting.js";

const TYPING_EVERY_MS = 4500;

const EN = {
  slow: "You're sending messages very fast — please wait a moment.",
  confirm: "✅ Confirm order",
  cancel: "✖️ Cancel",
  confirmText: "Yes, I confirm the order",
  cancelText: "No, don't place the order",
  expired: "This button has expired — just write to me.",
  linked: "Your Telegram is now linked to your web profile.",
  linkFailed: "This link is invalid or has expired. Ask for a new one on the website.",
  linkConfirm:
    "This link joins this Telegram account to the web chat profile that made the link: your chats and orders here, now and later (with your phone and address), will be visible in that web chat. Only confirm if you made this link yourself on the website.",
  linkYes: "✅ Yes, link them",
  linkNo: "✖️ No",
  linkCancelled: "OK, nothing was linked.",
  location: "Thanks, I've saved your location for delivery.",
  pick: "I'd like {name}",
};
type Texts = Record<keyof typeof EN, string>;

const TEXTS: Record<Language, Texts> = {
  en: EN,
  ru: {
    slow: "Вы пишете слишком быстро — подождите немного.",
    confirm: "✅ Подтвердить заказ",
    cancel: "✖️ Отмена",
    confirmText: "Да, подтверждаю заказ",
    cancelText: "Нет, не оформляйте заказ",
    expired: "Кнопка устарела — просто напишите мне.",
    linked: "Ваш Telegram привязан к профилю на сайте.",
    linkFailed: "Ссылка недействительна или устарела. Получите новую на сайте.",
    linkConfirm:
      "Эта ссылка присоединит этот аккаунт Telegram к профилю веб-чата, в котором её создали: ваши чаты и заказы здесь, нынешние и будущие (с телефоном и адресом), будут видны в том веб-чате. Подтверждайте, только если сами создали эту ссылку на сайте.",
    linkYes: "✅ Да, объединить",
    linkNo: "✖️ Нет",
    linkCancelled: "Хорошо, ничего не объединено.",
    location: "Спасибо, я сохранил вашу геопозицию для доставки.",
    pick: "Хочу {name}",
  },
  uk: {
    slow: "Ви пишете надто швидко — зачекайте трохи.",
    confirm: "✅ Підтвердити замовлення",
    cancel: "✖️ Скасувати",
    confirmText: "Так, підтверджую замовлення",
    cancelText: "Ні, не оформлюйте замовлення",
    expired: "Кнопка застаріла — просто напишіть мені.",
    linked: "Ваш Telegram прив'язано до профілю на сайті.",
    linkFailed: "Посилання недійсне або застаріло. Отримайте нове на сайті.",
    linkConfirm:
      "Це посилання приєднає цей акаунт Telegram до профілю вебчату, в якому його створили: ваші чати та замовлення тут, теперішні й майбутні (з телефоном і адресою), буде видно в тому вебчаті. Підтверджуйте, лише якщо самі створили це посилання на сайті.",
    linkYes: "✅ Так, об'єднати",
    linkNo: "✖️ Ні",
    linkCancelled: "Добре, нічого не об'єднано.",
    location: "Дякую, я зберіг вашу геолокацію для доставки.",
    pick: "Хочу {name}",
  },
  th: {
    slow: "คุณส่งข้อความเร็วเกินไป กรุณารอสักครู่",
    confirm: "✅ ยืนยันคำสั่งซื้อ",
    cancel: "✖️ ยกเลิก",
    confirmText: "ใช่ ยืนยันคำสั่งซื้อ",
    cancelText: "ไม่ ยังไม่สั่ง",
    expired: "ปุ่มนี้หมดอายุแล้ว พิมพ์ข้อความถึงฉันได้เลย",
    linked: "เชื่อมต่อ Telegram กับโปรไฟล์เว็บแล้ว",
    linkFailed: "ลิงก์ไม่ถูกต้องหรือหมดอายุ กรุณาขอลิงก์ใหม่บนเว็บไซต์",
    linkConfirm:
      "ลิงก์นี้จะเชื่อมบัญชี Telegram นี้เข้ากับโปรไฟล์แชทบนเว็บที่สร้างลิงก์นี้ แชทและคำสั่งซื้อของคุณที่นี่ ทั้งตอนนี้และต่อไป (รวมถึงเบอร์โทรและที่อยู่) จะมองเห็นได้ในแชทบนเว็บนั้น ยืนยันเฉพาะเมื่อคุณสร้างลิงก์นี้เองบนเว็บไซต์",
    linkYes: "✅ ใช่ เชื่อมต่อ",
    linkNo: "✖️ ไม่",
    linkCancelled: "ตกลง ไม่ได้เชื่อมต่ออะไร",
    location: "ขอบคุณ บันทึกตำแหน่งสำหรับจัดส่งแล้ว",
    pick: "ฉันต้องการ {name}",
  },
};

function asLanguage(code: string | undefined | null): Language | undefined {
  const c = code?.slice(0, 2).toLowerCase();
  return languages.find((l) => l === c);
}

/** The customer's language: Telegram's language_code, then what we detected before, then English. */
function languageOf(from: User | undefined, profile?: Profile): Language {
  return asLanguage(from?.language_code) ?? asLanguage(String(profile?.preferences?.language ?? "")) ?? "en";
}

function identity(ctx: Context): TelegramIdentity | undefined {
  const from = ctx.from;
  if (!from || from.is_bot) return undefined;
  return {
    telegramUserId: from.id,
    username: from.username ?? null,
    chatId: ctx.chat?.id ?? from.id,
    firstName: from.first_name ?? null,
    languageCode: from.language_code ?? null,
  };
}

async function withTyping<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  const ping = () => ctx.replyWithChatAction("typing").catch(() => {});
  void ping();
  const timer = setInterval(ping, TYPING_EVERY_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

async function sendHtml(ctx: Context, text: string, keyboard?: InlineKeyboard) {
  const parts = splitMessage(text);
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    await ctx.reply(toTelegramHtml(part), {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(last && keyboard ? { reply_markup: keyboard } : {}),
    });
  }
}

function cardIds(cards: unknown[]): string[] {
  return cards
    .map((c) => (typeof c === "string" ? c : (c as { id?: unknown })?.id))
    .filter((id): id is string => typeof id === "string")
    .slice(0, 6);
}

/** Buttons for the reply: confirm/cancel when the assistant awaits a confirmation, else product picks. */
async function keyboardFor(
  deps: Deps,
  result: TurnOutput,
  lang: Language,
): Promise<InlineKeyboard | undefined> {
  const [session] = await deps.db
    .select({ state: agentSessions.state })
    .from(agentSessions)
    .where(eq(agentSessions.conversationId, result.conversationId));
  const state = (session?.state ?? {}) as {
    phase?: string;
    draft?: { version?: number };
    confirmation?: { draftVersion?: number };
  };
  const version = state.draft?.version;
  if (
    state.phase === "awaiting_confirmation" &&
    version !== undefined &&
    state.confirmation?.draftVersion === version
  ) {
    const w = await putWaiting(deps, {
      kind: "order-confirmation",
      conversationId: result.conversationId,
      draftVersion: version,
    });
    return new InlineKeyboard()
      .text(TEXTS[lang].confirm, `oc:${result.conversationId}:${w.token}`)
      .text(TEXTS[lang].cancel, `ox:${result.conversationId}:${w.token}`);
  }
  const kb = new InlineKeyboard();
  let any = false;
  for (const id of cardIds(result.productCards)) {
    const item = await getCatalogItem(deps, id);
    if (!item) continue;
    kb.text(item.name.slice(0, 40), `p:${item.id}`).row();
    any = true;
  }
  return any ? kb : undefined;
}

/**
 * The customer behind a message, counted against their rate limit: their profile and language,
 * or undefined (nothing to do, or told to slow down).
 */
async function admitCustomer(
  deps: Deps,
  ctx: Context,
): Promise<{ profile: Profile; lang: Language } | undefined> {
  const who = identity(ctx);
  if (!who) return undefined;
  const limit = await consumeRateLimit(deps, `telegram:${who.telegramUserId}`);
  const profile = await getOrCreateTelegramProfile(deps, who);
  const lang = languageOf(ctx.from, profile);
  if (!limit.allowed) {
    await ctx.reply(TEXTS[lang].slow);
    return undefined;
  }
  return { profile, lang };
}

/** Runs the assistant for one customer message and sends what it says. */
async function converse(deps: Deps, runTurn: TurnRunner, ctx: Context, text: string): Promise<void> {
  const admitted = await admitCustomer(deps, ctx);
  if (!admitted) return;
  const { profile, lang } = admitted;
  const result = await withTyping(ctx, () =>
    runTurn(deps, { channel: "telegram", profile, text, language: asLanguage(ctx.from?.language_code) }),
  );
  if (result.silent) {
    await relayToStaff(deps, result.conversationId, profile, text, ctx.update.update_id);
    return;
  }
  const replyLang = asLanguage(result.language) ?? lang;
  await sendHtml(ctx, result.content, await keyboardFor(deps, result, replyLang));
}

/**
 * While staff hold the conversation, what the customer writes goes to the staff chat (the row
 * in notifications maps the staff-chat message back to the conversation for replies).
 */
async function relayToStaff(
  deps: Deps,
  conversationId: string,
  profile: Profile,
  text: string,
  updateId: number,
) {
  const [row] = await deps.db
    .insert(notifications)
    .values({
      type: "customer_message",
      dedupeKey: `relay:${updateId}`,
      userProfileId: profile.id,
      conversationId,
      payload: { customerMessage: text.slice(0, 2000), channel: "telegram" },
      createdAt: deps.clock.now(),
    })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  if (row && deps.jobs) {
    await deps.jobs.enqueue(
      "notify-staff",
      { notificationId: row.id },
      { dedupeKey: `notify-staff:${row.id}` },
    );
  }
}

async function onStart(deps: Deps, ctx: Context, payload: string): Promise<void> {
  const who = identity(ctx);
  if (!who) return;
  const profile = await getOrCreateTelegramProfile(deps, who);
  const lang = languageOf(ctx.from, profile);
  if (payload.startsWith(LINK_PAYLOAD_PREFIX)) {
    // Anyone can make a link in their own browser and spread it (a "promo", a QR code), so the
    // account is joined to the web profile that made it only after its owner presses Yes, even
    // when it is brand new: its later chats and orders would be readable from that web profile.
    const token = payload.slice(LINK_PAYLOAD_PREFIX.length);
    await ctx.reply(TEXTS[lang].linkConfirm, {
      reply_markup: new InlineKeyboard()
        .text(TEXTS[lang].linkYes, `lk:${token}`)
        .text(TEXTS[lang].linkNo, "lx"),
    });
    return;
  }
  const settings = await getSettings(deps);
  const greeting =
    settings.greetings[lang] ?? settings.greetings.en ?? `Hi! I'm the ${settings.shopName} assistant.`;
  await sendHtml(ctx, greeting);
}

/**
 * /orders: the customer's last orders with their status (the server's), read like the assistant's
 * my_orders tool does: this Telegram account's profile only, through the order caches.
 */
async function onOrders(deps: Deps, ctx: Context): Promise<void> {
  const admitted = await admitCustomer(deps, ctx);
  if (!admitted) return;
  const { profile, lang } = admitted;
  if (profile.isBlocked) {
    await ctx.reply(T.blocked[lang]);
    return;
  }
  const out = await customerOrders(deps, profile.id);
  await sendHtml(ctx, ordersReply(out, lang));
}

/**
 * The commands customers have, per language, for Bot API `setMyCommands` (with `language_code`
 * for all but English), set by the channel when it starts (channel.ts, registerCommands).
 */
export const CUSTOMER_COMMANDS: Record<Language, Array<{ command: string; description: string }>> = {
  en: [
    { command: "start", description: "Start a chat with the shop assistant" },
    { command: "orders", description: "My recent orders and their status" },
  ],
  ru: [
    { command: "start", description: "Начать чат с ассистентом магазина" },
    { command: "orders", description: "Мои последние заказы и их статус" },
  ],
  uk: [
    { command: "start", description: "Почати чат з асистентом магазину" },
    { command: "orders", description: "Мої останні замовлення та їхній статус" },
  ],
  th: [
    { command: "start", description: "เริ่มแชทกับผู้ช่วยของร้าน" },
    { command: "orders", description: "ออเดอร์ล่าสุดและสถานะ" },
  ],
};

async function linkAndReply(
  deps: Deps,
  ctx: Context,
  payload: string,
  who: NonNullable<ReturnType<typeof identity>>,
  lang: Language,
): Promise<void> {
  const linked = await consumeLinkToken(deps, payload, who);
  const done = linked.status === "linked" || linked.status === "already_linked";
  await ctx.reply(done ? TEXTS[lang].linked : TEXTS[lang].linkFailed);
}

async function onButton(deps: Deps, runTurn: TurnRunner, ctx: Context, data: string): Promise<void> {
  const lang = languageOf(ctx.from);
  if (data === "lx" || data.startsWith("lk:")) {
    await ctx.answerCallbackQuery();
    const who = identity(ctx);
    if (!who) return;
    if (data === "lx") {
      await ctx.reply(TEXTS[lang].linkCancelled);
      return;
    }
    await linkAndReply(deps, ctx, `${LINK_PAYLOAD_PREFIX}${data.slice(3)}`, who, lang);
    return;
  }
  const [kind, a, token] = data.split(":");
  if (kind === "p" && a) {
    await ctx.answerCallbackQuery();
    const item = await getCatalogItem(deps, a);
    if (item) await converse(deps, runTurn, ctx, TEXTS[lang].pick.replace("{name}", item.name));
    return;
  }
  if ((kind === "oc" || kind === "ox") && a && token) {
    const conv = await getConversation(deps, a);
    const who = identity(ctx);
    const profile = who ? await getOrCreateTelegramProfile(deps, who) : undefined;
    // The button must belong to this customer's conversation and still be waiting.
    const waiting =
      conv && profile && conv.userProfileId === profile.id ? await takeWaiting(deps, a, token) : undefined;
    await ctx.answerCallbackQuery(waiting ? undefined : { text: TEXTS[lang].expired });
    await ctx.editMessageReplyMarkup().catch(() => {});
    if (!waiting) return;
    await converse(deps, runTurn, ctx, kind === "oc" ? TEXTS[lang].confirmText : TEXTS[lang].cancelText);
    return;
  }
  await ctx.answerCallbackQuery();
}

async function onLocation(deps: Deps, ctx: Context): Promise<void> {
  const who = identity(ctx);
  const loc = ctx.message?.location;
  if (!who || !loc) return;
  const profile = await getOrCreateTelegramProfile(deps, who);
  const settings = await getSettings(deps);
  const conv = await getOrCreateConversation(deps, {
    profileId: profile.id,
    channel: "telegram",
    language: languageOf(ctx.from, profile),
    timeoutMinutes: settings.conversationTimeoutMinutes,
  });
  await updateConversation(deps, conv, {
    metadata: { ...conv.metadata, location: { latitude: loc.latitude, longitude: loc.longitude } },
  });
  await ctx.reply(TEXTS[languageOf(ctx.from, profile)].location);
}

export function registerCustomerHandlers(bot: Bot, deps: Deps, runTurn: TurnRunner): void {
  const priv = bot.chatType("private");
  priv.command("start", (ctx) => onStart(deps, ctx, ctx.match.trim()));
  priv.command("orders", (ctx) => onOrders(deps, ctx));
  priv.on("message:location", (ctx) => onLocation(deps, ctx));
  priv.on("message:text", (ctx) => converse(deps, runTurn, ctx, ctx.message.text));
  priv.on("callback_query:data", (ctx) => onButton(deps, runTurn, ctx, ctx.callbackQuery.data));
}
