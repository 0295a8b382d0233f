import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import type { AppDatabase } from "../../db/client";
import { getOrCreateServerSecret } from "../../db/queries/secrets";

/**
 * The server's Ed25519 key for sealing signatures. Made on first start and kept in the database;
 * the public half is published at GET /api/signing-key, so an exported plan can be checked
 * without access to our database.
 */

export interface PublicSigningKey extends JsonWebKey {
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

interface SigningKey {
  privateKey: KeyObject;
  publicJwk: PublicSigningKey;
}

const cache = new WeakMap<AppDatabase, SigningKey>();

export function getSigningKey(db: AppDatabase): SigningKey {
  const cached = cache.get(db);
  if (cached) return cached;
  const pem = getOrCreateServerSecret(db, "plan-signing-key-ed25519", () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  );
  const privateKey = createPrivateKey(pem);
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  // RFC 7638 thumbprint: the key id is derived from the key itself.
  const kid = createHash("sha256")
    .update(canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })!)
    .digest("base64url");
  const key = { privateKey, publicJwk: { crv: jwk.crv, kty: jwk.kty, x: jwk.x, kid, alg: "EdDSA" as const, use: "sig" as const } };
  cache.set(db, key);
  return key;
}

export function sealStatement(db: AppDatabase, statement: string): { seal: string; keyId: string } {
  const key = getSigningKey(db);
  return { seal: sign(null, Buffer.from(statement, "utf8"), key.privateKey).toString("base64url"), keyId: key.publicJwk.kid };
}

/** Whether `seal` is the key's Ed25519 signature of exactly `statement`. */
export function verifySeal(publicJwk: JsonWebKey, statement: string, seal: string): boolean {
  try {
    const key = createPublicKey({ key: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x }, format: "jwk" });
    return verify(null, Buffer.from(statement, "utf8"), key, Buffer.from(seal, "base64url"));
  } catch {
    return false;
  }
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
