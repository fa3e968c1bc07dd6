/**
 * What customers say, in the four languages, mapped to catalog terms and intents. Stems, not
 * whole words, so "расслабиться", "расслабления" and "relaxing" all land on `relaxing`.
 * Shared by the catalog search tool (any model) and the offline assistant.
 */
/** A table of stems per key; frozen, like every list here, so matchers can be built once. */
export type StemTable<K extends string = string> = Readonly<Record<K, readonly string[]>>;

function frozenTable<K extends string>(table: Record<K, string[]>): StemTable<K> {
  for (const stems of Object.values<string[]>(table)) Object.freeze(stems);
  return Object.freeze(table);
}

export const EFFECT_WORDS = frozenTable<string>({
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
});

export const CATEGORY_WORDS = frozenTable<string>({
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
});

export const TYPE_WORDS = frozenTable<string>({
  indica: ["indica", "индик", "індик", "อินดิกา"],
  sativa: ["sativa", "сатив", "сатів", "ซาติวา"],
  hybrid: ["hybrid", "гибрид", "гібрид", "ไฮบริด"],
});

export const PAYMENT_WORDS = frozenTable<"cash" | "transfer" | "crypto">({
  cash: ["cash", "налич", "нал", "кэш", "кеш", "готівк", "เงินสด", "สด"],
  transfer: ["transfer", "bank", "card", "перевод", "карт", "банк", "переказ", "โอน"],
  crypto: ["crypto", "usdt", "bitcoin", "btc", "eth", "крипт", "คริปโต"],
});

/** Words that make a message a question about a product's price. */
export const PRICE_WORDS: readonly string[] = Object.freeze([
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
]);
export const STOCK_WORDS: readonly string[] = Object.freeze([
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
]);
export const RECOMMEND_WORDS: readonly string[] = Object.freeze([
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
]);
export const ORDER_WORDS: readonly string[] = Object.freeze([
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
]);
export const CONFIRM_WORDS: readonly string[] = Object.freeze([
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
]);
export const DECLINE_WORDS: readonly string[] = Object.freeze([
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
]);
export const HUMAN_WORDS: readonly string[] = Object.freeze([
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
]);
export const HOURS_WORDS: readonly string[] = Object.freeze([
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
]);
export const ADDRESS_WORDS: readonly string[] = Object.freeze([
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
]);
export const DELIVERY_WORDS: readonly string[] = Object.freeze([
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
]);
export const PAYMENT_QUESTION_WORDS: readonly string[] = Object.freeze([
  "pay",
  "payment",
  "оплат",
  "платить",
  "сплат",
  "платити",
  "จ่าย",
  "ชำระ",
]);
export const THANKS_WORDS: readonly string[] = Object.freeze([
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
]);
export const GREETING_WORDS: readonly string[] = Object.freeze([
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
]);
/**
 * Asking about orders the customer already placed ("where is my order?", "статус заказа"), as
 * opposed to placing one ("I want to order…"). Read together by `orderStatusKind` in intent.ts.
 */
export const ORDER_STATUS_WORDS = Object.freeze({
  /** "order" in English is also the verb: only with `explicit` words does it make a question. */
  noun: Object.freeze(["order"]),
  /** Enough on their own: the customer's orders as a list. */
  list: Object.freeze([
    "order history",
    "my orders",
    "история заказ",
    "мои заказы",
    "історія замовлен",
    "мої замовлення",
    "ประวัติการสั่ง",
    "ประวัติออเดอร์",
  ]),
  /** Enough with any mention of an order: "order status", "track my order", "статус заказа". */
  explicit: Object.freeze(["status", "track", "статус", "отслед", "відстеж", "สถานะ", "ติดตาม"]),
  /** An order of the customer's own: "my order", "моего заказа", "ออเดอร์ของฉัน". */
  own: Object.freeze([
    "my order",
    "my last order",
    "my previous order",
    "my recent order",
    "our order",
    "my delivery",
    "my package",
    "my parcel",
    "мой заказ",
    "моего заказ",
    "моему заказ",
    "моим заказ",
    "моем заказ",
    "мои заказ",
    "моих заказ",
    "наш заказ",
    "нашего заказ",
    "моє замовлен",
    "мого замовлен",
    "моєму замовлен",
    "моїм замовлен",
    "мої замовлен",
    "моїх замовлен",
    "наше замовлен",
    "ออเดอร์ของฉัน",
    "ออเดอร์ของผม",
    "ออเดอร์ของหนู",
    "ออเดอร์ฉัน",
    "ออเดอร์ผม",
    "คำสั่งซื้อของฉัน",
    "คำสั่งซื้อของผม",
    "ที่ฉันสั่ง",
    "ที่ผมสั่ง",
    "ที่สั่งไป",
  ]),
  /** An order already placed, not necessarily named as one's own: "the order", "заказ", "я заказал". */
  placed: Object.freeze([
    "the order",
    "ordered",
    "i placed",
    "order number",
    "заказ",
    "оформил",
    "замовлен",
    "замовив",
    "замовила",
    "оформив",
    "оформила",
    "ออเดอร์",
    "คำสั่งซื้อ",
    "ที่สั่ง",
    "สั่งไปแล้ว",
    "สั่งแล้ว",
  ]),
  /** Where it is, when it comes, what happened to it. */
  whereWhen: Object.freeze([
    "where",
    "when will",
    "when is",
    "when does",
    "when do i get",
    "when can i expect",
    "how long",
    "eta",
    "arriv",
    "on the way",
    "on its way",
    "shipped",
    "dispatched",
    "still",
    "yet",
    "what happened",
    "any news",
    "any update",
    "update on",
    "где",
    "когда привез",
    "когда доставят",
    "когда будет",
    "когда приед",
    "когда прид",
    "скоро",
    "долго",
    "сколько ждать",
    "еще не",
    "до сих пор",
    "что с ",
    "в пути",
    "де",
    "коли привез",
    "коли доставлять",
    "коли доставите",
    "коли буде",
    "коли приїд",
    "коли прийде",
    "довго",
    "скільки чекати",
    "ще не",
    "досі",
    "що з ",
    "в дорозі",
    "ถึงไหน",
    "อยู่ไหน",
    "ที่ไหน",
    "เมื่อไหร่",
    "เมื่อไร",
    "นานไหม",
    "นานแค่ไหน",
    "ยังไม่",
    "มาถึง",
    "จะมา",
    "หรือยัง",
  ]),
  /** Placing, changing or cancelling an order: never a status question (without "status" or a number). */
  ordering: Object.freeze([
    "to order",
    "i order ",
    "we order ",
    "can i order",
    "could i order",
    "order now",
    "order some",
    "place an order",
    "place order",
    "place the order",
    "place my order",
    "make an order",
    "make order",
    "new order",
    "another order",
    "buy",
    "purchase",
    "repeat",
    "reorder",
    "add ",
    "change",
    "cancel",
    "remove",
    "заказать",
    "заказыва",
    "закажу",
    "закажи",
    "закажем",
    "хочу заказ",
    "сделать заказ",
    "оформить",
    "оформите",
    "оформлю",
    "оформляй",
    "купить",
    "куплю",
    "возьму",
    "новый заказ",
    "еще заказ",
    "повтор",
    "добав",
    "измен",
    "поменя",
    "отмен",
    "убер",
    "замовити",
    "замовлю",
    "замовляти",
    "замовляю",
    "хочу замов",
    "зробити замовлен",
    "оформити",
    "оформіть",
    "купити",
    "візьму",
    "нове замовлен",
    "ще замовлен",
    "додат",
    "додай",
    "змін",
    "скасу",
    "прибер",
    "อยากสั่ง",
    "ขอสั่ง",
    "จะสั่ง",
    "สั่งเพิ่ม",
    "สั่งซ้ำ",
    "สั่งใหม่",
    "สั่งได้",
    "สั่งออเดอร์",
    "สั่งยังไง",
    "อยากได้",
    "ซื้อ",
    "ยกเลิก",
    "เปลี่ยน",
    "เพิ่ม",
  ]),
});

export const KNOWLEDGE_WORDS = frozenTable<string>({
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
});

const NORMALIZED_MAX = 512;
const NORMALIZED_MAX_CHARS = 1000;
/** Recent inputs (a turn normalizes its message many times: intents, fields, search, the brain). */
const normalized = new Map<string, string>();

/** Lower-case, trimmed, single spaces: what every matcher compares. */
export function normalizeText(s: string): string {
  let out = normalized.get(s);
  if (out === undefined) {
    out = s.toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ").trim();
    if (s.length <= NORMALIZED_MAX_CHARS) {
      if (normalized.size >= NORMALIZED_MAX) normalized.clear();
      normalized.set(s, out);
    }
  }
  return out;
}

/** Whether a stem has a Thai character (Thai stems match anywhere). */
function isThai(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) {
    const c = stem.charCodeAt(i);
    if (c >= 0x0e00 && c <= 0x0e7f) return true;
  }
  return false;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Per UTF-16 code unit outside ASCII: 0 not known yet, 1 a letter or digit, 2 not. */
const wordUnits = new Uint8Array(0x10000);

/** Whether one UTF-16 code unit is a letter or a digit (what `/[\p{L}\p{N}]/u` says of it alone). */
function isWordUnit(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
  let k = wordUnits[c]!;
  if (k === 0) {
    k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    wordUnits[c] = k;
  }
  return k === 1;
}

/**
 * Whether `text` contains `stem` at a word start. Thai has no spaces between words, so Thai
 * stems match anywhere; short Latin/Cyrillic stems (≤ 3) must be whole words.
 */
export function hasStem(text: string, stem: string): boolean {
  if (isThai(stem)) return text.includes(stem);
  const wholeWord = !(stem.length > 3 || stem.endsWith(" "));
  let from = 0;
  for (;;) {
    const i = text.indexOf(stem, from);
    if (i < 0) return false;
    const startOk = i === 0 || !isWordUnit(text.charCodeAt(i - 1));
    const end = i + stem.length;
    const endOk = !wholeWord || end >= text.length || !isWordUnit(text.charCodeAt(end));
    if (startOk && endOk) return true;
    from = i + 1;
  }
}

interface StemEntry {
  stem: string;
  /** A short stem (≤ 3, not ending in a space) must also end a word. */
  wholeWord: boolean;
  /** Its key's index in a table (0 in a list). */
  key: number;
}

/** A frozen stem list or table made ready for one pass over a text. */
interface Matcher {
  /** Latin/Cyrillic stems by their first UTF-16 unit: tried only where a word starts. */
  byFirst: Map<number, StemEntry[]>;
  /** Thai stems: matched anywhere, and only in a text with Thai in it. */
  thai: StemEntry[];
  keys: string[];
}

/** null: not frozen (it could change) or has an empty stem — matched stem by stem instead. */
const matchers = new WeakMap<object, Matcher | null>();

function buildMatcher(keys: string[], groups: ReadonlyArray<readonly string[]>): Matcher | null {
  const byFirst = new Map<number, StemEntry[]>();
  const thai: StemEntry[] = [];
  for (let key = 0; key < groups.length; key++) {
    for (const stem of groups[key]!) {
      if (stem === "") return null;
      const entry = { stem, wholeWord: !(stem.length > 3 || stem.endsWith(" ")), key };
      if (isThai(stem)) thai.push(entry);
      else {
        const first = stem.charCodeAt(0);
        const list = byFirst.get(first);
        if (list) list.push(entry);
        else byFirst.set(first, [entry]);
      }
    }
  }
  return { byFirst, thai, keys };
}

function listMatcher(stems: readonly string[]): Matcher | null {
  let m = matchers.get(stems);
  if (m === undefined) {
    m = Object.isFrozen(stems) ? buildMatcher([""], [stems]) : null;
    matchers.set(stems, m);
  }
  return m;
}

function tableMatcher(table: StemTable): Matcher | null {
  let m = matchers.get(table);
  if (m === undefined) {
    const keys = Object.keys(table);
    const groups = keys.map((k) => table[k]!);
    m = Object.isFrozen(table) && groups.every((g) => Object.isFrozen(g)) ? buildMatcher(keys, groups) : null;
    matchers.set(table, m);
  }
  return m;
}

/** Where words start in the text last looked at, and whether it has Thai (a turn asks many lists). */
let scannedText: string | undefined;
let wordStarts: number[] = [];
let scannedThai = false;

function scan(text: string): void {
  if (text === scannedText) return;
  const starts: number[] = [];
  let thai = false;
  let prevWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!prevWord) starts.push(i);
    if (c >= 0x0e00 && c <= 0x0e7f) thai = true;
    prevWord = isWordUnit(c);
  }
  scannedText = text;
  wordStarts = starts;
  scannedThai = thai;
}

/**
 * Marks in `found` the keys with a stem in the text, or without `found` says whether any stem is
 * there (stopping at the first): what hasStem says of each stem, in one pass over the word starts.
 */
function findStems(text: string, m: Matcher, found: boolean[] | null): boolean {
  scan(text);
  let hit = false;
  if (scannedThai) {
    for (const e of m.thai) {
      if (!found?.[e.key] && text.includes(e.stem)) {
        if (found === null) return true;
        found[e.key] = hit = true;
      }
    }
  }
  for (const i of wordStarts) {
    const entries = m.byFirst.get(text.charCodeAt(i));
    if (entries === undefined) continue;
    for (const e of entries) {
      if (found?.[e.key]) continue;
      if (!text.startsWith(e.stem, i)) continue;
      const end = i + e.stem.length;
      if (e.wholeWord && end < text.length && isWordUnit(text.charCodeAt(end))) continue;
      if (found === null) return true;
      found[e.key] = hit = true;
    }
  }
  return hit;
}

export function hasAny(text: string, stems: readonly string[]): boolean {
  const m = listMatcher(stems);
  if (m) return findStems(text, m, null);
  for (const s of stems) if (hasStem(text, s)) return true;
  return false;
}

/** Keys of a table whose stems occur in the text, in table order. */
export function matchKeys<K extends string>(text: string, table: StemTable<K>): K[] {
  const out: K[] = [];
  const m = tableMatcher(table);
  if (m) {
    const found = new Array<boolean>(m.keys.length).fill(false);
    if (findStems(text, m, found))
      for (let k = 0; k < found.length; k++) if (found[k]) out.push(m.keys[k] as K);
    return out;
  }
  for (const k of Object.keys(table) as K[]) if (hasAny(text, table[k])) out.push(k);
  return out;
}
