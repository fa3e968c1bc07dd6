/**
 * Rule-based fact extraction for the offline assistant (no model): a few patterns per kind of
 * fact, in en/ru/uk/th. Greetings and small talk match nothing on purpose; a pattern only fires
 * on a statement about the customer (an allergy, a favourite, a budget, an address...).
 */
import type { FactType } from "./index.js";

/** A profile preference the fact also sets (kept current in user_profiles.preferences). */
export type PreferenceKey =
  | "allergies"
  | "healthConditions"
  | "favoriteColors"
  | "favoriteStrains"
  | "preferredEffects"
  | "budget"
  | "deliveryAddress"
  | "paymentMethod"
  | "experienceLevel"
  | "name";

/** Preferences that hold a list (a new value is added) rather than one value (replaced). */
export const LIST_PREFERENCES: ReadonlySet<PreferenceKey> = new Set([
  "allergies",
  "healthConditions",
  "favoriteColors",
  "favoriteStrains",
  "preferredEffects",
]);

export interface FactCandidate {
  content: string;
  factType: FactType;
  category: string;
  importance: number;
  confidence: number;
  /** Daily importance loss; 0 = never fades (health constraints). */
  decayRate: number;
  preference?: { key: PreferenceKey; value: string };
}

interface Rule {
  key: PreferenceKey;
  patterns: RegExp[];
  make(value: string): Omit<FactCandidate, "preference">;
  /** Normalizes the captured value (or returns null to drop the match). */
  value?: (captured: string, text: string) => string | null;
}

/** Trims a captured phrase at the end of its clause. */
function clause(s: string): string {
  return s
    .split(/[.,;!?\n]| and | but | и | но | і | але /i)[0]!
    .trim()
    .replace(/^(the|a|an)\s+/i, "")
    .slice(0, 80);
}

const EFFECTS: Array<[string, RegExp]> = [
  ["relaxing", /relax|chill|calm|расслаб|спокой|розслаб|ผ่อนคลาย/i],
  ["sleep", /sleep|insomnia|сон|спать|засып|сну|спати|นอน/i],
  ["energizing", /energ|uplift|active|энерг|бодр|енерг|бадьор|กระปรี้กระเปร่า|พลัง/i],
  ["creative", /creativ|креатив|творч|ความคิดสร้างสรรค์/i],
  ["focus", /focus|concentrat|фокус|концентр|สมาธิ/i],
  ["euphoric", /euphori|happy|giggl|эйфор|весел|ейфор|มีความสุข/i],
];

const RULES: Rule[] = [
  {
    key: "allergies",
    patterns: [
      /\b(?:i(?:'m| am)\s+allergic\s+to|allergy\s+to|allergic\s+to)\s+([^.,;!?\n]+)/i,
      /аллерги[яюи]\s+на\s+([^.,;!?\n]+)/i,
      /алергі[яюї]\s+на\s+([^.,;!?\n]+)/i,
      /แพ้\s*([^\s.,;!?\n][^.,;!?\n]*)/,
    ],
    make: (v) => ({
      content: `Allergic to ${v}`,
      factType: "constraint",
      category: "health",
      importance: 1,
      confidence: 0.9,
      decayRate: 0,
    }),
  },
  {
    key: "healthConditions",
    patterns: [
      /\bi\s+(?:have|suffer from)\s+(asthma|a heart condition|heart problems|high blood pressure|anxiety|epilepsy)/i,
      /\bi(?:'m| am)\s+(pregnant)\b/i,
      /у меня\s+(астма|давление|тревожность|эпилепсия|проблемы с сердцем)/i,
      /я\s+(беременна)/i,
      /у мене\s+(астма|тиск|тривожність|епілепсія)/i,
    ],
    make: (v) => ({
      content: `Health: ${v}`,
      factType: "constraint",
      category: "health",
      importance: 1,
      confidence: 0.85,
      decayRate: 0,
    }),
  },
  {
    key: "favoriteColors",
    patterns: [
      /\bmy\s+favou?rite\s+colou?r\s+is\s+([^.,;!?\n]+)/i,
      /\bi\s+(?:love|like)\s+(?:the\s+)?colou?r\s+([^.,;!?\n]+)/i,
      /любим(?:ый|ий)\s+цвет\s*(?:[-—–:]|это)?\s*([^.,;!?\n]+)/i,
      /улюблений\s+колір\s*(?:[-—–:]|це)?\s*([^.,;!?\n]+)/i,
      /สีที่ชอบ(?:คือ)?\s*([^\s.,;!?\n]+)/,
      /ชอบสี\s*([^\s.,;!?\n]+)/,
    ],
    make: (v) => ({
      content: `Favourite colour: ${v}`,
      factType: "preference",
      category: "style",
      importance: 0.8,
      confidence: 0.9,
      decayRate: 0.02,
    }),
  },
  {
    key: "favoriteStrains",
    patterns: [
      /\bmy\s+favou?rite\s+(?:strain|product|weed|bud|one)\s+is\s+([^.,;!?\n]+)/i,
      /\bi\s+(?:always|usually)\s+(?:take|get|buy|order)\s+([^.,;!?\n]+)/i,
      /любим(?:ый|ая)\s+(?:сорт|продукт)\s*(?:[-—–:]|это)?\s*([^.,;!?\n]+)/i,
      /(?:всегда|обычно)\s+беру\s+([^.,;!?\n]+)/i,
      /улюблен(?:ий|а)\s+(?:сорт|продукт)\s*(?:[-—–:]|це)?\s*([^.,;!?\n]+)/i,
      /(?:завжди|зазвичай)\s+беру\s+([^.,;!?\n]+)/i,
    ],
    make: (v) => ({
      content: `Favourite strain: ${v}`,
      factType: "preference",
      category: "product",
      importance: 0.8,
      confidence: 0.85,
      decayRate: 0.01,
    }),
  },
  {
    key: "preferredEffects",
    patterns: [
      /\bi\s+(?:prefer|like|love|enjoy|usually want)\s+([^.!?\n]+)/i,
      /\bsomething\s+(?:for|to)\s+(sleep|relax[^.,;!?\n]*)/i,
      /(?:предпочитаю|люблю|нравится|нравятся)\s+([^.!?\n]+)/i,
      /(?:віддаю перевагу|люблю|подобається)\s+([^.!?\n]+)/i,
      /ชอบ(?:แบบ)?\s*([^.!?\n]+)/,
    ],
    value: (captured) => EFFECTS.find(([, re]) => re.test(captured))?.[0] ?? null,
    make: (v) => ({
      content: `Prefers ${v} effects`,
      factType: "preference",
      category: "effect",
      importance: 0.7,
      confidence: 0.75,
      decayRate: 0.01,
    }),
  },
  {
    key: "budget",
    patterns: [
      /\bmy\s+budget\s+is\s+(?:about\s+|around\s+|up to\s+)?([\d\s,.]+\s*(?:baht|thb|฿|\$|usd)?)/i,
      /\b(?:budget\s+of|no more than|up to|under)\s+([\d,.]+\s*(?:baht|thb|฿))/i,
      /бюджет\s*(?:[-—–:]|около|до)?\s*([\d\s,.]+\s*(?:бат|батов|฿|thb)?)/i,
      /งบ(?:ประมาณ)?\s*([\d,.]+\s*(?:บาท|฿)?)/,
    ],
    value: (c) => (/\d/.test(c) ? c.trim().replace(/\s+/g, " ") : null),
    make: (v) => ({
      content: `Budget: up to ${v}`,
      factType: "preference",
      category: "budget",
      importance: 0.7,
      confidence: 0.8,
      decayRate: 0.02,
    }),
  },
  {
    key: "deliveryAddress",
    patterns: [
      /\bi(?:'m| am)\s+staying\s+(?:at|in)\s+(?:the\s+)?([^.,;!?\n]+(?:hotel|resort|hostel|villa|condo)[^.,;!?\n]*)/i,
      /\bi(?:'m| am)\s+staying\s+(?:at|in)\s+(?:the\s+)?((?:hotel|resort|hostel|villa)\s+[^.,;!?\n]+)/i,
      /\bmy\s+(?:hotel|address)\s+is\s+([^.;!?\n]+)/i,
      /\bdeliver(?:y)?\s+(?:it\s+)?to\s+([^.;!?\n]+)/i,
      /(?:мой адрес|адрес доставки)\s*(?:[-—–:])?\s*([^.;!?\n]+)/i,
      /(?:живу|остановился|остановилась)\s+в\s+(отеле\s+[^.,;!?\n]+)/i,
      /(?:моя адреса|адреса доставки)\s*(?:[-—–:])?\s*([^.;!?\n]+)/i,
      /живу\s+в\s+(готелі\s+[^.,;!?\n]+)/i,
      /(?:ที่อยู่|พักที่โรงแรม)\s*([^.;!?\n]+)/,
    ],
    make: (v) => ({
      content: `Delivery address: ${v}`,
      factType: "logistics",
      category: "delivery",
      importance: 0.8,
      confidence: 0.8,
      decayRate: 0.03,
    }),
  },
  {
    key: "paymentMethod",
    patterns: [
      /\b(?:i(?:'ll| will)?|prefer to|usually)\s+pay\s+(?:by|with|in|via)\s+(cash|transfer|bank transfer|crypto|usdt|bitcoin|card)/i,
      /(?:оплачу|плачу|оплата)\s+(наличными|наличкой|переводом|криптой|картой)/i,
      /(?:оплачу|плачу|оплата)\s+(готівкою|переказом|криптою|карткою)/i,
      /จ่าย(เงินสด|โอน)/,
    ],
    value: (c) => {
      const s = c.toLowerCase();
      if (/cash|налич|готів|เงินสด/.test(s)) return "cash";
      if (/crypto|usdt|bitcoin|крипт/.test(s)) return "crypto";
      if (/transfer|перевод|переказ|โอน/.test(s)) return "transfer";
      return "card";
    },
    make: (v) => ({
      content: `Prefers to pay by ${v}`,
      factType: "preference",
      category: "payment",
      importance: 0.7,
      confidence: 0.85,
      decayRate: 0.01,
    }),
  },
  {
    key: "experienceLevel",
    patterns: [
      /\b(i(?:'m| am)\s+(?:a\s+)?(?:total\s+|complete\s+)?(?:beginner|newbie|new to this)|first time (?:trying|smoking)|never (?:smoked|tried))/i,
      /\b(i(?:'m| am)\s+(?:an?\s+)?(?:experienced|heavy|regular|daily) (?:smoker|user)|i smoke (?:every day|daily)|i(?:'m| am) experienced)/i,
      /(я\s+новичок|впервые пробую|никогда не пробовал|я опытный|курю каждый день)/i,
      /(я\s+новачок|вперше пробую|ніколи не пробував|я досвідчений|курю щодня)/i,
      /(มือใหม่|ครั้งแรก|สูบทุกวัน)/,
    ],
    value: (c) =>
      /beginner|newbie|new to|first|never|новичок|впервые|никогда|новачок|вперше|ніколи|มือใหม่|ครั้งแรก/i.test(c)
        ? "beginner"
        : "experienced",
    make: (v) => ({
      content: `Experience level: ${v}`,
      factType: "behavior",
      category: "experience",
      importance: 0.7,
      confidence: 0.8,
      decayRate: 0.005,
    }),
  },
  {
    key: "name",
    patterns: [
      /\bmy\s+name\s+is\s+([A-Za-zÀ-ÿ'-]{2,30})/i,
      /\bcall\s+me\s+([A-Za-zÀ-ÿ'-]{2,30})/i,
      /меня\s+зовут\s+([А-Яа-яЁё'-]{2,30})/i,
      /мене\s+звати\s+([А-Яа-яІіЇїЄєҐґ'-]{2,30})/i,
      /(?:ฉัน|ผม)ชื่อ\s*([^\s.,;!?\n]{1,30})/,
    ],
    value: (c) => c.charAt(0).toUpperCase() + c.slice(1),
    make: (v) => ({
      content: `Name: ${v}`,
      factType: "behavior",
      category: "personal",
      importance: 0.7,
      confidence: 0.9,
      decayRate: 0,
    }),
  },
];

/** Facts a customer message states about the customer; [] for greetings and small talk. */
export function extractFactsByRules(text: string): FactCandidate[] {
  const out: FactCandidate[] = [];
  const seen = new Set<string>();
  for (const rule of RULES) {
    for (const re of rule.patterns) {
      const m = re.exec(text);
      if (!m?.[1]) continue;
      const captured = clause(m[1]);
      const value = rule.value ? rule.value(captured, text) : captured;
      if (!value || value.length < 2) continue;
      const fact = rule.make(value);
      if (seen.has(fact.content.toLowerCase())) break;
      seen.add(fact.content.toLowerCase());
      out.push({ ...fact, preference: { key: rule.key, value } });
      break;
    }
  }
  return out;
}
