import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { firstPlanId, postForm, signIn } from "../support/http";
import { openSchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * `npm run backup` copies the running database; `npm run restore` brings a copy back. Tried as an
 * operator would: the backup is taken while a pupil is typing, the database is lost, the copy is
 * restored and the server started on it, and the signed plan in it still verifies.
 */

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const npm = (script: string, args: string[], databasePath: string) =>
  run("npm", ["run", "--silent", script, "--", ...args], { cwd: projectRoot, env: { ...process.env, DATABASE_PATH: databasePath } });

let server: TestServer;
let folder: string;
const clients: PlanClient[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "iup-backup-"));
  server = await startTestServer({ databasePath: join(folder, "app.sqlite") });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await server.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("copies the running database while someone writes, and a restored copy holds a signed plan that still verifies", async () => {
    const alva = await signIn(server.url, "elev@demo.test");
    const jonas = await signIn(server.url, "mentor@demo.test");
    const planId = await firstPlanId(server.url, alva);
    const writer = connectToPlan(server.url, planId, alva);
    clients.push(writer);
    await writer.synced();
    typeInto(writer.doc, "about", "Jag gillar matte.");
    await expect.poll(async () => {
      const check = connectToPlan(server.url, planId, alva);
      await check.synced();
      const text = sectionText(check.doc, "about");
      check.destroy();
      return text;
    }).toContain("Jag gillar matte.");
    writer.destroy();

    // Locked and signed by the pupil and the mentor.
    expect((await postForm(`${server.url}/plans/${planId}`, { intent: "lock" }, jonas)).status).toBe(200);
    const school = openSchoolDatabase(server.databasePath);
    const { code, hash, version } = school.one<{ code: string; hash: string; version: number }>(
      "select verification_code as code, content_hash as hash, version from plan_versions where plan_id = ?",
      planId,
    );
    school.close();
    // Each signs what the page showed them: this version and its hash.
    const sign = { intent: "sign", version: String(version), contentHash: hash };
    expect((await postForm(`${server.url}/plans/${planId}`, sign, alva)).status).toBe(200);
    expect((await postForm(`${server.url}/plans/${planId}`, sign, jonas)).status).toBe(200);

    // The backup is taken while the server runs and another pupil types.
    const nora = await signIn(server.url, "skyddad@demo.test");
    const typist = connectToPlan(server.url, await firstPlanId(server.url, nora), nora);
    clients.push(typist);
    await typist.synced();
    const typing = setInterval(() => typeInto(typist.doc, "goals", "x"), 5);
    const backupPath = join(folder, "copies", "backup.sqlite");
    const backup = await npm("backup", ["--to", backupPath], server.databasePath);
    clearInterval(typing);
    expect(JSON.parse(backup.stdout.trim())).toMatchObject({ backup: backupPath, migrations: expect.any(Number) });

    // A restore refuses while the server has the database open.
    await expect(npm("restore", [backupPath], server.databasePath)).rejects.toMatchObject({ stderr: expect.stringContaining("stop it before restoring") });

    // The database is lost; the copy is restored and the server started on it.
    await server.stop();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${server.databasePath}${suffix}`, { force: true });
    expect(existsSync(server.databasePath)).toBe(false);
    const restored = await npm("restore", [backupPath], server.databasePath);
    expect(JSON.parse(restored.stdout.trim())).toMatchObject({ restored: server.databasePath });
    await server.restart();

    const verified = await postForm(`${server.url}/verify`, { intent: "code", code });
    const page = await verified.text();
    expect(verified.status).toBe(200);
    expect(page).toContain("Äkta och oförändrad");
    expect(page).toContain(hash);
    // The pupil's words are in the restored plan, and she can open it.
    const again = await signIn(server.url, "elev@demo.test");
    const reader = connectToPlan(server.url, planId, again);
    clients.push(reader);
    await reader.synced();
    expect(sectionText(reader.doc, "about")).toContain("Jag gillar matte.");
  });

  it("refuses a file that is not a database of this app, and changes nothing", async () => {
    const bogus = join(folder, "not-a-backup.sqlite");
    await run("sh", ["-c", `echo nonsense > ${bogus}`]);
    const target = join(folder, "untouched.sqlite");
    await expect(npm("restore", [bogus], target)).rejects.toMatchObject({ stderr: expect.stringContaining("Restore failed") });
    expect(existsSync(target)).toBe(false);
  });
});
