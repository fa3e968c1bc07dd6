/** The cache keys that hold a customer's memory (their context paragraphs). */
import { CacheKeys } from "../../cache/keys.js";

export function fullContextKeys(profileId: string): string[] {
  return [
    CacheKeys.fullContext(profileId),
    CacheKeys.userContext(profileId),
    CacheKeys.agentContext(profileId),
  ];
}
