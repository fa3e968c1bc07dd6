/**
 * What the two-tier cache needs from its shared tier (L2). Keys here are full keys (namespace
 * included); values are strings (JSON envelopes). Implemented over ioredis and over Upstash REST.
 */
export interface L2Entry {
  key: string;
  value: string;
  /** Lifetime in Redis, milliseconds (logical TTL + grace). */
  ttlMs: number;
}

/** A bus message sent in the same round trip as a write. */
export interface Announcement {
  channel: string;
  message: string;
}

export interface L2Driver {
  readonly name: "redis" | "upstash";
  /** True when a command can be sent right now (connected); false skips the tier without waiting. */
  isReady(): boolean;
  get(key: string): Promise<string | null>;
  /** One round trip (MGET). */
  mget(keys: string[]): Promise<Array<string | null>>;
  /** One round trip: UNLINK, then the announcement; returns how many keys existed. */
  del(keys: string[], announce?: Announcement): Promise<number>;
  /**
   * One round trip: SET PX for each entry, UNLINK of `unlink` (keys not among the entries), then
   * the announcement: a batch of writes and deletions announced once. Over ioredis it is one
   * command (a Lua script); over Upstash REST, one pipeline.
   */
  write(entries: L2Entry[], unlink: string[], announce?: Announcement): Promise<void>;
  /** One SCAN step over keys matching the glob `pattern`: [next cursor ("0" at the end), keys]. */
  scanPage(cursor: string, pattern: string): Promise<[string, string[]]>;
  /** Bytes of memory Redis uses (INFO memory), when the server tells. */
  usedMemory(): Promise<number | undefined>;
  publish(channel: string, message: string): Promise<void>;
  /**
   * Subscribes to `channel`; `onGap` runs when the subscription was lost and came back (messages
   * may have been missed meanwhile). Returns false when the driver cannot subscribe (Upstash REST).
   */
  subscribe(channel: string, onMessage: (message: string) => void, onGap: () => void): Promise<boolean>;
  /** Resolves once every message published before this call has reached `onMessage`. */
  syncSubscription(): Promise<void>;
  /** Whether the subscription is connected now, i.e. other instances' invalidations can arrive. */
  busConnected(): boolean;
  close(): Promise<void>;
}
