/**
 * A fake Upstash Redis REST server on 127.0.0.1, backed by a real Redis so every command has
 * Redis's own semantics. It speaks the part of the REST API our driver uses
 * (https://upstash.com/docs/redis/features/restapi):
 *
 * - `POST /` with the command as a JSON array (`["SET","k","v","PX",1000]`) → `200 {"result":…}`,
 *   or `400 {"error":"ERR …"}` when Redis rejects the command;
 * - `POST /pipeline` with an array of such arrays → `200 [{"result":…}|{"error":…}, …]`, run in
 *   order, one failed command not stopping the others;
 * - `Authorization: Bearer <token>` (or `?_token=`) on every request, else `401 {"error":…}`;
 * - only POST (`405` otherwise); a body that is not a command is `400`; commands REST cannot
 *   serve (SUBSCRIBE, MONITOR, blocking pops…) are `400`.
 *
 * Arguments may be strings or numbers, as on Upstash; numbers are sent to Redis as decimal text.
 * The token can be changed while running (`fake.token = …`) to make the service reject the app.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";

export interface FakeUpstash {
  /** The REST URL to give the driver (UPSTASH_REDIS_REST_URL). */
  url: string;
  /** The token the server accepts; change it to make every request a 401. */
  token: string;
  /** Every command the server ran, in order (pipelines flattened), e.g. ["SET", "k", …]. */
  commands: string[][];
  /** How many HTTP requests it answered, by status code. */
  statuses: Map<number, number>;
  close(): Promise<void>;
}

export interface FakeUpstashOptions {
  /** The Redis the commands run on. */
  redisUrl: string;
  /** @default a random token */
  token?: string;
}

/** Commands Upstash's REST API does not serve as request/response. */
const NOT_OVER_REST = new Set([
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "MONITOR",
  "BLPOP",
  "BRPOP",
  "BLMOVE",
  "BZPOPMIN",
  "BZPOPMAX",
  "WAIT",
  "SELECT",
  "QUIT",
  "SHUTDOWN",
]);

type Command = [string, ...string[]];
type Reply = { result: unknown } | { error: string };

class BadRequest extends Error {}

function toCommand(raw: unknown): Command {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new BadRequest("ERR command must be a non-empty JSON array");
  const args = raw.map((a) => {
    if (typeof a === "string") return a;
    if (typeof a === "number" && Number.isFinite(a)) return String(a);
    throw new BadRequest("ERR command arguments must be strings or numbers");
  });
  const name = (args[0] as string).toUpperCase();
  if (NOT_OVER_REST.has(name)) throw new BadRequest(`ERR Command is not available: '${name}'`);
  return [name, ...args.slice(1)];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeUpstash(opts: FakeUpstashOptions): Promise<FakeUpstash> {
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on("error", () => {});

  const fake: FakeUpstash = {
    url: "",
    token: opts.token ?? `tok_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
    commands: [],
    statuses: new Map(),
    close: async () => {},
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    fake.statuses.set(status, (fake.statuses.get(status) ?? 0) + 1);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const header = req.headers.authorization ?? "";
    const bearer = /^Bearer (.+)$/.exec(header)?.[1];
    return (bearer ?? url.searchParams.get("_token")) === fake.token;
  };

  const run = async ([name, ...args]: Command): Promise<Reply> => {
    fake.commands.push([name, ...args]);
    try {
      return { result: await redis.call(name, ...args) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake-upstash");
    const body = await readBody(req);
    if (!authorized(req, url)) return send(res, 401, { error: "Unauthorized" });
    if (req.method !== "POST") return send(res, 405, { error: "Method Not Allowed" });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 400, { error: "ERR failed to parse command" });
    }
    try {
      if (url.pathname === "/" || url.pathname === "") {
        const reply = await run(toCommand(parsed));
        return send(res, "error" in reply ? 400 : 200, reply);
      }
      if (url.pathname === "/pipeline") {
        if (!Array.isArray(parsed) || parsed.length === 0)
          throw new BadRequest("ERR pipeline must be a non-empty array of commands");
        // Validate the whole request first (a malformed pipeline is rejected as a whole), then
        // run the commands in order; a command Redis rejects does not stop the next ones.
        const commands = parsed.map(toCommand);
        const replies: Reply[] = [];
        for (const c of commands) replies.push(await run(c));
        return send(res, 200, replies);
      }
      return send(res, 404, { error: "Not Found" });
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, { error: err.message });
      throw err;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { error: String((err as Error)?.message ?? err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    redis.disconnect();
  };
  return fake;
}
