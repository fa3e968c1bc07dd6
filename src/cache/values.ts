/**
 * Cached values are JSON and frozen, in every tier: a Date comes back as an ISO string from L1
 * exactly as it would from Redis, and a caller that mutates a cached object gets a TypeError
 * instead of silently changing what every other request reads.
 */
export interface Encoded {
  json: string;
  value: unknown;
}

/** The JSON of array elements this module froze, so a list re-cached with one item more only encodes that item. */
const elementJson = new WeakMap<object, string>();

/**
 * `owned`: the caller hands the value over and keeps no reference it will change. Then a value
 * that is JSON-shaped already (isJsonShaped) is frozen in place instead of copied through
 * JSON.parse; any other value is copied as usual. Either way the result is what JSON would give.
 */
export function encodeValue(value: unknown, owned = false): Encoded {
  if (Array.isArray(value)) return encodeArray(value, true, owned);
  const json = JSON.stringify(value);
  return {
    json,
    value: markShaped(owned && isJsonShaped(value) ? deepFreeze(value) : deepFreeze(JSON.parse(json))),
  };
}

/**
 * The value encodeValue gives, for a value kept only in this process (not written to Redis): a
 * list's whole JSON text, which only Redis needs, is not built (nor any JSON, for an owned value
 * that is JSON-shaped).
 */
export function frozenValue(value: unknown, owned = false): unknown {
  if (Array.isArray(value)) return encodeArray(value, false, owned).value;
  if (owned && isJsonShaped(value)) return markShaped(deepFreeze(value));
  return markShaped(deepFreeze(JSON.parse(JSON.stringify(value) ?? "null")));
}

/** Notes a frozen value as JSON-shaped (see isJsonShaped). */
function markShaped<T>(value: T): T {
  if (value !== null && typeof value === "object") shaped.add(value);
  return value;
}

/** Values this module froze: JSON-shaped, so isJsonShaped need not look inside them again. */
const shaped = new WeakSet<object>();
const MAX_DEPTH = 32;

/**
 * Whether JSON.parse(JSON.stringify(value)) would give back the same thing: plain objects (no
 * prototype but Object's or null) and arrays without holes, of strings, finite numbers, booleans
 * and null; no undefined, Date, Map or class instance anywhere (nor anything deeper than 32).
 */
export function isJsonShaped(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (shaped.has(value)) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isJsonShaped(value[i], depth + 1)) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if ("toJSON" in value) return false;
      for (const key in value) {
        if (!isJsonShaped((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      // Symbol keys and non-enumerable properties: JSON would drop them, so would a copy.
      return (
        Object.getOwnPropertySymbols(value).length === 0 &&
        Object.keys(value).length === Object.getOwnPropertyNames(value).length
      );
    }
    default:
      return false;
  }
}

/**
 * The same result as for any value (JSON.stringify of the array, then a frozen parsed copy), but
 * elements that are already cached values (frozen, JSON known) are reused instead of encoded and
 * parsed again: a conversation's recent messages are re-cached every turn.
 */
function encodeArray(items: unknown[], withJson: boolean, owned = false): Encoded {
  const parts: string[] = withJson ? new Array(items.length) : [];
  const values: unknown[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const known = item !== null && typeof item === "object" ? elementJson.get(item) : undefined;
    if (known !== undefined) {
      if (withJson) parts[i] = known;
      values[i] = item;
      continue;
    }
    // JSON.stringify writes null for what it cannot encode inside an array (undefined, functions).
    const json = JSON.stringify(item) ?? "null";
    const copy = owned && isJsonShaped(item) ? deepFreeze(item) : deepFreeze(JSON.parse(json) as unknown);
    if (copy !== null && typeof copy === "object") {
      elementJson.set(copy, json);
      shaped.add(copy);
    }
    if (withJson) parts[i] = json;
    values[i] = copy;
  }
  shaped.add(values);
  return { json: withJson ? `[${parts.join(",")}]` : "", value: Object.freeze(values) };
}

/** The L2 envelope: logical expiry (epoch ms) and the value, built without a second stringify. */
export function envelope(freshUntil: number, json: string): string {
  return `{"f":${freshUntil},"v":${json}}`;
}

export function openEnvelope(raw: string): { freshUntil: number; value: unknown } | undefined {
  try {
    const parsed = JSON.parse(raw) as { f?: unknown; v?: unknown };
    if (typeof parsed.f !== "number" || !("v" in parsed)) return undefined;
    return { freshUntil: parsed.f, value: markShaped(deepFreeze(parsed.v)) };
  } catch {
    return undefined;
  }
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
