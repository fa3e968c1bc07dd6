/**
 * Cached values are JSON and frozen, in every tier: a Date comes back as an ISO string from L1
 * exactly as it would from Redis, and a caller that mutates a cached object gets a TypeError
 * instead of silently changing what every other request reads.
 */
export interface Encoded {
  json: string;
  value: unknown;
}

export function encodeValue(value: unknown): Encoded {
  const json = JSON.stringify(value);
  return { json, value: deepFreeze(JSON.parse(json)) };
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
