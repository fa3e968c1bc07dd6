/**
 * `shopkeeper chat`: talk to the assistant in the terminal — the same runTurn as the web chat
 * and Telegram, as one local customer (kept across runs in the database). `/new` starts a new
 * conversation, `/quit` (or Ctrl-D) leaves.
 */
import { createInterface } from "node:readline";
import { runTurn } from "../agent/turn.js";
import type { Config } from "../config.js";
import { createLogger } from "../logger.js";
import { buildDeps, closeDeps } from "../server.js";
import { seedDemoCatalogIfEmpty } from "../services/catalog/index.js";
import { getOrCreateWebProfile } from "../services/profiles.js";

/** The terminal's customer: a fixed web id, so the assistant remembers you between runs. */
const TERMINAL_CUSTOMER = "u_00000000-0000-4000-8000-00000000c11c";

export async function chatCommand(config: Config): Promise<void> {
  const deps = await buildDeps(config, createLogger(config.logLevel === "info" ? "warn" : config.logLevel));
  await seedDemoCatalogIfEmpty(deps);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const out = (s: string) => process.stdout.write(s);
  out("Shopkeeper chat — type a message (/new: new conversation, /quit: leave)\n\n");
  let conversationId: string | undefined;
  try {
    out("you> ");
    // The async iterator buffers lines, so a piped script is read in full, one turn at a time.
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === "/quit" || line === "/exit") break;
      if (line === "/new") conversationId = undefined;
      if (!line || line === "/new") {
        out(line ? "(new conversation)\nyou> " : "you> ");
        continue;
      }
      const profile = await getOrCreateWebProfile(deps, TERMINAL_CUSTOMER);
      out("bot> ");
      try {
        const r = await runTurn(deps, {
          channel: "web",
          profile,
          text: line,
          conversationId,
          onText: (chunk) => out(chunk.replace(/\n/g, "\n     ")),
        });
        conversationId = r.conversationId;
        if (r.silent) out("(a staff member has taken over this conversation)");
        if (r.orderNumber) out(`\n     [order ${r.orderNumber} created]`);
        out("\n\nyou> ");
      } catch (err) {
        out(`\n(error: ${(err as Error).message})\n\nyou> `);
      }
    }
  } finally {
    rl.close();
    await closeDeps(deps);
  }
}
