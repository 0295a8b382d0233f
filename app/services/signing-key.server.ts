import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import canonicalize from "canonicalize";
import type { AppDatabase } from "../../db/client";
import { deleteServerSecret, getServerSecret, listServerSecrets, putServerSecret, withSecureErase } from "../../db/queries/secrets";

/**
 * The server's Ed25519 keys for sealing signatures. The public halves are published at
 * GET /api/signing-key (a JWK Set), so an exported plan can be checked without our database.
 *
 * The private half of the current key is kept in the database encrypted (AES-256-GCM) with a key
 * derived from SIGNING_KEY_SECRET, which lives only in the environment: a copy of the database
 * alone cannot seal anything. A rotation makes a new current key and erases the old private half;
 * the old public key stays published, so signatures it sealed keep verifying (each carries its kid).
 */

export interface PublicSigningKey extends JsonWebKey {
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

/** One key as stored, as JSON, in server_secrets under `plan-signing-key:<kid>`. */
interface StoredSigningKey {
  kid: string;
  publicJwk: { kty: string; crv: string; x: string };
  createdAt: string;
  /** The current key seals; retired keys only verify. */
  status: "current" | "retired";
  /** PKCS#8 DER of the private key, encrypted; null once the key is retired. */
  privateKey: EncryptedBlob | null;
}

interface EncryptedBlob {
  alg: "A256GCM";
  /** Which secret encrypted it (derived from the secret, reveals nothing of it). */
  secretId: string;
  iv: string;
  tag: string;
  data: string;
}

const KEY_PREFIX = "plan-signing-key:";
/** Where versions before 2026-12 kept the key, in clear. */
const LEGACY_NAME = "plan-signing-key-ed25519";

export interface SigningKeySecrets {
  secret: string;
  /** The secret the stored key was encrypted with before a change of SIGNING_KEY_SECRET. */
  previous?: string;
}

class WrappingKey {
  readonly key: Buffer;
  readonly id: string;
  constructor(secret: string) {
    const derive = (info: string, length: number) => Buffer.from(hkdfSync("sha256", secret, "elevledd-iup/signing-key", info, length));
    this.key = derive("aes-256-gcm", 32);
    this.id = derive("secret-id", 12).toString("base64url");
  }
  encrypt(plain: Buffer, kid: string): EncryptedBlob {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    // The kid is authenticated with it: a blob cannot be passed off as another key's.
    cipher.setAAD(Buffer.from(kid, "utf8"));
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { alg: "A256GCM", secretId: this.id, iv: iv.toString("base64url"), tag: cipher.getAuthTag().toString("base64url"), data: data.toString("base64url") };
  }
  decrypt(blob: EncryptedBlob, kid: string): Buffer {
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(blob.iv, "base64url"));
    decipher.setAAD(Buffer.from(kid, "utf8"));
    decipher.setAuthTag(Buffer.from(blob.tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(blob.data, "base64url")), decipher.final()]);
  }
}

/**
 * Seals statements with the current private key, which lives only here, in memory. Made once at
 * start and handed to the app through the load context (context.signingKey).
 */
export interface StatementSealer {
  kid: string;
  seal(statement: string): { seal: string; keyId: string };
}

/** RFC 7638 thumbprint: the key id is derived from the key itself. */
function thumbprint(jwk: { kty?: string; crv?: string; x?: string }): string {
  return createHash("sha256")
    .update(canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })!)
    .digest("base64url");
}

function describeKey(privateKey: KeyObject): { kid: string; publicJwk: StoredSigningKey["publicJwk"] } {
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  const publicJwk = { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! };
  return { kid: thumbprint(publicJwk), publicJwk };
}

function storedKeys(db: AppDatabase): StoredSigningKey[] {
  return listServerSecrets(db, KEY_PREFIX)
    .map((row) => JSON.parse(row.value) as StoredSigningKey)
    .sort((a, b) => (a.status === b.status ? b.createdAt.localeCompare(a.createdAt) : a.status === "current" ? -1 : 1));
}

function storeKey(db: AppDatabase, key: StoredSigningKey) {
  putServerSecret(db, `${KEY_PREFIX}${key.kid}`, JSON.stringify(key));
}

function newStoredKey(privateKey: KeyObject, wrapping: WrappingKey, createdAt = new Date()): StoredSigningKey {
  const { kid, publicJwk } = describeKey(privateKey);
  const der = privateKey.export({ type: "pkcs8", format: "der" });
  return { kid, publicJwk, createdAt: createdAt.toISOString(), status: "current", privateKey: wrapping.encrypt(der, kid) };
}

class SigningKeySecretError extends Error {
  constructor(kid: string) {
    super(
      `SIGNING_KEY_SECRET does not open the stored signing key ${kid}: start with the secret it was sealed with, ` +
        "or give that one as SIGNING_KEY_SECRET_PREVIOUS to move the key to the new secret",
    );
  }
}

/**
 * Makes the database's signing keys ready at start: takes over a key an older version kept in clear
 * (encrypting it, erasing the clear copy), moves keys from SIGNING_KEY_SECRET_PREVIOUS to the
 * current secret, makes the first key on a new database, and checks that the secret opens the
 * current key. Throws with a clear message when it does not.
 */
export function openSigningKeys(db: AppDatabase, secrets: SigningKeySecrets): { kid: string; migrated: boolean; rewrapped: number; sealer: StatementSealer } {
  const wrapping = new WrappingKey(secrets.secret);
  const previous = secrets.previous ? new WrappingKey(secrets.previous) : null;
  let migrated = false;
  let rewrapped = 0;
  const legacyPem = getServerSecret(db, LEGACY_NAME);
  const change = () =>
    db.transaction((tx) => {
      const txDb = tx as unknown as AppDatabase;
      if (legacyPem !== null) {
        const legacy = newStoredKey(createPrivateKey(legacyPem), wrapping);
        const others = storedKeys(txDb);
        if (!others.some((k) => k.kid === legacy.kid)) {
          // Only if nothing newer is current: the clear key was the one in use.
          storeKey(txDb, { ...legacy, status: others.some((k) => k.status === "current") ? "retired" : "current" });
        }
        deleteServerSecret(txDb, LEGACY_NAME);
        migrated = true;
      }
      for (const key of storedKeys(txDb)) {
        if (!key.privateKey || key.privateKey.secretId === wrapping.id) continue;
        if (!previous || key.privateKey.secretId !== previous.id) throw new SigningKeySecretError(key.kid);
        storeKey(txDb, { ...key, privateKey: wrapping.encrypt(previous.decrypt(key.privateKey, key.kid), key.kid) });
        rewrapped++;
      }
      if (!storedKeys(txDb).some((k) => k.status === "current")) {
        storeKey(txDb, newStoredKey(generateKeyPairSync("ed25519").privateKey, wrapping));
      }
    });
  // Erasing the clear or the old-secret copy must leave no trace in the file's free space or log.
  if (legacyPem !== null || storedKeys(db).some((k) => k.privateKey && k.privateKey.secretId !== wrapping.id)) withSecureErase(db, change);
  else change();

  const current = storedKeys(db).find((k) => k.status === "current")!;
  let der: Buffer;
  try {
    der = wrapping.decrypt(current.privateKey!, current.kid);
  } catch {
    throw new SigningKeySecretError(current.kid);
  }
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  if (describeKey(privateKey).kid !== current.kid) throw new Error(`The stored signing key ${current.kid} does not match its id`);
  const sealer: StatementSealer = {
    kid: current.kid,
    seal: (statement) => ({ seal: sign(null, Buffer.from(statement, "utf8"), privateKey).toString("base64url"), keyId: current.kid }),
  };
  return { kid: current.kid, migrated, rewrapped, sealer };
}

/**
 * A new current key: the old current key is retired, its private half erased (it can never seal
 * again), its public half kept for verifying what it sealed. Run with the server stopped, or
 * restart it afterwards (`npm run signing-key:rotate`).
 */
export function rotateSigningKey(db: AppDatabase, secrets: SigningKeySecrets): { kid: string; retired: string[] } {
  openSigningKeys(db, secrets);
  const wrapping = new WrappingKey(secrets.secret);
  const retired: string[] = [];
  withSecureErase(db, () =>
    db.transaction((tx) => {
      const txDb = tx as unknown as AppDatabase;
      for (const key of storedKeys(txDb)) {
        if (key.status !== "current" && !key.privateKey) continue;
        storeKey(txDb, { ...key, status: "retired", privateKey: null });
        retired.push(key.kid);
      }
      storeKey(txDb, newStoredKey(generateKeyPairSync("ed25519").privateKey, wrapping));
    }),
  );
  const { kid } = openSigningKeys(db, secrets);
  return { kid, retired };
}

function toPublicKey(key: StoredSigningKey): PublicSigningKey {
  return { ...key.publicJwk, kid: key.kid, alg: "EdDSA", use: "sig" };
}

/** Every public key, the current one first: what GET /api/signing-key publishes. */
export function getPublicSigningKeys(db: AppDatabase): PublicSigningKey[] {
  return storedKeys(db).map(toPublicKey);
}

/** The public key that seals new signatures now. */
export function getCurrentPublicKey(db: AppDatabase): PublicSigningKey {
  const current = storedKeys(db).find((k) => k.status === "current");
  if (!current) throw new Error("No signing key: the server opens its keys at start (openSigningKeys)");
  return toPublicKey(current);
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
