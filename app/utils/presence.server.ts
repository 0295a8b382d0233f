import { createHash } from "node:crypto";
import { PRESENCE_KEY_LENGTH } from "../shared/collab-protocol";

/** A key that tells two tabs of one person apart from two people, without revealing the id. */
export function presenceKey(personId: string, planId: string): string {
  return createHash("sha256").update(`${planId}:${personId}`).digest("base64url").slice(0, PRESENCE_KEY_LENGTH);
}

/** A key naming one person's data kept on a device (app/shared/device-copy.ts), without revealing the id. */
export function deviceKey(personId: string): string {
  return createHash("sha256").update(`device:${personId}`).digest("base64url").slice(0, 16);
}
