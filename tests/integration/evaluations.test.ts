import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { download, get, postForm, signInEach } from "../support/http";
import { lockAndSign } from "../support/plan-journey";
import { createTalkDay, loaderData, openSchoolDatabase, postFields, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The evaluation after a talk through the real server: who may answer (once, and only after
 * signing), that the stored answers name no one, who reads a talk day's results and its CSV, and
 * that a small group's answers are held back.
 */

let server: TestServer;
let school: SchoolDatabase;
let cookies: Record<string, string> = {};
let eventId = "";
const talks: Record<string, string> = {};

const evaluationOf = (talk: string) => `${server.url}/talks/${talks[talk]}/evaluation`;
const answer = (who: string, talk: string, fields: Record<string, string>) => postForm(evaluationOf(talk), fields, cookies[who]);
const responses = () => school.all<Record<string, unknown>>("select * from evaluation_responses");

beforeAll(async () => {
  server = await startTestServer();
  school = openSchoolDatabase(server.databasePath);
  cookies = await signInEach(server.url, {
    admin: "admin@demo.test",
    admin2: "admin2@demo.test",
    alva: "elev@demo.test",
    nora: "skyddad@demo.test",
    adam: "myndig@demo.test",
    sara: "vh@demo.test",
    johan: "vh2@demo.test",
    amina: "skyddad.vh@demo.test",
    hodan: "myndig.vh@demo.test",
    petra: "annan.vh@demo.test",
    jonas: "mentor@demo.test",
    erik: "svenska@demo.test",
    karin: "matte@demo.test",
  });
  eventId = await createTalkDay(server.url, cookies.admin!, { groupIds: [school.groupId("8A – Jonas Ek"), school.groupId("9A – Erik Sandberg")] });
  expect((await postFields(`${server.url}/talk-days/${eventId}`, [["intent", "invite"]], cookies.admin)).status).toBe(200);
  for (const [key, email] of Object.entries({ alva: "elev@demo.test", nora: "skyddad@demo.test", adam: "myndig@demo.test", ella: "ella.lund@elev.solbacken.demo.test" })) {
    talks[key] = school.talkOf(eventId, school.personId(email))!.id;
  }
  // Alva's plan is signed by her, Sara (Johan took no part) and Jonas; Nora's by her, Amina and
  // Jonas; Adam's (18, not shared) by him and Erik. Ella's is still a draft.
  await lockAndSign(server.url, school, school.planOf(school.personId("elev@demo.test")), { mentor: cookies.jonas!, guardianIds: [school.personId("vh@demo.test")], signers: [cookies.alva!, cookies.sara!] });
  await lockAndSign(server.url, school, school.planOf(school.personId("skyddad@demo.test")), { mentor: cookies.jonas!, guardianIds: [school.personId("skyddad.vh@demo.test")], signers: [cookies.nora!, cookies.amina!] });
  await lockAndSign(server.url, school, school.planOf(school.personId("myndig@demo.test")), { mentor: cookies.erik!, guardianIds: [], signers: [cookies.adam!] });
}, 60_000);

afterAll(async () => {
  school?.close();
  await server?.stop();
  server?.cleanup();
});

describe("who answers", () => {
  it("opens a talk's evaluation to the pupil, the guardians who signed and the mentor, once the plan is signed; to no one else", async () => {
    const seen: Record<string, number> = {};
    for (const who of Object.keys(cookies)) seen[who] = (await get(evaluationOf("alva"), cookies[who])).status;
    expect(seen).toEqual({
      admin: 404, admin2: 404, alva: 200, nora: 404, adam: 404, sara: 200,
      // Johan reads Alva's plan but did not sign it: he took no part in the talk.
      johan: 404,
      amina: 404, hodan: 404, petra: 404, jonas: 200,
      // Her teachers are not asked; only her mentor.
      erik: 404, karin: 404,
    });
    // Adam is 18 and has not shared his plan: his guardian is not asked; his mentor is.
    expect((await get(evaluationOf("adam"), cookies.hodan)).status).toBe(404);
    expect((await get(evaluationOf("adam"), cookies.erik)).status).toBe(200);
    // Ella's plan is not signed: no evaluation yet, not even for her mentor.
    expect((await get(evaluationOf("ella"), cookies.jonas)).status).toBe(404);
    expect((await answer("jonas", "ella", { overall: "good" })).status).toBe(404);
    expect((await get(`${server.url}/talks/no-such-talk/evaluation`, cookies.alva)).status).toBe(404);
  });

  it("offers the evaluation as a to-do on the home page until it is answered", async () => {
    const todo = async (who: string) =>
      ((await loaderData(server.url, "/", cookies[who]!))["routes/_index"]!.data as { news: { items: Array<{ kind: string; path: string }> } }).news.items.filter((i) => i.kind === "evaluation").map((i) => i.path);
    expect(await todo("alva")).toEqual([`/talks/${talks.alva}/evaluation`]);
    expect(await todo("jonas")).toEqual(expect.arrayContaining([`/talks/${talks.alva}/evaluation`, `/talks/${talks.nora}/evaluation`]));
    expect(await todo("johan")).toEqual([]);
    expect((await answer("alva", "alva", { led: "veryGood", prepared: "yes", goals: "partly", comment: "Det var roligt att visa min plan." })).status).toBe(200);
    expect(await todo("alva")).toEqual([]);
  });

  it("takes a person's answers once: a second answer is refused (409) and nothing more is stored", async () => {
    const before = responses().length;
    expect((await answer("alva", "alva", { led: "bad" })).status).toBe(409);
    expect(responses()).toHaveLength(before);
    expect(school.count("select count(*) as n from evaluation_participations where talk_id = ?", talks.alva)).toBe(1);
  });

  it("refuses bad answers with a reason and stores nothing: an option not on the scale, nothing answered, another role's questions, too long a text", async () => {
    const before = responses().length;
    expect((await answer("nora", "nora", { led: "superb" })).status).toBe(400);
    expect((await answer("nora", "nora", {})).status).toBe(400);
    // The guardian's questions from a pupil: not hers, so nothing answered.
    expect((await answer("nora", "nora", { overall: "good" })).status).toBe(400);
    expect((await answer("nora", "nora", { led: "good", comment: "x".repeat(1001) })).status).toBe(400);
    expect(responses()).toHaveLength(before);
    expect(school.count("select count(*) as n from evaluation_participations where person_id = ?", school.personId("skyddad@demo.test"))).toBe(0);
  });

  it("stores the answers without the person or the talk: only the talk day, the role and what was answered", async () => {
    expect((await answer("nora", "nora", { led: "veryGood", prepared: "partly", goals: "yes", comment: "=HYPERLINK(\"http://x\")" })).status).toBe(200);
    expect((await answer("adam", "adam", { led: "good", prepared: "yes", goals: "yes" })).status).toBe(200);
    expect((await answer("sara", "alva", { overall: "veryGood", understood: "yes", influence: "yes", comment: "Tack till mentorn, Sara" })).status).toBe(200);
    expect((await answer("jonas", "alva", { overall: "good", prepared: "yes", time: "tooShort" })).status).toBe(200);
    const columns = school.all<{ name: string }>("pragma table_info(evaluation_responses)").map((c) => c.name);
    expect(columns.sort()).toEqual(["answers", "comment", "event_id", "id", "questionnaire", "role"]);
    const rows = responses();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.event_id).toBe(eventId);
      for (const value of Object.values(row)) expect(String(value)).not.toMatch(new RegExp(Object.values(talks).join("|")));
    }
    // Ids are random, not a count of answers so far.
    expect(rows.every((row) => Number(row.id) > 1_000_000)).toBe(true);
    expect(school.all<{ name: string }>("pragma table_info(evaluation_participations)").map((c) => c.name).sort()).toEqual(["person_id", "talk_id"]);
    // The free texts went nowhere else: not into the log.
    expect(server.logs.join("\n")).not.toMatch(/Tack till mentorn|HYPERLINK|roligt att visa/);
  });
});

describe("who reads the results", () => {
  const resultsPath = () => `/talk-days/${eventId}/evaluation`;

  it("shows a talk day's results to its school's admins and the mentors of its groups; to no one else", async () => {
    const seen: Record<string, number> = {};
    for (const who of Object.keys(cookies)) seen[who] = (await get(`${server.url}${resultsPath()}`, cookies[who])).status;
    expect(seen).toEqual({
      admin: 200, admin2: 404, alva: 404, nora: 404, adam: 404, sara: 404, johan: 404, amina: 404, hodan: 404, petra: 404,
      jonas: 200, erik: 200,
      // Karin mentors a group of 8A that is not in this talk day.
      karin: 404,
    });
  });

  it("counts the answers of a role of three or more, with its free texts; holds back a smaller group entirely", async () => {
    const data = (await loaderData(server.url, resultsPath(), cookies.jonas!))["routes/talk-days.$eventId_.evaluation"]!.data as {
      roles: Array<{ role: string; count: number; shown: boolean; questions: Array<{ key: string; counts: Array<{ option: string; count: number }> }>; comments: string[] }>;
    };
    const pupils = data.roles.find((r) => r.role === "pupil")!;
    expect(pupils).toMatchObject({ count: 3, shown: true });
    expect(pupils.questions.find((q) => q.key === "led")!.counts).toEqual([
      { option: "veryGood", count: 2 },
      { option: "good", count: 1 },
      { option: "neutral", count: 0 },
      { option: "bad", count: 0 },
      { option: "veryBad", count: 0 },
    ]);
    expect(pupils.comments.sort()).toEqual(["=HYPERLINK(\"http://x\")", "Det var roligt att visa min plan."]);
    for (const role of ["guardian", "staff"]) {
      expect(data.roles.find((r) => r.role === role)).toMatchObject({ count: 1, shown: false, questions: [], comments: [] });
    }
    const page = await (await get(`${server.url}${resultsPath()}`, cookies.admin)).text();
    expect(page).not.toContain("Tack till mentorn");
    expect(page).toContain("Färre än 3 har svarat");
  });

  it("exports the same as CSV, from our own pages only, with formulas escaped and small groups left out", async () => {
    const csvPath = `${server.url}${resultsPath()}.csv`;
    const response = await download(csvPath, cookies.erik);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="utvardering-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = Buffer.from(await response.arrayBuffer());
    // A byte-order mark first, so spreadsheets read it as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString("utf8");
    expect(csv.startsWith("Grupp;Fråga;Svar;Antal\r\n")).toBe(true);
    expect(csv).toContain("Elever;Hur kändes det att leda samtalet?;Mycket bra;2\r\n");
    expect(csv).toContain("Elever;Fritt skrivet;Det var roligt att visa min plan.;\r\n");
    // A free text a spreadsheet would run as a formula is written as text.
    expect(csv).toContain(`Elever;Fritt skrivet;"'=HYPERLINK(""http://x"")";`);
    expect(csv).not.toContain("Vårdnadshavare");
    expect(csv).not.toContain("Tack till mentorn");
    // Another site's link or frame gets nothing; nor does anyone who may not read the results.
    const crossSite = await fetch(csvPath, { redirect: "manual", headers: { Cookie: cookies.erik!, "Sec-Fetch-Site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).not.toContain("roligt");
    for (const who of ["karin", "alva", "admin2"]) expect((await download(csvPath, cookies[who])).status, who).toBe(404);
    expect((await download(csvPath)).status).toBe(302);
  });
});
