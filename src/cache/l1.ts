/**
 * The in-process tier: a Map with expiry, bounded by evicting the oldest insertion. Entries stay
 * past their TTL for the grace period so a failing loader can still be answered from them.
 */
import type { PrefixCounter } from "./stats.js";

export interface L1Slot {
  /** Frozen, JSON-shaped value (the same shape every tier returns). */
  value: unknown;
  freshUntil: number;
  staleUntil: number;
  /** The stats bucket of this key, resolved once at write time so a hit costs one increment. */
  counter: PrefixCounter;
}

export class MemoryTier {
  private readonly map = new Map<string, L1Slot>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  /** The slot (fresh or within grace) or undefined. */
  peek(key: string): L1Slot | undefined {
    const slot = this.map.get(key);
    if (slot !== undefined && slot.staleUntil <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return slot;
  }

  set(key: string, slot: L1Slot): void {
    // Re-insert so Map order stays oldest-written first, which is what eviction removes.
    this.map.delete(key);
    if (this.map.size >= this.maxEntries) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, slot);
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  deleteByPrefix(prefix: string): number {
    let n = 0;
    for (const key of this.map.keys()) {
      if (key.startsWith(prefix)) {
        this.map.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.map.clear();
  }

  /** Keys whose value is still fresh. */
  *freshKeys(): Generator<string> {
    const now = this.now();
    for (const [key, slot] of this.map) if (slot.freshUntil > now) yield key;
  }

  get size(): number {
    return this.map.size;
  }
}
