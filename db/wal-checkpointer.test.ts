import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type AppDatabase } from "./client";
import { startWalCheckpointer } from "./wal-checkpointer";

const folders: string[] = [];
const databases: AppDatabase[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.$client.close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function freshDatabase() {
  const folder = mkdtempSync(join(tmpdir(), "iup-wal-"));
  folders.push(folder);
  const path = join(folder, "app.sqlite");
  const db = await openDatabase(path);
  databases.push(db);
  return { db, path };
}

describe("the WAL checkpointer", () => {
  it("copies committed writes into the database file from its worker, while the server's connection never checkpoints them itself", async () => {
    const { db, path } = await freshDatabase();
    const errors: string[] = [];
    const checkpointer = startWalCheckpointer(db, path, (code) => errors.push(code));
    db.$client.exec("create table filler (data blob not null)");
    const before = statSync(path).size;
    const insert = db.$client.prepare("insert into filler (data) values (?)");
    // ~2 MB in 500 commits: far below the main connection's own threshold now.
    for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(4096, i % 256));
    await expect.poll(() => statSync(path).size, { timeout: 5_000, interval: 100 }).toBeGreaterThan(before + 1_500_000);
    await checkpointer.stop();
    expect(errors).toEqual([]);
    // The server's connection still reads and writes normally afterwards.
    insert.run(Buffer.alloc(16));
    expect((db.$client.prepare("select count(*) as n from filler").get() as { n: number }).n).toBe(501);
  });
});
