import { spawn } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import canonicalize from "canonicalize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { firstPlanId, get, postForm, signInEach } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The server's sealing key against someone holding a copy of the database: the private key is kept
 * encrypted with SIGNING_KEY_SECRET, a database from before (with the key in clear) is converted at
 * start, and a rotation keeps every old public key so old signatures still verify.
 */

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const SECRET_A = "first-signing-key-secret-0123456789abcdef";
const SECRET_B = "second-signing-key-secret-0123456789abcdef";

let folder = "";
let databasePath = "";
let server: TestServer | null = null;
/** The key an older version of the server made and kept in clear in the database. */
const legacy = generateKeyPairSync("ed25519");
const legacyPem = legacy.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const legacyJwk = createPublicKey(legacy.privateKey).export({ format: "jwk" });
const legacyKid = createHash("sha256").update(canonicalize({ crv: legacyJwk.crv, kty: legacyJwk.kty, x: legacyJwk.x })!).digest("base64url");
const legacySeed = Buffer.from(createPrivateKey(legacyPem).export({ format: "jwk" }).d!, "base64url");

async function start(env: Record<string, string>) {
  server = await startTestServer({ databasePath, env });
  return server;
}
async function stop() {
  await server?.stop();
  server = null;
}

interface Jwks {
  keys: Array<{ kty: string; crv: string; x: string; kid: string; alg: string; use: string }>;
}
const publishedKeys = async () => (await (await get(`${server!.url}/api/signing-key`)).json()) as Jwks;

function readDatabase<T>(read: (db: Database.Database) => T): T {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Locks Alva's plan and has everyone sign it; returns its verification code. */
async function lockAndSignAlvasPlan(): Promise<string> {
  const cookies = await signInEach(server!.url, { alva: "elev@demo.test", mentor: "mentor@demo.test" });
  const planId = await firstPlanId(server!.url, cookies.alva!);
  const act = (who: string, fields: Record<string, string>) => postForm(`${server!.url}/plans/${planId}`, fields, cookies[who]);
  expect((await act("mentor", { intent: "lock" })).status).toBe(200);
  const version = readDatabase((db) => db.prepare("select version, content_hash as contentHash, verification_code as code from plan_versions where plan_id = ? order by version desc").get(planId)) as {
    version: number;
    contentHash: string;
    code: string;
  };
  for (const who of ["alva", "mentor"]) {
    expect((await act(who, { intent: "sign", version: String(version.version), contentHash: version.contentHash })).status).toBe(200);
  }
  return version.code;
}

async function verdictByCode(code: string): Promise<string> {
  const html = await (await postForm(`${server!.url}/verify`, { intent: "code", code })).text();
  return /<h2 id="verify-result"[^>]*>([^<]*)</.exec(html)?.[1] ?? "";
}

function rotate(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/signing-key-rotate.ts"], {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: "test", DATABASE_PATH: databasePath, LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "iup-key-"));
  databasePath = join(folder, "app.sqlite");
  // A database as the previous version left it: the sealing key in clear among the server's secrets.
  const db = await openDatabase(databasePath);
  db.$client.prepare("insert into server_secrets (name, value) values (?, ?)").run("plan-signing-key-ed25519", legacyPem);
  db.$client.close();
});

afterAll(async () => {
  await stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("the sealing key", () => {
  let legacyCode = "";

  it("is taken over from an older database, encrypted, and the clear copy is gone from the file", async () => {
    await start({ SIGNING_KEY_SECRET: SECRET_A });
    expect((await publishedKeys()).keys.map((k) => k.kid)).toEqual([legacyKid]);
    legacyCode = await lockAndSignAlvasPlan();
    expect(await verdictByCode(legacyCode)).toBe("Äkta och oförändrad");
    // The signatures are sealed with the key the older version made.
    const rows = readDatabase((db) => db.prepare("select statement, seal, key_id as keyId from signatures").all()) as Array<{ statement: string; seal: string; keyId: string }>;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.keyId).toBe(legacyKid);
      expect(verify(null, Buffer.from(row.statement), createPublicKey(legacyPem), Buffer.from(row.seal, "base64url"))).toBe(true);
    }

    const secrets = readDatabase((db) => db.prepare("select name, value from server_secrets").all()) as Array<{ name: string; value: string }>;
    expect(secrets.map((s) => s.name)).not.toContain("plan-signing-key-ed25519");
    for (const { value } of secrets) {
      expect(value).not.toContain("PRIVATE KEY");
      expect(value).not.toMatch(/"d"\s*:/);
    }
    // Not even in pages SQLite freed or in its log: a backup of the files holds no key in clear.
    const pemBody = legacyPem.split("\n")[1]!;
    for (const file of [databasePath, `${databasePath}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(pemBody)), file).toBe(false);
      expect(bytes.includes(legacySeed), file).toBe(false);
    }
  });

  it("cannot be used without its secret: another secret stops the start with a clear message", async () => {
    await stop();
    await expect(start({ SIGNING_KEY_SECRET: SECRET_B })).rejects.toThrow(/SIGNING_KEY_SECRET/);
    await start({ SIGNING_KEY_SECRET: SECRET_A });
    expect(await verdictByCode(legacyCode)).toBe("Äkta och oförändrad");
  });

  it("moves to a new secret when the old one is given as SIGNING_KEY_SECRET_PREVIOUS", async () => {
    await stop();
    await start({ SIGNING_KEY_SECRET: SECRET_B, SIGNING_KEY_SECRET_PREVIOUS: SECRET_A });
    await stop();
    await start({ SIGNING_KEY_SECRET: SECRET_B });
    expect(await verdictByCode(legacyCode)).toBe("Äkta och oförändrad");
    await stop();
    await expect(start({ SIGNING_KEY_SECRET: SECRET_A })).rejects.toThrow(/SIGNING_KEY_SECRET/);
  });

  it("rotates to a new key pair, keeps publishing the old public key, and old signatures still verify", async () => {
    const wrong = await rotate({ SIGNING_KEY_SECRET: SECRET_A });
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toContain("SIGNING_KEY_SECRET");
    const rotated = await rotate({ SIGNING_KEY_SECRET: SECRET_B });
    expect(rotated.code, rotated.output).toBe(0);

    await start({ SIGNING_KEY_SECRET: SECRET_B });
    const { keys } = await publishedKeys();
    expect(keys).toHaveLength(2);
    const [current, old] = keys;
    expect(old!.kid).toBe(legacyKid);
    expect(current!.kid).not.toBe(legacyKid);
    for (const key of keys) expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(await verdictByCode(legacyCode)).toBe("Äkta och oförändrad");

    // New signatures are sealed with the new key (a correction: unlock, lock and sign again).
    const cookies = await signInEach(server!.url, { alva: "elev@demo.test", mentor: "mentor@demo.test" });
    const planId = await firstPlanId(server!.url, cookies.alva!);
    expect((await postForm(`${server!.url}/plans/${planId}`, { intent: "unlock", reason: "Rättelse" }, cookies.mentor)).status).toBe(200);
    const code = await lockAndSignAlvasPlan();
    expect(await verdictByCode(code)).toBe("Äkta och oförändrad");
    const kids = readDatabase((db) => db.prepare("select distinct key_id as kid from signatures order by signed_at").all()) as Array<{ kid: string }>;
    expect(kids.map((k) => k.kid)).toEqual([legacyKid, current!.kid]);
    // The retired private key is no longer kept at all: it can never seal again.
    const stored = readDatabase((db) => db.prepare("select value from server_secrets where name like 'plan-signing-key%'").all()) as Array<{ value: string }>;
    const retired = stored.map((s) => JSON.parse(s.value) as { kid: string; privateKey: unknown }).find((k) => k.kid === legacyKid)!;
    expect(retired.privateKey).toBeNull();
  });

  it("refuses the development secret in production", async () => {
    await stop();
    await expect(
      start({
        NODE_ENV: "production",
        PUBLIC_URL: "https://iup.example.test",
        SESSION_SECRET: "a-session-secret-of-at-least-32-characters!",
        SIGNING_KEY_SECRET: "development-only-signing-key-secret-not-for-production",
      }),
    ).rejects.toThrow(/SIGNING_KEY_SECRET/);
  });
});
