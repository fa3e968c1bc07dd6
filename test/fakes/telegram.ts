/**
 * A fake Telegram Bot API server on 127.0.0.1 (point TELEGRAM_API_ROOT at `url`). It answers the
 * methods the bot uses, records every call, and can misbehave on demand: a 429 with retry_after,
 * a 5xx, or any error, for the next N calls of a method. setMyCommands is kept per scope and
 * language (`commands`) and getMyCommands answers from it.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface BotCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  at: number;
}

type Fault = { status: number; description: string; retryAfter?: number };

export const FAKE_BOT_TOKEN = "123456789:AAFakeTokenForTestsOnly_0123456789abc";

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  if (type.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return { raw };
}

export class FakeTelegram {
  readonly calls: BotCall[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private server?: Server;
  private nextMessageId = 1000;
  /** The command lists set with setMyCommands, by `${scope type}:${language_code ?? ""}`. */
  readonly commands = new Map<string, unknown[]>();
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** The next `times` calls of `method` fail with this status (429 carries retry_after). */
  failNext(method: string, fault: Fault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  callsOf(method: string): BotCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  sentTo(chatId: number | string): BotCall[] {
    return this.callsOf("sendMessage").filter((c) => String(c.params.chat_id) === String(chatId));
  }

  private async handle(req: IncomingMessage, res: import("node:http").ServerResponse) {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!m) return reply(404, { ok: false, error_code: 404, description: "Not Found" });
    const [, token, method] = m as unknown as [string, string, string];
    const params = await readBody(req);
    const fault = this.faults.get(method)?.shift();
    this.calls.push({ method, token, params, at: Date.now() });
    if (token !== FAKE_BOT_TOKEN)
      return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
    if (fault) {
      return reply(fault.status, {
        ok: false,
        error_code: fault.status,
        description: fault.description,
        ...(fault.retryAfter !== undefined ? { parameters: { retry_after: fault.retryAfter } } : {}),
      });
    }
    reply(200, { ok: true, result: this.result(method, params) });
  }

  private result(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case "getMe":
        return {
          id: 123456789,
          is_bot: true,
          first_name: "Shop",
          username: "shop_test_bot",
          can_join_groups: true,
        };
      case "sendMessage":
        return {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(p.chat_id), type: Number(p.chat_id) < 0 ? "supergroup" : "private" },
          text: p.text,
        };
      case "getUpdates":
        return [];
      case "setMyCommands":
        this.commands.set(commandsKey(p), parseJson(p.commands) as unknown[]);
        return true;
      case "deleteMyCommands":
        this.commands.delete(commandsKey(p));
        return true;
      case "getMyCommands":
        return this.commands.get(commandsKey(p)) ?? [];
      default:
        return true;
    }
  }
}

/** grammY sends JSON; a form-encoded body carries objects as JSON strings. */
function parseJson(v: unknown): unknown {
  return typeof v === "string" ? JSON.parse(v) : v;
}

function commandsKey(p: Record<string, unknown>): string {
  const scope = parseJson(p.scope) as { type?: string } | undefined;
  return `${scope?.type ?? "default"}:${p.language_code ?? ""}`;
}

let seq = 1;
/** Builds an update from a private-chat user. */
export function textUpdate(
  text: string,
  from: { id: number; first_name?: string; language_code?: string; username?: string },
  updateId = 10_000 + seq++,
) {
  const isCommand = text.startsWith("/");
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: "private" as const, first_name: from.first_name ?? "Ann" },
      from: { is_bot: false, first_name: "Ann", ...from },
      text,
      ...(isCommand
        ? { entities: [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }] }
        : {}),
    },
  };
}
