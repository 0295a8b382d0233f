import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { restoreDatabase } from "../../db/backup";

/**
 * `npm run restore -- <backup file>`: puts a backup in place of the database (DATABASE_PATH,
 * default ./data/app.sqlite). The server must be stopped; start it again afterwards.
 */
const backup = process.argv[2];
if (!backup) {
  console.error("Usage: npm run restore -- <backup file>");
  process.exit(2);
}
const target = process.env.DATABASE_PATH || "./data/app.sqlite";
const migrations = readdirSync(fileURLToPath(new URL("../../db/migrations", import.meta.url))).filter((f) => f.endsWith(".sql")).length;

try {
  const report = await restoreDatabase(backup, target, migrations);
  console.log(JSON.stringify({ restored: report.path, bytes: report.bytes, migrations: report.migrations }));
} catch (error) {
  console.error(`Restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
