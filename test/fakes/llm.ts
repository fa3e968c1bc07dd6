/**
 * A fake OpenAI-compatible server on 127.0.0.1: POST /v1/chat/completions (streaming SSE and
 * plain JSON, text and tool calls) and /v1/embeddings. By default it answers with the offline
 * assistant's decisions, so scripted conversations run through the real @ai-sdk client over
 * real HTTP. It can misbehave: a `script` replaces the decisions (a compromised model), and
 * `fail` makes it answer 500, hang past the client's timeout, or break mid-stream.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type BrainInput,
  type BrainMessage,
  type BrainOutput,
  decide,
} from "../../src/agent/offline/brain.js";
import { localEmbedding } from "../../src/agent/semantic-cache.js";

interface OpenAIMessage {
  role: "system" | "user" | "assistant" | "tool";
  content?: string | Array<{ type: string; text?: string }> | null;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  messages: OpenAIMessage[];
  tools?: Array<{ function: { name: string } }>;
  stream?: boolean;
}

export type ScriptReply = { text: string } | { toolCalls: Array<{ name: string; arguments: unknown }> };
export type Failure = "500" | "hang" | "midstream";

export interface FakeLlm {
  url: string;
  requests: ChatRequest[];
  /** Replaces the offline decisions for the next requests (undefined restores them). */
  script?: (req: ChatRequest, brain: BrainInput) => ScriptReply;
  /** Makes every chat request fail this way until cleared. */
  fail?: Failure;
  close(): Promise<void>;
}

function text(c: OpenAIMessage["content"]): string {
  if (!c) return "";
  return typeof c === "string" ? c : c.map((p) => p.text ?? "").join("");
}

/** OpenAI wire messages → the offline brain's input (tool names found from the calls). */
export function toBrain(messages: OpenAIMessage[]): BrainInput {
  let system = "";
  const out: BrainMessage[] = [];
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role === "system") system += `${text(m.content)}\n`;
    else if (m.role === "user") out.push({ role: "user", text: text(m.content) });
    else if (m.role === "assistant") {
      for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
      out.push({
        role: "assistant",
        text: text(m.content),
        toolCalls: (m.tool_calls ?? []).map((c) => ({
          name: c.function.name,
          input: JSON.parse(c.function.arguments || "{}"),
        })),
      });
    } else if (m.role === "tool") {
      let output: unknown = text(m.content);
      try {
        output = JSON.parse(String(output));
      } catch {}
      out.push({ role: "tool", toolResults: [{ name: names.get(m.tool_call_id ?? "") ?? "", output }] });
    }
  }
  return { system, messages: out };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

let seq = 0;

function reply(res: ServerResponse, req: ChatRequest, out: ScriptReply, fail?: Failure) {
  const id = `chatcmpl-${++seq}`;
  const base = {
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: req.model,
  };
  const usage = { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280 };
  const calls =
    "toolCalls" in out
      ? out.toolCalls.map((c, i) => ({
          id: `call_${seq}_${i}`,
          type: "function",
          function: {
            name: c.name,
            arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
          },
        }))
      : [];
  if (!req.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created: base.created,
        model: req.model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: "text" in out ? out.text : null,
              ...(calls.length ? { tool_calls: calls } : {}),
            },
            finish_reason: calls.length ? "tool_calls" : "stop",
          },
        ],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  send({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
  if ("text" in out) {
    const words = out.text.match(/\S+\s*|\s+/g) ?? [out.text];
    for (const [i, w] of words.entries()) {
      if (fail === "midstream" && i === 2) {
        res.write("data: {not json\n\n");
        res.destroy();
        return;
      }
      send({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
    }
  } else {
    calls.forEach((c, index) => {
      send({
        ...base,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index, id: c.id, type: "function", function: { name: c.function.name, arguments: "" } },
              ],
            },
            finish_reason: null,
          },
        ],
      });
      // Arguments arrive in pieces, as real servers send them.
      const a = c.function.arguments;
      const mid = Math.floor(a.length / 2);
      for (const piece of [a.slice(0, mid), a.slice(mid)]) {
        send({
          ...base,
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index, function: { arguments: piece } }] },
              finish_reason: null,
            },
          ],
        });
      }
    });
  }
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: calls.length ? "tool_calls" : "stop" }] });
  send({ ...base, choices: [], usage });
  res.write("data: [DONE]\n\n");
  res.end();
}

function fromBrain(o: BrainOutput): ScriptReply {
  return o.kind === "text"
    ? { text: o.text }
    : { toolCalls: o.calls.map((c) => ({ name: c.name, arguments: c.input })) };
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const fake: FakeLlm = {
    url: "",
    requests: [],
    close: async () => {},
  };
  const server: Server = createServer(async (req, res) => {
    const raw = await body(req);
    if (req.url?.endsWith("/embeddings")) {
      const { input } = JSON.parse(raw) as { input: string | string[] };
      const list = Array.isArray(input) ? input : [input];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data: list.map((t, index) => ({ object: "embedding", index, embedding: localEmbedding(t, 64) })),
          model: "fake-embed",
          usage: { prompt_tokens: 5, total_tokens: 5 },
        }),
      );
      return;
    }
    if (!req.url?.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    const chat = JSON.parse(raw) as ChatRequest;
    fake.requests.push(chat);
    if (fake.fail === "500") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "upstream exploded", type: "server_error" } }));
      return;
    }
    if (fake.fail === "hang") return; // never answers: the client's timeout must end it
    const brain = toBrain(chat.messages);
    const out = fake.script ? fake.script(chat, brain) : fromBrain(decide(brain));
    reply(res, chat, out, fake.fail);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}/v1`;
  fake.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}
