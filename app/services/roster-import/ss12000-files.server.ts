import type { z } from "zod/v4";
import type { RosterProblem } from "./roster";
import { collectionNames, collections, emptyData, type CollectionName, type Ss12000Data } from "./ss12000-model";

/** Problems listed before the rest are left out (a wholly wrong file would list thousands). */
const MAX_PROBLEMS = 200;

/**
 * Adds one endpoint's objects to the data, checking each against the standard's schema. A
 * problem names the object by its place ("persons.json: data[12].givenName") and what is wrong.
 */
export function addObjects(data: Ss12000Data, collection: CollectionName, items: unknown[], where: string, problems: RosterProblem[]) {
  const schema = collections[collection] as z.ZodTypeAny;
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      (data[collection] as unknown[]).push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      if (problems.length >= MAX_PROBLEMS) return;
      problems.push({
        where: `${where}[${index}]${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`,
        problem: issue.code === "invalid_type" && issue.message.endsWith("received undefined") ? "required" : "invalidValue",
      });
    }
  });
}

/**
 * SS12000 data from uploaded files, in the shape the API answers: either one file holding
 * several endpoints (`{"persons": {"data": [...]}, "groups": {...}, ...}`), or a file per
 * endpoint and page (`{"data": [...], "pageToken": ...}`) named after its endpoint
 * (`persons.json`, `persons-2.json`).
 */
export function readSs12000Files(files: Array<{ name: string; text: string }>): { ok: true; data: Ss12000Data } | { ok: false; problems: RosterProblem[] } {
  const data = emptyData();
  const problems: RosterProblem[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(file.text);
    } catch (error) {
      problems.push({ where: file.name, problem: "notJson", values: { detail: error instanceof Error ? error.message.slice(0, 120) : "" } });
      continue;
    }
    const items = (value: unknown): unknown[] | null =>
      Array.isArray(value) ? value : value && typeof value === "object" && Array.isArray((value as { data?: unknown }).data) ? (value as { data: unknown[] }).data : null;
    const endpoint = collectionNames.find((name) => file.name.toLowerCase().startsWith(name));
    const page = items(json);
    if (page && endpoint && !Array.isArray(json)) {
      addObjects(data, endpoint, page, `${file.name}: data`, problems);
      continue;
    }
    if (json && typeof json === "object" && !Array.isArray(json) && collectionNames.some((name) => name in json)) {
      for (const name of collectionNames) {
        if (!(name in json)) continue;
        const list = items((json as Record<string, unknown>)[name]);
        if (list) addObjects(data, name, list, `${file.name}: ${name}.data`, problems);
        else problems.push({ where: `${file.name}: ${name}`, problem: "notAList" });
      }
      continue;
    }
    problems.push({ where: file.name, problem: "unknownShape", values: { endpoints: collectionNames.join(", ") } });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, data };
}
