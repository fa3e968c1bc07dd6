/**
 * The offline assistant's phrases in the four languages. Figures (prices, totals, order
 * numbers) are filled in from tool results only.
 */
import type { Language } from "../../services/settings.js";

type Phrase = Record<Language, string>;

export const EFFECT_LABELS: Record<string, Record<Exclude<Language, "en">, string>> = {
  relaxing: { ru: "расслабляющий", uk: "розслаблюючий", th: "ผ่อนคลาย" },
  sleepy: { ru: "для сна", uk: "для сну", th: "ช่วยให้หลับ" },
  energizing: { ru: "бодрящий", uk: "бадьорий", th: "เพิ่มพลัง" },
  creative: { ru: "творческий", uk: "творчий", th: "สร้างสรรค์" },
  focused: { ru: "фокус", uk: "фокус", th: "โฟกัส" },
  euphoric: { ru: "эйфория", uk: "ейфорія", th: "อารมณ์ดีสุดๆ" },
  happy: { ru: "радость", uk: "радість", th: "มีความสุข" },
  uplifting: { ru: "поднимает настроение", uk: "піднімає настрій", th: "อารมณ์ดี" },
  "pain relief": { ru: "от боли", uk: "від болю", th: "บรรเทาปวด" },
  hungry: { ru: "аппетит", uk: "апетит", th: "เจริญอาหาร" },
  calming: { ru: "успокаивающий", uk: "заспокійливий", th: "สงบ" },
};

export function effectLabel(effect: string, lang: Language): string {
  if (lang === "en") return effect;
  return EFFECT_LABELS[effect]?.[lang] ?? effect;
}

export const T = {
  recommendIntro: {
    en: "Here is what I'd suggest:",
    ru: "Вот что могу предложить:",
    uk: "Ось що можу запропонувати:",
    th: "แนะนำตัวเหล่านี้ค่ะ:",
  },
  recommendOutro: {
    en: "Want the details of one of them, or shall I put an order together?",
    ru: "Рассказать подробнее о каком-то из них или оформить заказ?",
    uk: "Розповісти детальніше про якийсь із них чи оформити замовлення?",
    th: "อยากทราบรายละเอียดตัวไหน หรือให้ช่วยสั่งเลยไหมคะ?",
  },
  from: { en: "from", ru: "от", uk: "від", th: "เริ่มต้น" },
  nothingFound: {
    en: "I couldn't find anything like that in our menu right now. Tell me the effect you want (relaxing, sleep, energy, creativity) and I'll pick something.",
    ru: "Сейчас в меню ничего такого не нашлось. Скажите, какой эффект вы ищете (расслабление, сон, энергия, творчество), и я подберу.",
    uk: "Зараз у меню нічого такого не знайшлося. Скажіть, який ефект шукаєте (розслаблення, сон, енергія, творчість), і я підберу.",
    th: "ตอนนี้ยังไม่พบสินค้าแบบนั้นในเมนูค่ะ บอกเอฟเฟกต์ที่ต้องการได้เลย (ผ่อนคลาย นอนหลับ เพิ่มพลัง สร้างสรรค์) แล้วจะช่วยเลือกให้ค่ะ",
  },
  help: {
    en: "I can recommend something by effect, tell you prices and stock, and take your order. Some favourites:",
    ru: "Я могу подобрать что-то по эффекту, подсказать цены и наличие и оформить заказ. Популярное у нас:",
    uk: "Я можу підібрати щось за ефектом, підказати ціни й наявність та оформити замовлення. Популярне в нас:",
    th: "ฉันช่วยแนะนำตามเอฟเฟกต์ บอกราคาและสต็อก และรับออเดอร์ได้ค่ะ ตัวยอดนิยม:",
  },
  notFoundNamed: {
    en: "I couldn't find “{q}” in our menu. Maybe one of these?",
    ru: "Не нашёл «{q}» в нашем меню. Может, что-то из этого?",
    uk: "Не знайшов «{q}» у нашому меню. Можливо, щось із цього?",
    th: "ไม่พบ “{q}” ในเมนูค่ะ ลองดูตัวเหล่านี้ไหมคะ?",
  },
  prices: { en: "Prices", ru: "Цены", uk: "Ціни", th: "ราคา" },
  minOrder: {
    en: "Minimum order: {n} {u}",
    ru: "Минимальный заказ: {n} {u}",
    uk: "Мінімальне замовлення: {n} {u}",
    th: "สั่งขั้นต่ำ: {n} {u}",
  },
  inStock: { en: "In stock.", ru: "Есть в наличии.", uk: "Є в наявності.", th: "มีสินค้าพร้อมส่งค่ะ" },
  outOfStock: {
    en: "Out of stock right now.",
    ru: "Сейчас нет в наличии.",
    uk: "Зараз немає в наявності.",
    th: "ตอนนี้สินค้าหมดค่ะ",
  },
  effects: { en: "Effects", ru: "Эффекты", uk: "Ефекти", th: "เอฟเฟกต์" },
  orderIt: {
    en: "Shall I add it to an order? Just tell me how much.",
    ru: "Оформить заказ? Просто напишите, сколько нужно.",
    uk: "Оформити замовлення? Просто напишіть, скільки потрібно.",
    th: "ต้องการสั่งไหมคะ? บอกจำนวนได้เลยค่ะ",
  },
  gotIt: {
    en: "Got it: {items}.",
    ru: "Записал: {items}.",
    uk: "Записав: {items}.",
    th: "รับทราบค่ะ: {items}",
  },
  askProduct: {
    en: "Which product would you like to order?",
    ru: "Какой продукт хотите заказать?",
    uk: "Який продукт бажаєте замовити?",
    th: "ต้องการสั่งสินค้าตัวไหนคะ?",
  },
  askQuantity: {
    en: "How much would you like? (grams for flower and hash)",
    ru: "Сколько вам нужно? (в граммах для шишек и гашиша)",
    uk: "Скільки вам потрібно? (у грамах для шишок і гашишу)",
    th: "ต้องการกี่กรัมคะ? (ดอกและแฮชนับเป็นกรัม)",
  },
  askPhone: {
    en: "What phone number can we reach you on?",
    ru: "Оставьте, пожалуйста, номер телефона для связи.",
    uk: "Залиште, будь ласка, номер телефону для зв'язку.",
    th: "ขอเบอร์โทรศัพท์สำหรับติดต่อด้วยค่ะ",
  },
  askAddress: {
    en: "Where should we deliver? (hotel and room, or street address)",
    ru: "Куда доставить? (отель и номер или адрес)",
    uk: "Куди доставити? (готель і номер або адреса)",
    th: "จัดส่งที่ไหนคะ? (ชื่อโรงแรมและเลขห้อง หรือที่อยู่)",
  },
  askPayment: {
    en: "How will you pay: cash, transfer or crypto?",
    ru: "Как будете оплачивать: наличные, перевод или крипта?",
    uk: "Як будете оплачувати: готівка, переказ чи крипта?",
    th: "ชำระเงินแบบไหนคะ: เงินสด โอน หรือคริปโต?",
  },
  belowMinimum: {
    en: "Sorry, the minimum order for {name} is {n} {u}. Could you take at least {n} {u}?",
    ru: "Извините, минимальный заказ {name} — {n} {u}. Возьмёте хотя бы {n} {u}?",
    uk: "Вибачте, мінімальне замовлення {name} — {n} {u}. Візьмете хоча б {n} {u}?",
    th: "ขออภัยค่ะ {name} สั่งขั้นต่ำ {n} {u} รับอย่างน้อย {n} {u} ได้ไหมคะ?",
  },
  problem: {
    en: "There is a problem with the order: {msg}.",
    ru: "С заказом есть проблема: {msg}.",
    uk: "Із замовленням є проблема: {msg}.",
    th: "ออเดอร์มีปัญหา: {msg}",
  },
  summaryTitle: { en: "Your order:", ru: "Ваш заказ:", uk: "Ваше замовлення:", th: "สรุปออเดอร์ของคุณ:" },
  delivery: { en: "Delivery", ru: "Доставка", uk: "Доставка", th: "ค่าจัดส่ง" },
  discount: { en: "Discount", ru: "Скидка", uk: "Знижка", th: "ส่วนลด" },
  total: { en: "Total", ru: "Итого", uk: "Разом", th: "รวมทั้งหมด" },
  phone: { en: "Phone", ru: "Телефон", uk: "Телефон", th: "โทร" },
  address: { en: "Address", ru: "Адрес", uk: "Адреса", th: "ที่อยู่" },
  payment: { en: "Payment", ru: "Оплата", uk: "Оплата", th: "ชำระเงิน" },
  confirm: {
    en: "Is everything correct? Reply “yes” to place the order.",
    ru: "Всё верно? Ответьте «да», и я оформлю заказ.",
    uk: "Все правильно? Відповідайте «так», і я оформлю замовлення.",
    th: "ถูกต้องไหมคะ? ตอบ “ใช่” เพื่อยืนยันออเดอร์ค่ะ",
  },
  created: {
    en: "Done! Your order {num} is placed, total {total}. Our team will contact you shortly to arrange delivery.",
    ru: "Готово! Заказ {num} оформлен, сумма {total}. Менеджер скоро свяжется с вами по доставке.",
    uk: "Готово! Замовлення {num} оформлено, сума {total}. Менеджер незабаром зв'яжеться з вами щодо доставки.",
    th: "เรียบร้อยค่ะ! ออเดอร์ {num} ยอดรวม {total} ทีมงานจะติดต่อกลับเพื่อจัดส่งเร็วๆ นี้ค่ะ",
  },
  notConfirmed: {
    en: "Please check the summary above and reply “yes” to confirm the order.",
    ru: "Проверьте, пожалуйста, сводку выше и ответьте «да» для подтверждения.",
    uk: "Перевірте, будь ласка, підсумок вище і відповідайте «так» для підтвердження.",
    th: "กรุณาตรวจสอบสรุปด้านบน แล้วตอบ “ใช่” เพื่อยืนยันค่ะ",
  },
  whatToChange: {
    en: "No problem — what would you like to change?",
    ru: "Без проблем — что хотите изменить?",
    uk: "Без проблем — що бажаєте змінити?",
    th: "ได้เลยค่ะ ต้องการเปลี่ยนอะไรคะ?",
  },
  humanOpen: {
    en: "I've passed your message to our staff. We're open now ({open}–{close}), so someone will reply here shortly.",
    ru: "Я передал ваше сообщение менеджеру. Мы сейчас работаем ({open}–{close}), вам скоро ответят здесь.",
    uk: "Я передав ваше повідомлення менеджеру. Ми зараз працюємо ({open}–{close}), вам незабаром дадуть відповідь тут.",
    th: "ส่งข้อความถึงพนักงานแล้วค่ะ ตอนนี้ร้านเปิดอยู่ ({open}–{close}) จะมีคนตอบกลับที่นี่เร็วๆ นี้ค่ะ",
  },
  humanClosed: {
    en: "I've passed your message to our staff. We're closed right now; they'll reply after we open at {open} (hours {open}–{close}). Meanwhile I can help with products and orders.",
    ru: "Я передал ваше сообщение менеджеру. Сейчас мы закрыты; вам ответят после открытия в {open} (часы работы {open}–{close}). А пока я могу помочь с выбором и заказом.",
    uk: "Я передав ваше повідомлення менеджеру. Зараз ми зачинені; вам дадуть відповідь після відкриття о {open} (години роботи {open}–{close}). А поки я можу допомогти з вибором і замовленням.",
    th: "ส่งข้อความถึงพนักงานแล้วค่ะ ตอนนี้ร้านปิดอยู่ พนักงานจะตอบหลังเปิดร้านเวลา {open} (เวลาทำการ {open}–{close}) ระหว่างนี้ฉันช่วยเรื่องสินค้าและออเดอร์ได้ค่ะ",
  },
  hours: {
    en: "We're open every day {open}–{close} ({tz}). {now}",
    ru: "Мы работаем ежедневно с {open} до {close} ({tz}). {now}",
    uk: "Ми працюємо щодня з {open} до {close} ({tz}). {now}",
    th: "ร้านเปิดทุกวัน {open}–{close} ({tz}) {now}",
  },
  openNow: { en: "We're open now.", ru: "Сейчас открыто.", uk: "Зараз відчинено.", th: "ตอนนี้เปิดอยู่ค่ะ" },
  closedNow: {
    en: "We're closed right now.",
    ru: "Сейчас закрыто.",
    uk: "Зараз зачинено.",
    th: "ตอนนี้ปิดอยู่ค่ะ",
  },
  whereWeAre: {
    en: "You'll find us at {address}. We also deliver.",
    ru: "Мы находимся по адресу: {address}. Также есть доставка.",
    uk: "Ми знаходимося за адресою: {address}. Також є доставка.",
    th: "ร้านอยู่ที่ {address} และมีบริการจัดส่งค่ะ",
  },
  deliveryInfo: {
    en: "We deliver for {fee}. Tell me what you'd like, your phone and address, and I'll arrange it. Minimum order: 20 g flower or 10 g hash.",
    ru: "Доставка стоит {fee}. Напишите, что хотите, телефон и адрес — я всё оформлю. Минимальный заказ: 20 г шишек или 10 г гашиша.",
    uk: "Доставка коштує {fee}. Напишіть, що бажаєте, телефон і адресу — я все оформлю. Мінімальне замовлення: 20 г шишок або 10 г гашишу.",
    th: "ค่าจัดส่ง {fee} บอกสินค้าที่ต้องการ เบอร์โทร และที่อยู่ได้เลยค่ะ สั่งขั้นต่ำ: ดอก 20 กรัม หรือแฮช 10 กรัม",
  },
  paymentInfo: {
    en: "You can pay in cash on delivery, by bank transfer or in crypto.",
    ru: "Оплатить можно наличными при получении, переводом или криптовалютой.",
    uk: "Оплатити можна готівкою при отриманні, переказом або криптовалютою.",
    th: "ชำระได้ทั้งเงินสดตอนรับของ โอนเงิน หรือคริปโตค่ะ",
  },
  thanks: {
    en: "Thank you so much for the kind words! I've shared them with the team. 🌿",
    ru: "Спасибо большое за тёплые слова! Передал их команде. 🌿",
    uk: "Щиро дякую за теплі слова! Передав їх команді. 🌿",
    th: "ขอบคุณมากค่ะ! ส่งต่อคำชมให้ทีมแล้วนะคะ 🌿",
  },
  blocked: {
    en: "Sorry, I can't take requests from this account. Please contact the shop directly.",
    ru: "Извините, я не могу принимать запросы с этого аккаунта. Пожалуйста, свяжитесь с магазином напрямую.",
    uk: "Вибачте, я не можу приймати запити з цього акаунта. Будь ласка, зв'яжіться з магазином напряму.",
    th: "ขออภัยค่ะ ไม่สามารถรับคำขอจากบัญชีนี้ได้ กรุณาติดต่อร้านโดยตรงค่ะ",
  },
  ordersTitle: {
    en: "Your recent orders:",
    ru: "Ваши последние заказы:",
    uk: "Ваші останні замовлення:",
    th: "ออเดอร์ล่าสุดของคุณ:",
  },
  orderTitle: {
    en: "Your order:",
    ru: "Ваш заказ:",
    uk: "Ваше замовлення:",
    th: "ออเดอร์ของคุณ:",
  },
  orderLine: {
    en: "{num} from {date} — {status}",
    ru: "{num} от {date} — {status}",
    uk: "{num} від {date} — {status}",
    th: "{num} วันที่ {date} — {status}",
  },
  orderUpdated: {
    en: "last update {at}",
    ru: "обновлён {at}",
    uk: "оновлено {at}",
    th: "อัปเดตล่าสุด {at}",
  },
  orderExpected: {
    en: "expected delivery {at}",
    ru: "ожидаемая доставка {at}",
    uk: "очікувана доставка {at}",
    th: "คาดว่าจะจัดส่ง {at}",
  },
  orderNote: { en: "note", ru: "комментарий", uk: "коментар", th: "หมายเหตุ" },
  ordersMore: {
    en: "That's the latest {shown} of your {count} orders.",
    ru: "Это последние {shown} из {count} ваших заказов.",
    uk: "Це останні {shown} з {count} ваших замовлень.",
    th: "นี่คือ {shown} ออเดอร์ล่าสุดจากทั้งหมด {count} ออเดอร์ของคุณค่ะ",
  },
  noOrders: {
    en: "You don't have any orders with us yet. Tell me what you'd like and I'll put one together.",
    ru: "У вас пока нет заказов. Напишите, что хотите, — я всё оформлю.",
    uk: "У вас поки немає замовлень. Напишіть, що бажаєте, — я все оформлю.",
    th: "คุณยังไม่มีออเดอร์กับเราค่ะ บอกสิ่งที่ต้องการได้เลย เดี๋ยวช่วยสั่งให้ค่ะ",
  },
  orderNotFound: {
    en: "I couldn't find order {num} among your orders. Please check the number.",
    ru: "Не нашёл заказ {num} среди ваших заказов. Проверьте, пожалуйста, номер.",
    uk: "Не знайшов замовлення {num} серед ваших замовлень. Перевірте, будь ласка, номер.",
    th: "ไม่พบออเดอร์ {num} ในรายการออเดอร์ของคุณค่ะ กรุณาตรวจสอบหมายเลขอีกครั้งค่ะ",
  },
  unknownOrderFields: {
    en: "I didn't catch that. {ask}",
    ru: "Не совсем понял. {ask}",
    uk: "Не зовсім зрозумів. {ask}",
    th: "ขออภัยค่ะ ไม่แน่ใจ {ask}",
  },
} satisfies Record<string, Phrase>;

export const KNOWLEDGE: Record<string, Phrase> = {
  indica: {
    en: "Indica strains are usually body-heavy and calming: good for evenings, relaxation and sleep.",
    ru: "Индика обычно даёт расслабление в теле и спокойствие: подходит для вечера, отдыха и сна.",
    uk: "Індика зазвичай дає розслаблення в тілі та спокій: підходить для вечора, відпочинку і сну.",
    th: "อินดิกามักให้ความรู้สึกผ่อนคลายทั้งร่างกาย เหมาะกับช่วงเย็น การพักผ่อน และการนอนหลับค่ะ",
  },
  sativa: {
    en: "Sativa strains are usually uplifting and energizing: good for daytime, creativity and socializing.",
    ru: "Сатива обычно бодрит и поднимает настроение: подходит для дня, творчества и общения.",
    uk: "Сатива зазвичай бадьорить і піднімає настрій: підходить для дня, творчості та спілкування.",
    th: "ซาติวามักให้ความสดชื่นและพลัง เหมาะกับช่วงกลางวัน งานสร้างสรรค์ และการเข้าสังคมค่ะ",
  },
  hybrid: {
    en: "Hybrids cross indica and sativa, so they balance body calm with a clear, happy head.",
    ru: "Гибриды — помесь индики и сативы: баланс расслабления тела и ясной, весёлой головы.",
    uk: "Гібриди — поєднання індики й сативи: баланс розслаблення тіла та ясної, веселої голови.",
    th: "ไฮบริดคือการผสมระหว่างอินดิกาและซาติวา ให้ความผ่อนคลายและอารมณ์ดีอย่างสมดุลค่ะ",
  },
  thc: {
    en: "THC is the main psychoactive compound; the percentage shows a strain's strength.",
    ru: "THC (ТГК) — основное психоактивное вещество; процент показывает крепость сорта.",
    uk: "THC — основна психоактивна речовина; відсоток показує міцність сорту.",
    th: "THC คือสารออกฤทธิ์หลัก เปอร์เซ็นต์บอกความแรงของสายพันธุ์ค่ะ",
  },
  cbg: {
    en: "CBG is a non-intoxicating cannabinoid often linked with calm focus.",
    ru: "CBG — непсихоактивный каннабиноид, его связывают со спокойной сосредоточенностью.",
    uk: "CBG — непсихоактивний канабіноїд, його пов'язують зі спокійною зосередженістю.",
    th: "CBG เป็นแคนนาบินอยด์ที่ไม่ทำให้มึนเมา มักช่วยให้สงบและมีสมาธิค่ะ",
  },
};

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ""));
}

export const UNIT_LABEL: Record<Language, { g: string; pcs: string }> = {
  en: { g: "g", pcs: "pcs" },
  ru: { g: "г", pcs: "шт" },
  uk: { g: "г", pcs: "шт" },
  th: { g: "กรัม", pcs: "ชิ้น" },
};

/** An order's status (the server's) as the customer reads it. */
export const ORDER_STATUS_LABEL: Record<Language, Record<string, string>> = {
  en: {
    pending: "received, waiting for confirmation",
    confirmed: "confirmed",
    preparing: "being prepared",
    delivering: "on its way to you",
    completed: "delivered",
    cancelled: "cancelled",
  },
  ru: {
    pending: "принят, ждёт подтверждения",
    confirmed: "подтверждён",
    preparing: "собирается",
    delivering: "в пути к вам",
    completed: "доставлен",
    cancelled: "отменён",
  },
  uk: {
    pending: "прийнято, чекає на підтвердження",
    confirmed: "підтверджено",
    preparing: "збирається",
    delivering: "в дорозі до вас",
    completed: "доставлено",
    cancelled: "скасовано",
  },
  th: {
    pending: "ได้รับแล้ว รอยืนยัน",
    confirmed: "ยืนยันแล้ว",
    preparing: "กำลังจัดเตรียม",
    delivering: "กำลังจัดส่งถึงคุณ",
    completed: "จัดส่งแล้ว",
    cancelled: "ยกเลิกแล้ว",
  },
};

export const PAYMENT_LABEL: Record<Language, Record<string, string>> = {
  en: { cash: "cash", transfer: "bank transfer", crypto: "crypto" },
  ru: { cash: "наличные", transfer: "перевод", crypto: "криптовалюта" },
  uk: { cash: "готівка", transfer: "переказ", crypto: "криптовалюта" },
  th: { cash: "เงินสด", transfer: "โอนเงิน", crypto: "คริปโต" },
};
