/**
 * Order fields out of free text: quantity, phone, payment method, address. Used by the
 * update_draft_order tool to validate what any model passes, and by the offline assistant to
 * read the customer's message.
 */
import type { PaymentMethod } from "../services/orders/create.js";
import { hasAny, matchKeys, normalizeText, PAYMENT_WORDS } from "./lexicon.js";

const QTY_RE =
  /(\d{1,5}(?:[.,]\d{1,2})?)\s*(g|gr|grams?|г|гр|грамм?(?:а|ов)?|грам(?:ів|и)?|กรัม|pcs|pc|pieces?|шт|штук[аи]?|packs?|пачк[аи]?|x)(?=$|[^\p{L}])/iu;
const PHONE_RE = /(?:\+|\b)\d[\d\s().-]{6,18}\d\b/;

/** "20", "20g", "20 г", "2,5" → "20" / "2.5"; undefined when it is not a positive amount. */
export function parseQuantity(input: string | number | undefined | null): string | undefined {
  if (input === undefined || input === null) return undefined;
  const s = String(input).trim();
  const m = s.match(QTY_RE) ?? s.match(/^(\d{1,5}(?:[.,]\d{1,2})?)$/);
  if (!m) return undefined;
  const v = m[1]!.replace(",", ".");
  return Number(v) > 0 ? v.replace(/\.0+$/, "") : undefined;
}

/** A quantity with its unit in a sentence ("хочу 20 г", "5 pcs"). Bare numbers are not quantities. */
export function findQuantity(text: string): string | undefined {
  const m = text.match(QTY_RE);
  return m ? parseQuantity(m[0]) : undefined;
}

/** A phone number with 8–15 digits, kept as the customer wrote it (spaces collapsed). */
export function parsePhone(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  const m = input.match(PHONE_RE);
  if (!m) return undefined;
  const digits = m[0].replace(/\D/g, "");
  if (digits.length < 8 || digits.length > 15) return undefined;
  return m[0].replace(/\s+/g, " ").trim();
}

export function parsePayment(input: string | undefined | null): PaymentMethod | undefined {
  if (!input) return undefined;
  const t = normalizeText(input);
  if (t === "cash" || t === "transfer" || t === "crypto") return t;
  const [first] = matchKeys(t, PAYMENT_WORDS);
  return first as PaymentMethod | undefined;
}

const ADDRESS_LEAD =
  /(?:address|deliver(?:y)? to|адрес(?:\s+доставки)?|адреса(?:\s+доставки)?|доставка (?:в|на)|ที่อยู่|ส่งที่)\s*[:：-]?\s*(.{4,300})/iu;
const ADDRESS_HINTS = [
  "hotel",
  "room",
  "street",
  "road",
  "soi",
  "villa",
  "condo",
  "отель",
  "гостиниц",
  "номер",
  "улиц",
  "вилла",
  "кондо",
  "готель",
  "вулиц",
  "кімнат",
  "โรงแรม",
  "ห้อง",
  "ซอย",
  "ถนน",
  "คอนโด",
];

/** An address the customer gave: after "address:"-like words, or a message that reads like one. */
export function findAddress(text: string): string | undefined {
  const m = text.match(ADDRESS_LEAD);
  if (m) return cleanAddress(m[1]!);
  if (hasAny(normalizeText(text), ADDRESS_HINTS)) return cleanAddress(text);
  return undefined;
}

const NOT_ADDRESS = [
  ...Object.values(PAYMENT_WORDS).flat(),
  "phone",
  "pay",
  "телефон",
  "тел",
  "оплат",
  "เบอร์",
  "โทร",
  "จ่าย",
];

/** Keeps the address part: comma-separated pieces that speak of payment or phone are dropped. */
export function cleanAddress(s: string): string | undefined {
  const kept = s
    .split(/[,;\n]/)
    .filter((part) => !hasAny(normalizeText(part), NOT_ADDRESS))
    .join(",");
  const v = kept
    .replace(PHONE_RE, " ")
    .replace(/\s+/g, " ")
    .replace(/^[\s,.;:-]+|[\s,.;:-]+$/g, "")
    .trim();
  return v.length >= 4 && v.length <= 300 ? v : undefined;
}
