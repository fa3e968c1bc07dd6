/**
 * One more server process for `BENCH_INSTANCES=2 npm run bench -- chat`: the app over the run's
 * database and Redis prefix (BENCH_DB_URL, BENCH_KEY_PREFIX), on a free port it prints as
 * `PORT <n>`. Stops on SIGTERM.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "../src/app.js";
import { buildBenchDeps } from "./chat.js";

const deps = await buildBenchDeps(process.env.BENCH_DB_URL!, process.env.BENCH_KEY_PREFIX!);
const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
  process.stdout.write(`PORT ${info.port}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  void deps.cache.close().finally(() => deps.database.close().finally(() => process.exit(0)));
});
