/**
 * Telegram HTML formatting. Everything a user or the model wrote is escaped first; the only tags
 * that survive are the ones we add (**bold** → <b>, a bare URL stays text). Long texts are split
 * at paragraph, line or word boundaries into parts Telegram accepts (4096 characters).
 */
export const TELEGRAM_LIMIT = 4096;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Escaped text with the model's **bold** and *italic* turned into tags (only within a line). */
export function toTelegramHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*\n]+)\*\*/g, "<b>$1</b>")
    .replace(/(^|[^*])\*([^*\n]+)\*(?!\*)/g, "$1<i>$2</i>");
}

/** Splits plain text so that each part, once formatted, stays within `limit`. */
export function splitMessage(text: string, limit = TELEGRAM_LIMIT): string[] {
  const parts: string[] = [];
  // Escaping can grow a character to 6 ("&quot;"): measure the formatted length, not the raw one.
  const fits = (s: string) => toTelegramHtml(s).length <= limit;
  let rest = text.trim();
  while (rest.length > 0) {
    if (fits(rest)) {
      parts.push(rest);
      break;
    }
    let cut = Math.min(rest.length, limit);
    while (cut > 1 && !fits(rest.slice(0, cut))) cut = Math.floor(cut * 0.9);
    const window = rest.slice(0, cut);
    const boundary = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" "));
    const at = boundary > cut / 2 ? boundary : cut;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  return parts.filter((p) => p.length > 0);
}

/** A Google Maps link for coordinates or an address. */
export function mapLink(place: { latitude: number; longitude: number } | string): string {
  const q = typeof place === "string" ? place : `${place.latitude},${place.longitude}`;
  return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(q)}`;
}
