/**
 * What customers say, in the four languages, mapped to catalog terms and intents. Stems, not
 * whole words, so "расслабиться", "расслабления" and "relaxing" all land on `relaxing`.
 * Shared by the catalog search tool (any model) and the offline assistant.
 */
export const EFFECT_WORDS: Record<string, string[]> = {
  relaxing: [
    "relax",
    "calm",
    "chill",
    "unwind",
    "stress",
    "anxi",
    "расслаб",
    "спокой",
    "релакс",
    "розслаб",
    "спокі",
    "спокій",
    "ผ่อนคลาย",
    "สบาย",
    "คลายเครียด",
  ],
  sleepy: [
    "sleep",
    "insomnia",
    "bedtime",
    "сон",
    "сна",
    "спать",
    "засн",
    "усн",
    "бессонн",
    "сну",
    "спати",
    "заснут",
    "безсонн",
    "นอน",
    "หลับ",
  ],
  energizing: [
    "energ",
    "active",
    "wake",
    "boost",
    "бодр",
    "энерг",
    "заряд",
    "енерг",
    "бадьор",
    "พลัง",
    "กระปรี้กระเปร่า",
    "สดชื่น",
  ],
  creative: ["creativ", "inspir", "art", "креатив", "творч", "вдохнов", "натхн", "สร้างสรรค์"],
  focused: [
    "focus",
    "concentrat",
    "study",
    "productiv",
    "фокус",
    "концентр",
    "сосредоточ",
    "зосередж",
    "продуктив",
    "โฟกัส",
    "สมาธิ",
  ],
  euphoric: ["euphor", "эйфор", "ейфор", "ฟิน"],
  happy: [
    "happy",
    "fun",
    "laugh",
    "party",
    "весел",
    "радост",
    "смех",
    "радіс",
    "сміх",
    "вечірк",
    "вечеринк",
    "มีความสุข",
    "สนุก",
  ],
  uplifting: ["uplift", "mood", "настроен", "настрій", "อารมณ์ดี"],
  "pain relief": ["pain", "ache", "боль", "біль", "болит", "болить", "ปวด"],
  hungry: ["appetite", "hungry", "munch", "аппетит", "апетит", "голод", "หิว"],
  calming: ["calming", "успока", "заспок"],
};

export const CATEGORY_WORDS: Record<string, string[]> = {
  flower: [
    "flower",
    "bud",
    "weed",
    "strain",
    "шишк",
    "цвет",
    "бошк",
    "сорт",
    "трав",
    "квіт",
    "ดอก",
    "สายพันธุ์",
  ],
  hash: ["hash", "charas", "гашиш", "гашик", "гаш", "хэш", "хеш", "чарас", "แฮช", "ชาราส"],
  edibles: [
    "edible",
    "gumm",
    "candy",
    "мармелад",
    "жеват",
    "съедоб",
    "їстівн",
    "цукерк",
    "конфет",
    "ขนม",
    "กัมมี่",
  ],
  "pre-rolls": ["pre-roll", "preroll", "joint", "косяк", "джоинт", "джойнт", "самокрут", "โรล"],
  accessories: ["pipe", "accessor", "трубк", "люльк", "аксессуар", "аксесуар", "ไปป์", "อุปกรณ์"],
  merch: ["shirt", "tee", "hoodie", "merch", "футболк", "худи", "толстовк", "худі", "мерч", "เสื้อ"],
};

export const TYPE_WORDS: Record<string, string[]> = {
  indica: ["indica", "индик", "індик", "อินดิกา"],
  sativa: ["sativa", "сатив", "сатів", "ซาติวา"],
  hybrid: ["hybrid", "гибрид", "гібрид", "ไฮบริด"],
};

export const PAYMENT_WORDS: Record<"cash" | "transfer" | "crypto", string[]> = {
  cash: ["cash", "налич", "нал", "кэш", "кеш", "готівк", "เงินสด", "สด"],
  transfer: ["transfer", "bank", "card", "перевод", "карт", "банк", "переказ", "โอน"],
  crypto: ["crypto", "usdt", "bitcoin", "btc", "eth", "крипт", "คริปโต"],
};

/** Words that make a message a question about a product's price. */
export const PRICE_WORDS = [
  "price",
  "cost",
  "how much",
  "сколько",
  "цена",
  "цен",
  "стоит",
  "стоимост",
  "скільки",
  "ціна",
  "ціни",
  "коштує",
  "ราคา",
  "เท่าไหร่",
  "เท่าไร",
];
export const STOCK_WORDS = [
  "in stock",
  "available",
  "have you got",
  "what do you have",
  "menu",
  "наличи",
  "что есть",
  "что у вас",
  "асортимент",
  "ассортимент",
  "є в наявності",
  "що є",
  "що у вас",
  "наявн",
  "меню",
  "มีอะไร",
  "มีของ",
  "เมนู",
];
export const RECOMMEND_WORDS = [
  "recommend",
  "suggest",
  "advise",
  "something for",
  "looking for",
  "what should",
  "best",
  "посоветуй",
  "посоветуйте",
  "порекоменд",
  "подскажи",
  "подскажите",
  "что-то для",
  "что нибудь",
  "что-нибудь",
  "порадь",
  "порадьте",
  "підкаж",
  "щось для",
  "แนะนำ",
  "อยากได้อะไร",
];
export const ORDER_WORDS = [
  "order",
  "buy",
  "i want",
  "i'd like",
  "i would like",
  "purchase",
  "take ",
  "заказ",
  "купить",
  "куплю",
  "хочу",
  "возьму",
  "оформ",
  "замов",
  "придбати",
  "купити",
  "візьму",
  "สั่ง",
  "ซื้อ",
  "อยากได้",
  "เอา",
];
export const CONFIRM_WORDS = [
  "yes",
  "yep",
  "yeah",
  "confirm",
  "correct",
  "ok",
  "okay",
  "sure",
  "go ahead",
  "right",
  "да",
  "ага",
  "подтверждаю",
  "подтвердить",
  "верно",
  "все верно",
  "всё верно",
  "оформляй",
  "давай",
  "так",
  "підтверджую",
  "вірно",
  "все вірно",
  "ใช่",
  "ยืนยัน",
  "ตกลง",
  "โอเค",
  "ได้เลย",
  "ถูกต้อง",
];
export const DECLINE_WORDS = [
  "no",
  "nope",
  "cancel",
  "wait",
  "change",
  "нет",
  "не надо",
  "отмен",
  "стоп",
  "измен",
  "ні",
  "скасу",
  "змін",
  "ไม่",
  "ยกเลิก",
  "เปลี่ยน",
];
export const HUMAN_WORDS = [
  "human",
  "manager",
  "operator",
  "real person",
  "staff",
  "speak to someone",
  "talk to someone",
  "tell the",
  "менеджер",
  "оператор",
  "человек",
  "живой",
  "передайте",
  "передай",
  "людин",
  "живою",
  "พนักงาน",
  "แอดมิน",
  "คนจริง",
  "ผู้จัดการ",
];
export const HOURS_WORDS = [
  "hours",
  "open",
  "close",
  "when are you",
  "working time",
  "часы",
  "работаете",
  "открыт",
  "закрыва",
  "график",
  "години",
  "працюєте",
  "відкрит",
  "зачиня",
  "เปิด",
  "ปิด",
  "กี่โมง",
  "เวลาทำการ",
];
export const ADDRESS_WORDS = [
  "where are you",
  "your address",
  "location",
  "located",
  "где вы",
  "ваш адрес",
  "где находит",
  "де ви",
  "ваша адреса",
  "де знаход",
  "อยู่ที่ไหน",
  "ร้านอยู่",
];
export const DELIVERY_WORDS = [
  "delivery",
  "deliver",
  "shipping",
  "доставк",
  "доставля",
  "доставит",
  "доставля",
  "ส่ง",
  "จัดส่ง",
  "เดลิเวอรี่",
];
export const PAYMENT_QUESTION_WORDS = [
  "pay",
  "payment",
  "оплат",
  "платить",
  "сплат",
  "платити",
  "จ่าย",
  "ชำระ",
];
export const THANKS_WORDS = [
  "thank",
  "thanks",
  "thx",
  "great service",
  "love it",
  "awesome",
  "review",
  "спасибо",
  "благодар",
  "отлично",
  "супер",
  "отзыв",
  "дякую",
  "чудово",
  "відгук",
  "ขอบคุณ",
  "ดีมาก",
  "รีวิว",
];
export const GREETING_WORDS = [
  "hi",
  "hello",
  "hey",
  "good morning",
  "good evening",
  "привет",
  "здравствуй",
  "добрый",
  "доброе",
  "хай",
  "привіт",
  "вітаю",
  "добрий",
  "доброго",
  "สวัสดี",
  "หวัดดี",
];
export const KNOWLEDGE_WORDS: Record<string, string[]> = {
  indica: [
    "what is indica",
    "what's indica",
    "indica vs",
    "что такое индика",
    "чем индика",
    "що таке індика",
    "อินดิกาคืออะไร",
    "อินดิกา คือ",
  ],
  sativa: [
    "what is sativa",
    "what's sativa",
    "sativa vs",
    "что такое сатива",
    "чем сатива",
    "що таке сатива",
    "ซาติวาคืออะไร",
    "ซาติวา คือ",
  ],
  hybrid: ["what is a hybrid", "what is hybrid", "что такое гибрид", "що таке гібрид", "ไฮบริดคืออะไร"],
  thc: ["what is thc", "что такое thc", "что такое тгк", "що таке thc", "thc คือ"],
  cbg: ["what is cbg", "что такое cbg", "що таке cbg", "cbg คือ"],
};

/** Lower-case, trimmed, single spaces: what every matcher compares. */
export function normalizeText(s: string): string {
  return s.toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ").trim();
}

/**
 * Whether `text` contains `stem` at a word start. Thai has no spaces between words, so Thai
 * stems match anywhere; short Latin/Cyrillic stems (≤ 3) must be whole words.
 */
export function hasStem(text: string, stem: string): boolean {
  if (/[\u0e00-\u0e7f]/.test(stem)) return text.includes(stem);
  let from = 0;
  for (;;) {
    const i = text.indexOf(stem, from);
    if (i < 0) return false;
    const before = i === 0 ? "" : text[i - 1]!;
    const after = text[i + stem.length] ?? "";
    const startOk = before === "" || !/[\p{L}\p{N}]/u.test(before);
    const endOk = stem.length > 3 || stem.endsWith(" ") || after === "" || !/[\p{L}\p{N}]/u.test(after);
    if (startOk && endOk) return true;
    from = i + 1;
  }
}

export function hasAny(text: string, stems: readonly string[]): boolean {
  for (const s of stems) if (hasStem(text, s)) return true;
  return false;
}

/** Keys of a table whose stems occur in the text, in table order. */
export function matchKeys(text: string, table: Record<string, string[]>): string[] {
  return Object.keys(table).filter((k) => hasAny(text, table[k]!));
}
