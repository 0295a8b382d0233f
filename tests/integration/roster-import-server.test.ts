import { readFileSync } from "node:fs";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImportChanges } from "../../app/services/roster-import/plan.server";
import { readSs12000Files } from "../../app/services/roster-import/ss12000-files.server";
import type { Ss12000Data } from "../../app/services/roster-import/ss12000-model";
import { schoolYearStartYear, stockholmToday } from "../../db/school-calendar";
import { DEMO_REFERENCE_YEAR } from "../../db/seed/demo-school-data";
import { shiftYears } from "../../db/seed/demo-school";
import { asUploadFile } from "../support/big-school";
import { connectToPlan, type PlanClient } from "../support/collab-client";
import { get, openEventStream, postForm, signIn } from "../support/http";
import { loaderData, openSchoolDatabase, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";
import { startSs12000StandIn, type Ss12000StandIn } from "../support/ss12000-server";

/**
 * The roster import through the real server: the admin uploads, reads the dry run and applies;
 * a guardian whose custody ends loses the open plan at once; a CSV with errors is refused with
 * every error and changes nothing; the SS12000 API of a stand-in school system is read page by
 * page with a token (or OAuth2 client credentials).
 */

/** The demo school as its administration system would hand it over today. */
function demoData(): Ss12000Data {
  const read = readSs12000Files([{ name: "demo.json", text: readFileSync(new URL("../../db/seed/demo-school.ss12000.json", import.meta.url), "utf8") }]);
  if (!read.ok) throw new Error("fixture");
  return shiftYears(read.data, schoolYearStartYear(stockholmToday()) - DEMO_REFERENCE_YEAR);
}

async function upload(server: TestServer, cookie: string, files: Array<{ name: string; text: string }>, path = "/admin/import"): Promise<Response> {
  const form = new FormData();
  form.set("intent", "upload");
  for (const file of files) form.append("files", new Blob([file.text]), file.name);
  return fetch(`${server.url}${path}`, { method: "POST", body: form, headers: { Cookie: cookie }, redirect: "manual" });
}

/** An action's answer as the page's own form gets it (single fetch, `.data`), decoded. */
async function actionAnswer(response: Response): Promise<{ problems: Array<{ problem: string; values?: Record<string, string> }> }> {
  const decoded = await decode(response.body!);
  await decoded.done;
  return (decoded.value as { data: { problems: Array<{ problem: string; values?: Record<string, string> }> } }).data;
}

async function dryRun(server: TestServer, cookie: string, location: string): Promise<{ run: { status: string }; changes: ImportChanges }> {
  const data = await loaderData(server.url, location, cookie);
  return data["routes/admin_.import_.$runId"]!.data as { run: { status: string }; changes: ImportChanges };
}

const rosterTables = ["people", "pupils", "staff", "guardianships", "groups", "group_members", "mentorships", "teaching_duties", "terms", "subjects"];

describe("importing through the admin pages", () => {
  let server: TestServer;
  let school: SchoolDatabase;
  const clients: PlanClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    school = openSchoolDatabase(server.databasePath);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    school?.close();
    await server?.stop();
    server?.cleanup();
  });

  const dump = () => rosterTables.map((t) => JSON.stringify(school.all(`select * from ${t} order by 1, 2`)));

  it("ends a guardian's custody: the dry run says so, applying closes her open plan at once, and she cannot come back", async () => {
    const admin = await signIn(server.url, "admin@demo.test");
    const sara = await signIn(server.url, "vh@demo.test");
    const alvaId = school.personId("elev@demo.test");
    const elisId = school.personNamed("Elis", "Lindqvist");
    const alvaPlan = ((await (await get(`${server.url}/api/me/plans`, sara)).json()) as { plans: Array<{ planId: string; pupilName: string }> }).plans.find((p) => p.pupilName === "Alva Lindqvist")!.planId;
    const saraClient = connectToPlan(server.url, alvaPlan, sara);
    clients.push(saraClient);
    await saraClient.synced();
    const stream = await openEventStream(`${server.url}/events?plan=${alvaPlan}`, sara);
    expect(stream.status).toBe(200);

    const data = demoData();
    const saraSource = school.one<{ source_id: string }>("select source_id from people where email = 'vh@demo.test'").source_id;
    const alva = data.persons.find((p) => p.emails?.[0]?.value === "elev@demo.test")!;
    alva.responsibles = alva.responsibles!.filter((r) => r.person.id !== saraSource);

    const uploaded = await upload(server, admin, [{ name: "solbacken.json", text: asUploadFile(data) }]);
    expect(uploaded.status).toBe(302);
    const location = uploaded.headers.get("location")!;
    const preview = await dryRun(server, admin, location);
    expect(preview.run.status).toBe("pending");
    expect(preview.changes.counts.guardianships).toEqual({ added: 0, changed: 0, ended: 1 });
    expect(preview.changes.people.map((p) => [`${p.givenName} ${p.familyName}`, p.fields])).toEqual([
      ["Alva Lindqvist", [{ field: "guardians", added: [], removed: ["Sara Lindqvist"] }]],
      ["Sara Lindqvist", [{ field: "children", added: [], removed: ["Alva Lindqvist"] }]],
    ]);
    // Nothing has changed yet: Sara still reads along.
    expect(saraClient.closeCodes).toEqual([]);
    expect(school.count("select count(*) n from guardianships where pupil_id = ?", alvaId)).toBe(2);

    const applied = await postForm(`${server.url}${location}`, { intent: "apply" }, admin);
    expect(applied.status).toBe(200);
    await expect.poll(() => saraClient.closeCodes).toContain(4409);
    saraClient.destroy();
    // Her open page's event stream ends at once (she may no longer hear of the plan), and reloading is refused.
    await stream.finished;
    expect(stream.hasEnded()).toBe(true);
    expect((await get(`${server.url}/plans/${alvaPlan}`, sara)).status).toBe(404);
    expect((await get(`${server.url}/events?plan=${alvaPlan}`, sara)).status).toBe(404);
    // Still Elis's guardian; the plan and everything in it are kept.
    expect((await get(`${server.url}/pupils/${elisId}`, sara)).status).toBe(200);
    expect(school.count("select count(*) n from plans where id = ?", alvaPlan)).toBe(1);
    // Who, when and the changes are kept.
    const run = await dryRun(server, admin, location);
    expect(run.run.status).toBe("applied");
    expect(school.one<{ actor_id: string; writes: number }>("select actor_id, writes from import_runs where status = 'applied' order by applied_at desc limit 1")).toEqual({
      actor_id: school.personId("admin@demo.test"),
      writes: 1,
    });

    // Applying the same preview again does nothing more.
    expect((await postForm(`${server.url}${location}`, { intent: "apply" }, admin)).status).toBe(404);
  });

  it("refuses a CSV with errors, listing every one with its line and column, and changes nothing", async () => {
    const admin = await signIn(server.url, "admin@demo.test");
    const before = dump();
    const csv = [
      "id;roll;förnamn;efternamn;e-post;födelsedatum;skyddad;årskurs;klass;mentorsgrupp;grupper;vårdnadshavare;undervisar",
      "e1;elev;Alva;Test;inte-en-adress;2012-02-30;kanske;8;8A;;;v9;",
      "e1;rektor;;Test;;;;;;;;;",
      "l1;lärare, admin;Karin;Test;karin@test.se;;;;;;;;XX 8A",
    ].join("\n");
    const response = await upload(server, admin, [{ name: "elever.csv", text: csv }], "/admin/import.data");
    expect(response.status).toBe(400);
    const body = await actionAnswer(response);
    expect(body.problems.map((p) => [p.values!.line, p.values!.column ?? null, p.problem])).toEqual([
      ["2", "E", "csvEmail"],
      ["2", "F", "csvDate"],
      ["2", "G", "csvYesNo"],
      ["2", "L", "csvUnknownId"],
      ["3", "A", "csvDuplicateId"],
      ["3", "C", "csvRequired"],
      ["3", "B", "csvUnknownRole"],
      ["4", "M", "csvSubject"],
    ]);
    expect(dump()).toEqual(before);
    // Admins only, each for their own school.
    expect((await upload(server, await signIn(server.url, "mentor@demo.test"), [{ name: "elever.csv", text: csv }])).status).toBe(404);
  });

  it("gives the CSV template to admins only", async () => {
    const response = await get(`${server.url}/admin/import/template.csv`, await signIn(server.url, "admin@demo.test"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect((await response.text()).replace(/^\uFEFF/, "").split("\r\n")[0]).toBe("id;roll;förnamn;efternamn;e-post;födelsedatum;skyddad;årskurs;klass;mentorsgrupp;grupper;vårdnadshavare;undervisar");
    expect((await get(`${server.url}/admin/import/template.csv`, await signIn(server.url, "vh@demo.test"))).status).toBe(404);
  });
});

describe("reading the school's SS12000 API", () => {
  let standIn: Ss12000StandIn;
  let server: TestServer | undefined;

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
    await standIn?.close();
  });

  it("follows the pages with its bearer token and finds the school as it is", async () => {
    standIn = await startSs12000StandIn(demoData(), { token: "skolans-token" });
    server = await startTestServer({ env: { SS12000_BASE_URL: standIn.url, SS12000_TOKEN: "skolans-token", SS12000_PAGE_SIZE: "25" } });
    const admin = await signIn(server.url, "admin@demo.test");
    const response = await postForm(`${server.url}/admin/import`, { intent: "fetch" }, admin);
    expect(response.status).toBe(302);
    const preview = await dryRun(server, admin, response.headers.get("location")!);
    expect(preview.changes.empty).toBe(true);
    expect(standIn.requests.every((r) => r.authorized)).toBe(true);
    const persons = standIn.requests.filter((r) => r.path === "/persons");
    // 122 pupils and more at 25 a page: several pages, each after the first asked by its token alone.
    expect(persons.filter((r) => r.query.pageToken).length).toBeGreaterThanOrEqual(4);
    for (const r of persons.filter((r) => r.query.pageToken)) expect(Object.keys(r.query).sort()).toEqual(["limit", "pageToken"]);
    expect(standIn.requests.some((r) => r.path === "/syllabuses/lookup")).toBe(true);
    await server.stop();
    server.cleanup();
    server = undefined;
    await standIn.close();
  });

  it("gets its token with OAuth2 client credentials, and a refused token changes nothing", async () => {
    standIn = await startSs12000StandIn(demoData(), { client: { id: "iup", secret: "hemligt" } });
    server = await startTestServer({
      env: { SS12000_BASE_URL: standIn.url, SS12000_TOKEN_URL: `${standIn.url}/token`, SS12000_CLIENT_ID: "iup", SS12000_CLIENT_SECRET: "hemligt", SS12000_PAGE_SIZE: "50" },
    });
    const admin = await signIn(server.url, "admin@demo.test");
    const response = await postForm(`${server.url}/admin/import`, { intent: "fetch" }, admin);
    expect(response.status).toBe(302);
    expect(standIn.tokensIssued).toBe(1);
    expect(standIn.requests.filter((r) => r.path !== "/token").every((r) => r.authorized)).toBe(true);
    await server.stop();
    server.cleanup();

    server = await startTestServer({ env: { SS12000_BASE_URL: standIn.url, SS12000_TOKEN: "fel-token" } });
    const refused = await postForm(`${server.url}/admin/import.data`, { intent: "fetch" }, await signIn(server.url, "admin@demo.test"));
    expect(refused.status).toBe(502);
    expect((await actionAnswer(refused)).problems.map((p) => p.problem)).toEqual(["apiRefused"]);
    const db = openSchoolDatabase(server.databasePath);
    expect(db.count("select count(*) n from import_runs where status = 'pending'")).toBe(0);
    db.close();
  });
});
