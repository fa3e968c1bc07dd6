/**
 * Fault injection for the shared tier: wraps a real driver and, on demand, makes every call fail
 * at once ("fail") or never answer ("stall"), like a Redis that died or hangs.
 */
import type { Announcement, L2Driver, L2Entry } from "../../src/cache/drivers/types.js";

export type FaultMode = "ok" | "fail" | "stall";

export class FaultyDriver implements L2Driver {
  mode: FaultMode = "ok";
  calls = 0;

  constructor(private readonly inner: L2Driver) {}

  get name() {
    return this.inner.name;
  }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.mode === "fail") throw new Error("injected failure");
    if (this.mode === "stall") return new Promise<T>(() => {});
    return fn();
  }

  isReady(): boolean {
    return this.inner.isReady();
  }
  get(key: string) {
    return this.wrap(() => this.inner.get(key));
  }
  mget(keys: string[]) {
    return this.wrap(() => this.inner.mget(keys));
  }
  del(keys: string[], announce?: Announcement) {
    return this.wrap(() => this.inner.del(keys, announce));
  }
  write(entries: L2Entry[], unlink: string[], announce?: Announcement) {
    return this.wrap(() => this.inner.write(entries, unlink, announce));
  }
  scanPage(cursor: string, pattern: string) {
    return this.wrap(() => this.inner.scanPage(cursor, pattern));
  }
  usedMemory() {
    return this.wrap(() => this.inner.usedMemory());
  }
  publish(channel: string, message: string) {
    return this.wrap(() => this.inner.publish(channel, message));
  }
  subscribe(channel: string, onMessage: (m: string) => void, onGap: () => void) {
    return this.inner.subscribe(channel, onMessage, onGap);
  }
  syncSubscription() {
    return this.inner.syncSubscription();
  }
  busConnected() {
    return this.inner.busConnected();
  }
  close() {
    return this.inner.close();
  }
}
