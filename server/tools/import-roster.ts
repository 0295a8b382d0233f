import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { importRosterNow } from "../../app/services/roster-import/import.server";
import { fetchSs12000 } from "../../app/services/roster-import/ss12000-client.server";
import { readSs12000Files } from "../../app/services/roster-import/ss12000-files.server";
import { mapSs12000 } from "../../app/services/roster-import/ss12000-map.server";
import { countKinds } from "../../app/services/roster-import/plan.server";
import { openDatabase } from "../../db/client";
import { stockholmToday } from "../../db/school-calendar";
import { databaseInUse } from "../../db/server-marker";
import { readEnv, rosterSourcesFrom } from "../env";

/**
 * `npm run roster:import -- [--apply] [--school-unit <id>] (--api | <SS12000 files>)`: the first
 * import of a school (a new installation has no admin to use /admin/import), or one from a
 * schedule. Without --apply it only says what would change. It prints counts and problems, never
 * names. With a server running on the database it refuses: imports then go through the admin
 * page, so that ended rights close open plans at once.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { apply: { type: "boolean", default: false }, api: { type: "boolean", default: false }, "school-unit": { type: "string" } },
});
const env = readEnv();
const sources = rosterSourcesFrom(env);
const unit = values["school-unit"] ?? null;

if (databaseInUse(env.DATABASE_PATH)) {
  console.error("A server has this database open: import through /admin/import, or stop the server first.");
  process.exit(1);
}
if (!values.api && positionals.length === 0) {
  console.error("Usage: npm run roster:import -- [--apply] [--school-unit <id>] (--api | <SS12000 JSON files>)");
  process.exit(2);
}

let data;
if (values.api) {
  if (!sources.ss12000 || !unit) {
    console.error("--api needs SS12000_BASE_URL and its token settings, and --school-unit <the school unit's SS12000 id>");
    process.exit(2);
  }
  const fetched = await fetchSs12000(sources.ss12000, unit);
  if (fetched.problems.length > 0) {
    console.error(JSON.stringify({ problems: fetched.problems }));
    process.exit(1);
  }
  data = fetched.data;
} else {
  const read = readSs12000Files(positionals.map((path) => ({ name: basename(path), text: readFileSync(path, "utf8") })));
  if (!read.ok) {
    console.error(JSON.stringify({ problems: read.problems }));
    process.exit(1);
  }
  data = read.data;
}

const mapped = mapSs12000(data, { schoolUnitId: unit, today: stockholmToday(), externalIdContext: sources.externalIdContext });
if (!mapped.ok) {
  console.error(JSON.stringify({ problems: mapped.problems }));
  process.exit(1);
}
const db = await openDatabase(env.DATABASE_PATH);
try {
  const result = importRosterNow(db, { roster: mapped.roster, source: values.api ? "ss12000-api" : "ss12000-file", dryRun: !values.apply });
  if (!result.ok) {
    console.error(JSON.stringify({ problems: result.problems }));
    process.exit(1);
  }
  const counts = Object.fromEntries(countKinds.map((k) => [k, result.changes.counts[k]]));
  console.log(JSON.stringify({ applied: values.apply, school: result.changes.school.name, created: result.changes.school.created, writes: result.writes, counts, warnings: result.changes.warnings.length }));
  if (!values.apply) console.log("Nothing was written. Run again with --apply to import.");
} finally {
  db.$client.close();
}
