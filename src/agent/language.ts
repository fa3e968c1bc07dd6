/**
 * Per-message language detection (ru, en, th, uk). Script first (Thai, Cyrillic, Latin), then
 * Ukrainian vs Russian by the letters only one of them has (і ї є ґ vs ы э ё ъ) and common words.
 * Short or ambiguous messages ("ok", "20", a phone number) keep the conversation's language.
 */
import type { Language } from "../services/settings.js";

export const SUPPORTED_LANGUAGES = ["en", "ru", "th", "uk"] as const satisfies readonly Language[];

const UK_WORDS =
  /(^|[^\p{L}])(що|як|дякую|будь ласка|привіт|хочу|скільки|коштує|можна|мені|треба|потрібно|добре|так|ні|розслаб\p{L}*|сну|доставк\p{L}*|замовит\p{L}*|замовлення|телефон|адреса|оплата|готівк\p{L}*|чи|який|яка|які|вашого|ваш|є|це)(?=$|[^\p{L}])/giu;
const RU_WORDS =
  /(^|[^\p{L}])(что|как|спасибо|пожалуйста|привет|хочу|сколько|стоит|можно|мне|нужно|надо|хорошо|да|нет|расслаб\p{L}*|сна|доставк\p{L}*|заказать|заказ|телефон|адрес|оплата|наличн\p{L}*|есть|это|какой|какая|какие|ваш)(?=$|[^\p{L}])/giu;

export function isSupportedLanguage(s: string | undefined | null): s is Language {
  return !!s && (SUPPORTED_LANGUAGES as readonly string[]).includes(s);
}

/** Detects the message's language; `fallback` is used when the text does not say. */
export function detectLanguage(text: string, fallback: Language = "en"): Language {
  let thai = 0;
  let cyr = 0;
  let latin = 0;
  let ukLetters = 0;
  let ruLetters = 0;
  const lower = text.toLowerCase();
  // By UTF-16 unit: the halves of a surrogate pair fall in none of these ranges, as the pair does.
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c >= 0x0e00 && c <= 0x0e7f) thai++;
    else if (c >= 0x0400 && c <= 0x04ff) {
      cyr++;
      // і ї є ґ | ы э ё ъ
      if (c === 0x456 || c === 0x457 || c === 0x454 || c === 0x491) ukLetters++;
      else if (c === 0x44b || c === 0x44d || c === 0x451 || c === 0x44a) ruLetters++;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) latin++;
  }
  // Product names and hotels are often written in Latin inside a Thai or Cyrillic sentence.
  if (thai > 0 && thai >= cyr && (thai >= 2 || thai * 3 >= latin)) return "th";
  if (cyr > 0 && (cyr >= latin || cyr >= 4)) {
    if (ukLetters > ruLetters) return "uk";
    if (ruLetters > ukLetters) return "ru";
    const uk = text.match(UK_WORDS)?.length ?? 0;
    const ru = text.match(RU_WORDS)?.length ?? 0;
    if (uk > ru) return "uk";
    if (ru > uk) return "ru";
    // Cyrillic with nothing distinctive: stay with Ukrainian only if the conversation already is.
    return fallback === "uk" ? "uk" : "ru";
  }
  if (latin >= 3) return "en";
  return fallback;
}
