import { randomBytes } from "node:crypto";

/** An opaque, unguessable id (96 bits, URL-safe). Ids appear in URLs, so they carry no meaning. */
export function newId(): string {
  // Drawn from a pool: an import makes tens of thousands at once, and one system call each showed.
  if (poolOffset + 12 > pool.length) {
    pool = randomBytes(12 * 1024);
    poolOffset = 0;
  }
  const id = pool.subarray(poolOffset, poolOffset + 12).toString("base64url");
  poolOffset += 12;
  return id;
}

let pool = Buffer.alloc(0);
let poolOffset = 0;
