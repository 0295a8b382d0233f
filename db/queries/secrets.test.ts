import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "../client";
import { deleteServerSecret, putServerSecret, withSecureErase } from "./secrets";

let folder = "";
let db: AppDatabase;
afterEach(() => {
  db?.$client.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Whether the database's files (main file and write-ahead log) hold these bytes anywhere. */
function filesHold(path: string, text: string): boolean {
  return [path, `${path}-wal`].some((file) => {
    try {
      return readFileSync(file).includes(Buffer.from(text));
    } catch {
      return false;
    }
  });
}

async function databaseWithSecret(value: string) {
  folder = mkdtempSync(join(tmpdir(), "iup-secrets-"));
  const path = join(folder, "app.sqlite");
  db = await openDatabase(path);
  putServerSecret(db, "a-before", "x".repeat(300));
  putServerSecret(db, "b-victim", value);
  putServerSecret(db, "c-after", "y".repeat(300));
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  return path;
}

describe("erasing a server secret", () => {
  const value = "-----BEGIN PRIVATE KEY-----MC4CAQAwBQYDK2VwBCIEIKnownSecretBytesThatMustNotSurvive0123456789";

  it("leaves the old bytes in the file when only deleted (what a backup would keep)", async () => {
    const path = await databaseWithSecret(value);
    deleteServerSecret(db, "b-victim");
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    expect(filesHold(path, value)).toBe(true);
  });

  it("overwrites them, in the file and its log, inside withSecureErase", async () => {
    const path = await databaseWithSecret(value);
    withSecureErase(db, () => deleteServerSecret(db, "b-victim"));
    expect(filesHold(path, value)).toBe(false);
    // And a replaced value too (a retired key's private half set to null).
    putServerSecret(db, "d-key", value);
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    withSecureErase(db, () => putServerSecret(db, "d-key", JSON.stringify({ privateKey: null })));
    expect(filesHold(path, value)).toBe(false);
  });
});
