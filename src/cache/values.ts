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

export function encodeValue(value: unknown): Encoded {
  if (Array.isArray(value)) return encodeArray(value, true);
  const json = JSON.stringify(value);
  return { json, value: deepFreeze(JSON.parse(json)) };
}

/**
 * The value encodeValue gives, for a value kept only in this process (not written to Redis): a
 * list's whole JSON text, which only Redis needs, is not built.
 */
export function frozenValue(value: unknown): unknown {
  if (Array.isArray(value)) return encodeArray(value, false).value;
  return deepFreeze(JSON.parse(JSON.stringify(value) ?? "null"));
}

/**
 * The same result as for any value (JSON.stringify of the array, then a frozen parsed copy), but
 * elements that are already cached values (frozen, JSON known) are reused instead of encoded and
 * parsed again: a conversation's recent messages are re-cached every turn.
 */
function encodeArray(items: unknown[], withJson: boolean): Encoded {
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
    const copy = deepFreeze(JSON.parse(json) as unknown);
    if (copy !== null && typeof copy === "object") elementJson.set(copy, json);
    if (withJson) parts[i] = json;
    values[i] = copy;
  }
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
    return { freshUntil: parsed.f, value: deepFreeze(parsed.v) };
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
