import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { policyTableMarkdown } from "../../app/policies/index.server";

/** Writes the policies' table into the README between its markers (and prints it). */
const path = fileURLToPath(new URL("../../README.md", import.meta.url));
const readme = readFileSync(path, "utf8");
const start = readme.indexOf("<!-- policy-table -->");
const end = readme.indexOf("<!-- /policy-table -->");
if (start < 0 || end < 0) throw new Error("README.md has no <!-- policy-table --> markers");
const table = policyTableMarkdown();
writeFileSync(path, `${readme.slice(0, start)}<!-- policy-table -->\n${table}\n${readme.slice(end)}`);
console.log(table);
