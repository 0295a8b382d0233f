/**
 * Writes the demo school's SS12000 fixture (db/seed/demo-school.ss12000.json) from
 * db/seed/demo-school-data.ts: `npm run demo:fixture` after changing the demo school.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { demoFixtureText } from "../../db/seed/demo-fixture-text";

const path = fileURLToPath(new URL("../../db/seed/demo-school.ss12000.json", import.meta.url));
writeFileSync(path, demoFixtureText());
console.log(`wrote ${path}`);
