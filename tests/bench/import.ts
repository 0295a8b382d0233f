/**
 * `npm run bench:import`: imports a 1,000-pupil school (about 1,800 guardians and 100 staff) from
 * an SS12000 file into a fresh SQLite database, then the same file again (no change), and prints
 * the figures. Each step is what the admin's "apply" does: read the file, check it against the
 * standard, map it, compare with what is stored and write the difference in one transaction.
 * Targets: first import under 5 s, no-change re-import under 2 s. Rounds: `--rounds=N` (default 3).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importRosterNow } from "../../app/services/roster-import/import.server";
import { readSs12000Files } from "../../app/services/roster-import/ss12000-files.server";
import { mapSs12000 } from "../../app/services/roster-import/ss12000-map.server";
import { openDatabase } from "../../db/client";
import { asUploadFile, bigSchool } from "../support/big-school";

const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);
const today = "2026-10-05";
const school = bigSchool({ pupils: 1000, staff: 100, startYear: 2026 });
const file = asUploadFile(school.data);
const guardians = new Set(school.data.persons.flatMap((p) => (p.responsibles ?? []).map((r) => r.person.id))).size;

async function importOnce(db: Awaited<ReturnType<typeof openDatabase>>) {
  const started = performance.now();
  const read = readSs12000Files([{ name: "storskolan.json", text: file }]);
  if (!read.ok) throw new Error("file refused");
  const mapped = mapSs12000(read.data, { schoolUnitId: null, today, externalIdContext: null });
  if (!mapped.ok) throw new Error("map refused");
  const result = importRosterNow(db, { roster: mapped.roster, source: "ss12000-file" });
  if (!result.ok) throw new Error("import refused");
  return { ms: performance.now() - started, writes: result.writes };
}

const first: number[] = [];
const again: number[] = [];
let writes = { first: 0, again: 0 };
for (let round = 0; round < rounds; round++) {
  const folder = mkdtempSync(join(tmpdir(), "iup-bench-import-"));
  const db = await openDatabase(join(folder, "bench.sqlite"));
  try {
    const a = await importOnce(db);
    const b = await importOnce(db);
    first.push(a.ms);
    again.push(b.ms);
    writes = { first: a.writes, again: b.writes };
  } finally {
    db.$client.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`school: 1000 pupils, ${guardians} guardians, 100 staff, ${school.data.groups.length} groups, ${school.data.activities.length} activities; file ${(file.length / 1e6).toFixed(1)} MB`);
// The first round runs the import's code cold (as a server's first import of the day does); it is the one held to the targets.
const verdict = (ms: number, target: number) => (ms < target ? "met" : "MISSED");
console.log(`first import:     cold ${fmt(first[0]!)}, median ${fmt(median(first))} (rounds ${first.map(fmt).join(", ")}), ${writes.first} rows written — target < 5 s: ${verdict(first[0]!, 5000)}`);
console.log(`no-change import: cold ${fmt(again[0]!)}, median ${fmt(median(again))} (rounds ${again.map(fmt).join(", ")}), ${writes.again} rows written — target < 2 s: ${verdict(again[0]!, 2000)}`);
console.log(JSON.stringify({ pupils: 1000, guardians, staff: 100, firstColdMs: Math.round(first[0]!), firstMedianMs: Math.round(median(first)), noChangeColdMs: Math.round(again[0]!), noChangeMedianMs: Math.round(median(again)), firstWrites: writes.first, noChangeWrites: writes.again, rounds }));
