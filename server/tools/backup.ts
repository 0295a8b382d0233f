import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { backupDatabase } from "../../db/backup";

/**
 * `npm run backup [-- --to <file>]`: a consistent copy of the database (DATABASE_PATH, default
 * ./data/app.sqlite) while the server runs. Default destination: ./backups/app-<time>.sqlite.
 */
const source = process.env.DATABASE_PATH || "./data/app.sqlite";
const toIndex = process.argv.indexOf("--to");
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const destination = toIndex > 0 ? process.argv[toIndex + 1]! : join("backups", `app-${stamp}.sqlite`);
mkdirSync(dirname(destination), { recursive: true });

try {
  const started = Date.now();
  const report = await backupDatabase(source, destination);
  console.log(JSON.stringify({ backup: report.path, bytes: report.bytes, migrations: report.migrations, ms: Date.now() - started }));
} catch (error) {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
