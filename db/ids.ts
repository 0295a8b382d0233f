import { randomBytes } from "node:crypto";

/** An opaque, unguessable id (96 bits, URL-safe). Ids appear in URLs, so they carry no meaning. */
export function newId(): string {
  return randomBytes(12).toString("base64url");
}
