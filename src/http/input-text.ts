/**
 * Text the database cannot store. PostgreSQL `text` and `jsonb` refuse U+0000 (NUL), so a NUL in
 * any request string would otherwise surface as a 500 from deep inside a write (sometimes after
 * part of the work was done). Every value a route validates (JSON body, query, path params) is
 * checked here once, by newRouter's defaultHook, after zod accepted it: a NUL is a 400
 * VALIDATION_FAILED naming the field, shaped like zodToAppError's errors.
 */
import { AppError } from "../errors.js";

const NUL_MESSAGE = "must not contain NUL characters";

type Path = Array<string | number>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The path of the first string (or object key) holding a NUL, depth first; undefined if none. */
export function findNul(value: unknown, path: Path = []): { path: Path; inKey: boolean } | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? { path, inKey: false } : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], [...path, i]);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) return { path, inKey: true };
      const hit = findNul(v, [...path, k]);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Throws 400 VALIDATION_FAILED (`field: must not contain NUL characters`) when `value` holds a NUL. */
export function refuseNul(value: unknown, where: string): void {
  const hit = findNul(value);
  if (!hit) return;
  const field = hit.path.length > 0 ? hit.path.join(".") : where;
  const message = hit.inKey ? "keys must not contain NUL characters" : NUL_MESSAGE;
  throw new AppError("VALIDATION_FAILED", `${field}: ${message}`, { details: [{ field, message }] });
}
