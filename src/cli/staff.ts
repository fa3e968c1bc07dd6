/**
 * `shopkeeper staff add <username> [--role staff|owner] [--telegram <id>] [--name <display name>]`
 * and `shopkeeper staff list`. `add` prints a generated one-time password, once (only its hash is
 * stored), like the owner's on first start. With the embedded database (PGlite) stop the server
 * first — PGlite is single-process — or use the dashboard's Staff page / POST /api/admin/staff.
 */
import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import { openDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { AppError } from "../errors.js";
import {
  createStaff,
  ensureOwner,
  generatePassword,
  listStaff,
  STAFF_ROLES,
  type StaffRole,
} from "../services/staff-auth.js";

export const STAFF_USAGE = `Usage:
  shopkeeper staff add <username> [--role staff|owner] [--telegram <id>] [--name <display name>]
  shopkeeper staff list
`;

type Out = (text: string) => void;
const stdout: Out = (t) => process.stdout.write(t);
const stderr: Out = (t) => process.stderr.write(t);

/** Runs `staff …`; returns the exit code (2: usage, 1: refused, 0: done). */
export async function runStaff(config: Config, args: string[], out: Out = stdout, err: Out = stderr) {
  const [sub, ...rest] = args;
  if (sub !== "add" && sub !== "list") {
    err(sub ? `Unknown staff command: ${sub}\n\n${STAFF_USAGE}` : STAFF_USAGE);
    return 2;
  }
  let parsed: ReturnType<typeof parseAdd> | undefined;
  if (sub === "add") {
    try {
      parsed = parseAdd(rest);
    } catch (e) {
      err(`${e instanceof Error ? e.message : String(e)}\n\n${STAFF_USAGE}`);
      return 2;
    }
  } else if (rest.length > 0) {
    err(STAFF_USAGE);
    return 2;
  }

  const database = await openDatabase({ url: config.database.url, dataDir: config.dataDir });
  try {
    await runMigrations(database);
    // Before anything else exists: without the owner, the first start would not create `admin`.
    await ensureOwner(database.db, config, (line) => out(`${line}\n`));
    if (parsed) {
      const password = generatePassword();
      const account = await createStaff(database.db, { ...parsed, password });
      out(`Added ${account.role} "${account.username}".\n`);
      out(`One-time password (shown once): ${password}  (user: ${account.username})\n`);
      return 0;
    }
    const staff = await listStaff(database.db);
    const rows = staff.map((s) => [
      s.username,
      s.role,
      s.displayName ?? "",
      s.telegramUserId == null ? "" : String(s.telegramUserId),
      s.createdAt.slice(0, 10),
    ]);
    out(table(["username", "role", "name", "telegram", "created"], rows));
    return 0;
  } catch (e) {
    if (e instanceof AppError && e.status < 500) {
      err(`${e.userMessage}\n`);
      return 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}

function parseAdd(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      role: { type: "string" },
      telegram: { type: "string" },
      name: { type: "string" },
    },
  });
  const [username, ...extra] = positionals;
  if (!username) throw new Error("staff add: the username is missing");
  if (extra.length > 0) throw new Error(`staff add: unexpected argument ${extra[0]}`);
  const role = values.role ?? "staff";
  if (!(STAFF_ROLES as readonly string[]).includes(role))
    throw new Error(`--role: must be one of ${STAFF_ROLES.join(", ")}`);
  let telegramUserId: number | undefined;
  if (values.telegram !== undefined) {
    if (!/^\d{1,16}$/.test(values.telegram) || !Number.isSafeInteger(Number(values.telegram)))
      throw new Error("--telegram: must be a numeric Telegram user id");
    telegramUserId = Number(values.telegram);
  }
  const displayName = values.name?.trim() || undefined;
  return { username, role: role as StaffRole, telegramUserId, displayName };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  return [header, ...rows].map(line).join("");
}
