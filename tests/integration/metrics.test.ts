import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { firstPlanId, get, openEventStream, signIn } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";

const METRICS_TOKEN = "metrics-test-token-0123456789abcdefghij";
let server: TestServer;
const clients: PlanClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_TOKEN, COLLAB_UNLOAD_MS: "100" } });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await server.stop();
  server.cleanup();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

/** One sample's value (a line `name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

describe("/metrics", () => {
  it("is for the operators' token only", async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    expect(await scrape()).toContain("# TYPE iup_collab_documents gauge");
  });

  it("moves when people sign in, open plans, type and keep pages open, and names no one", async () => {
    const before = await scrape();
    const cookie = await signIn(server.url, "elev@demo.test");
    const planId = await firstPlanId(server.url, cookie);
    expect((await get(`${server.url}/plans/${planId}`, cookie)).status).toBe(200);
    const typist = connectToPlan(server.url, planId, cookie);
    clients.push(typist);
    await typist.synced();
    for (const char of "Hej!") typeInto(typist.doc, "about", char);
    const reader = connectToPlan(server.url, planId, await signIn(server.url, "mentor@demo.test"));
    clients.push(reader);
    await expect.poll(() => sectionText(reader.doc, "about")).toContain("Hej!");
    const stream = await openEventStream(`${server.url}/events?plan=${planId}`, cookie);

    const during = await scrape();
    expect(sample(during, "iup_sign_ins_total", 'method="password"') - sample(before, "iup_sign_ins_total", 'method="password"')).toBe(2);
    expect(sample(during, "iup_collab_documents")).toBe(1);
    expect(sample(during, "iup_collab_connections")).toBe(2);
    expect(sample(during, "iup_event_streams")).toBe(1);
    expect(sample(during, "iup_collab_updates_stored_total") - sample(before, "iup_collab_updates_stored_total")).toBeGreaterThanOrEqual(4);
    expect(sample(during, "iup_collab_store_seconds_count")).toBeGreaterThan(sample(before, "iup_collab_store_seconds_count"));
    expect(sample(during, "iup_http_request_duration_seconds_count", 'method="GET",route="/plans/:id",status="200"')).toBe(1);
    // Route patterns, counts and durations only: no plan id, no name.
    expect(during).not.toContain(planId);
    expect(during).not.toContain("Alva");

    stream.close();
    typist.destroy();
    reader.destroy();
    await expect.poll(async () => sample(await scrape(), "iup_event_streams")).toBe(0);
    await expect.poll(async () => sample(await scrape(), "iup_collab_documents")).toBe(0);
  });
});
