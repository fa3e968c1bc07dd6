/**
 * NUL characters (U+0000) out of a Telegram update. PostgreSQL `text` and `jsonb` cannot store
 * them, and a Telegram message is not validated like an API body: a customer's NUL would fail the
 * queued job (its payload is jsonb) or the message insert, and Telegram would redeliver the
 * update for nothing. Every string loses its NULs; the formatting entities of a text or caption
 * (offsets in UTF-16 code units, like JS string indices) are moved to match.
 */
import type { Update } from "grammy/types";

const NUL = "\u0000";

type Entity = { offset: number; length: number };

function isEntity(v: unknown): v is Entity {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Entity).offset === "number" &&
    typeof (v as Entity).length === "number"
  );
}

/** The entities of `text` (which holds NULs) re-measured for the text without them. */
function shiftEntities(text: string, entities: unknown[]): unknown[] {
  const before: number[] = [0];
  for (let i = 0, n = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0) n++;
    before.push(n);
  }
  const at = (i: number) => i - (before[Math.min(Math.max(i, 0), text.length)] ?? 0);
  const out: unknown[] = [];
  for (const e of entities) {
    if (!isEntity(e)) {
      out.push(e);
      continue;
    }
    const start = at(e.offset);
    const length = at(e.offset + e.length) - start;
    if (length > 0) out.push({ ...e, offset: start, length });
  }
  return out;
}

/** Where a string field's entities live: text → entities, caption → caption_entities, … */
function entitiesKey(key: string): string[] {
  return key === "text" ? ["entities", "text_entities"] : [`${key}_entities`];
}

function clean(value: unknown): unknown {
  if (typeof value === "string") return value.includes(NUL) ? value.replaceAll(NUL, "") : value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const c = clean(v);
      if (c !== v) changed = true;
      return c;
    });
    return changed ? out : value;
  }
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(obj)) {
    const key = k.includes(NUL) ? k.replaceAll(NUL, "") : k;
    const c = clean(v);
    if (c === v && key === k) continue;
    out ??= { ...obj };
    if (key !== k) delete out[k];
    out[key] = c;
  }
  if (!out) return value;
  // Entities are measured on the original text: shift them by the NULs that went.
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== "string" || !v.includes(NUL)) continue;
    for (const ek of entitiesKey(k)) {
      const entities = out[ek];
      if (Array.isArray(entities)) out[ek] = shiftEntities(v, entities);
    }
  }
  return out;
}

/** The update without NUL characters (the same object when it had none). */
export function withoutNul(update: Update): Update {
  return clean(update) as Update;
}
