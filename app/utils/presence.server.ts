import { createHash } from "node:crypto";
import { PRESENCE_KEY_LENGTH } from "../shared/collab-protocol";

/** A key that tells two tabs of one person apart from two people, without revealing the id. */
export function presenceKey(personId: string, planId: string): string {
  return createHash("sha256").update(`${planId}:${personId}`).digest("base64url").slice(0, PRESENCE_KEY_LENGTH);
}
