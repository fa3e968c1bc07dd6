/**
 * Dynamic settings (shop name, hours, address, fee, time zone, greetings, prompt additions, CRM
 * webhook...), editable in the admin. Stored one row per key; read through settings:dynamic.
 */
import { inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { clearSemanticCache } from "../agent/semantic-cache.js";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { Db } from "../db/client.js";
import { settings as settingsTable } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { zodToAppError } from "../errors.js";
import { isFee } from "./money.js";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const languages = ["en", "ru", "th", "uk"] as const;
export type Language = (typeof languages)[number];

export const shopSettingsSchema = z.object({
  shopName: z.string().trim().min(1).max(100),
  currency: z.string().trim().min(1).max(8),
  timeZone: z.string().refine(validTimeZone, "must be an IANA time zone, e.g. Asia/Bangkok"),
  address: z.string().trim().max(500),
  /** Opening hours in the shop's time zone; close < open means open past midnight. */
  hours: z.object({ open: hhmm, close: hhmm }),
  deliveryFee: z
    .string()
    .refine(isFee, "must be an amount like 100 or 100.00, not negative, at most 99999999.99"),
  greetings: z.record(z.enum(languages), z.string().max(1000)),
  promptAdditions: z.string().max(4000),
  /** Only http(s): the order webhooks POST to it (null removes it). */
  crmWebhookUrl: z
    .url({ protocol: z.regexes.httpProtocol, error: "must be an http:// or https:// URL" })
    .nullable(),
  crmWebhookSecret: z.string().min(8).max(200).nullable(),
  conversationTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  followupDelayHours: z
    .number()
    .min(0.1)
    .max(24 * 30),
  takeoverTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});

export type ShopSettings = z.infer<typeof shopSettingsSchema>;

export const DEFAULT_SETTINGS: ShopSettings = {
  shopName: "OG Lab",
  currency: "฿",
  timeZone: "Asia/Bangkok",
  address: "99/1 Soi Bangla, Patong, Phuket",
  hours: { open: "10:00", close: "23:00" },
  deliveryFee: "100.00",
  greetings: {
    en: "Hi! I'm the OG Lab assistant. Looking for something relaxing, energizing or for sleep?",
    ru: "Привет! Я ассистент OG Lab. Ищете что-то для расслабления, энергии или сна?",
    th: "สวัสดีค่ะ! ฉันคือผู้ช่วยของ OG Lab กำลังมองหาอะไรเพื่อผ่อนคลาย เพิ่มพลัง หรือช่วยนอนหลับคะ?",
    uk: "Привіт! Я асистент OG Lab. Шукаєте щось для розслаблення, енергії чи сну?",
  },
  promptAdditions: "",
  crmWebhookUrl: null,
  crmWebhookSecret: null,
  conversationTimeoutMinutes: 30,
  followupDelayHours: 24,
  takeoverTimeoutMinutes: 30,
};

type SettingsDeps = Pick<Deps, "db" | "cache">;

type SettingKey = keyof ShopSettings;
const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

async function loadSettings(db: Db): Promise<ShopSettings> {
  // Read as text and parse here: Drizzle's jsonb decoder parses a JSON string a second time,
  // so a stored "150.50" would come back as the number 150.5.
  const rows = await db
    .select({ key: settingsTable.key, json: sql<string>`${settingsTable.value}::text` })
    .from(settingsTable);
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) {
    if (!(SETTING_KEYS as string[]).includes(r.key)) continue;
    // Checked one by one: a stored value the schema no longer accepts (e.g. a non-http webhook
    // URL saved before that was refused) falls back to its own default, not every setting.
    const field = shopSettingsSchema.shape[r.key as SettingKey].safeParse(JSON.parse(r.json));
    if (field.success) merged[r.key] = field.data;
  }
  const parsed = shopSettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function getSettings(deps: SettingsDeps): Promise<ShopSettings> {
  return deps.cache.getOrSet(CacheKeys.dynamicSettings(), () => loadSettings(deps.db), {
    ttl: CacheTTL.dynamicSettings,
  });
}

/**
 * Validates a partial update against the whole schema, writes it in one transaction, invalidates.
 * A null (only the nullable settings accept one) removes the stored row, so the setting reads
 * back as its default (unset). Nothing is written unless the whole update is valid.
 */
export async function updateSettings(
  deps: SettingsDeps & { clock: { now(): Date } },
  patch: Partial<ShopSettings>,
  updatedBy: string,
): Promise<ShopSettings> {
  // A key given as undefined is not given at all.
  const keys = (Object.keys(patch) as SettingKey[]).filter((k) => patch[k] !== undefined);
  const current = await loadSettings(deps.db);
  if (keys.length === 0) return current; // nothing to change: nothing written, nothing invalidated
  const parsed = shopSettingsSchema.safeParse({
    ...current,
    ...Object.fromEntries(keys.map((k) => [k, patch[k]])),
  });
  if (!parsed.success) throw zodToAppError(parsed.error, "settings");
  const next = parsed.data;
  const removed = keys.filter((k) => next[k] === null);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    if (removed.length > 0) await tx.delete(settingsTable).where(inArray(settingsTable.key, removed));
    for (const key of keys) {
      if (next[key] === null) continue;
      await tx
        .insert(settingsTable)
        .values({ key, value: next[key], updatedAt: now, updatedBy })
        .onConflictDoUpdate({
          target: settingsTable.key,
          set: { value: next[key], updatedAt: now, updatedBy },
        });
    }
  });
  await deps.cache.delete(CacheKeys.dynamicSettings());
  // Cached general answers (semantic cache) quote hours, fees and the address.
  await clearSemanticCache(deps);
  const result: Record<string, unknown> = { ...next };
  for (const key of removed) result[key] = DEFAULT_SETTINGS[key];
  return result as ShopSettings;
}

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const localFormatters = new Map<string, Intl.DateTimeFormat>();

export interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

/**
 * From 1973 on every time zone's UTC offset is a whole number of minutes (the last offset with
 * seconds, Liberia's −0:44:30, ended in January 1972), so the local date and time to the minute
 * are the same for a whole UTC minute: the last minute's parts are kept per time zone.
 */
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1973, 0, 1);
const lastMinute = new Map<string, { minute: number; parts: LocalParts }>();

function formatLocalParts(date: Date, timeZone: string): LocalParts {
  let fmt = localFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    localFormatters.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

/** Local date parts in the shop's time zone (a new object every call). */
export function shopLocalParts(date: Date, timeZone: string): LocalParts {
  const t = date.getTime();
  if (!(t >= WHOLE_MINUTE_OFFSETS_SINCE)) return formatLocalParts(date, timeZone);
  const minute = Math.floor(t / 60_000);
  const known = lastMinute.get(timeZone);
  if (known?.minute === minute) return { ...known.parts };
  const parts = formatLocalParts(date, timeZone);
  lastMinute.set(timeZone, { minute, parts: { ...parts } });
  return parts;
}

/** Whether the shop is open at `date` (handles hours that pass midnight). */
export function isOpenAt(s: Pick<ShopSettings, "hours" | "timeZone">, date: Date): boolean {
  const p = shopLocalParts(date, s.timeZone);
  const now = `${p.hour}:${p.minute}`;
  const { open, close } = s.hours;
  return open <= close ? now >= open && now < close : now >= open || now < close;
}
