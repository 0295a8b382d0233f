import { demoSchoolData } from "./demo-school-data";

/**
 * The fixture as committed: one file in the shape of the SS12000 API's answers, one endpoint per
 * key (`{"persons": {"data": [...]}, ...}`), one object per line so that a change to the demo
 * school reads as a change of a few lines.
 */
export function demoFixtureText(): string {
  const data = demoSchoolData();
  const endpoints = Object.entries(data).map(
    ([name, items]) => `  "${name}": {\n    "data": [\n${(items as unknown[]).map((item) => `      ${JSON.stringify(item)}`).join(",\n")}\n    ],\n    "pageToken": null\n  }`,
  );
  return `{\n${endpoints.join(",\n")}\n}\n`;
}
