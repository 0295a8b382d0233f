import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTermDays, serverClockAt } from "../support/clock";
import { connectToPlan, sectionText, typeInto } from "../support/collab-client";
import { firstPlanId, get, signInEach } from "../support/http";
import { lockAndSign } from "../support/plan-journey";
import { loaderData, openSchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Next term from this one, through the real server across a change of term: plans written (one
 * signed, one left a draft) with the server's clock in the autumn, then the same database served
 * with the clock in the spring, when each pupil's new plan shows last term's goals and promises.
 */

const { autumn, spring } = demoTermDays();
let server: TestServer;
let cookies: Record<string, string> = {};
const autumnPlans: Record<string, string> = {};

type Previous = { term: { kind: string; year: number }; state: string; sections: Array<{ kind: string; text: Array<{ content?: Array<{ text?: string }> }> }> } | null;

const textOf = (previous: Previous, kind: string) =>
  previous!.sections
    .find((s) => s.kind === kind)!
    .text.map((p) => (p.content ?? []).map((c) => c.text ?? "").join(""))
    .join("\n");

/** A pupil's spring plan, as the plan list gives it (made on first listing). */
async function springPlanOf(who: string, pupilName: string): Promise<string> {
  const listed = (await (await get(`${server.url}/api/me/plans`, cookies[who])).json()) as { plans: Array<{ planId: string; pupilName: string; term: { kind: string } }> };
  return listed.plans.find((p) => p.pupilName === pupilName && p.term.kind === "VT")!.planId;
}

async function previousTermOn(planId: string, who: string): Promise<Previous> {
  const data = await loaderData(server.url, `/plans/${planId}`, cookies[who]!);
  return (data["routes/plans.$planId"]!.data as { previousTerm: Previous }).previousTerm;
}

beforeAll(async () => {
  const autumnServer = await startTestServer(serverClockAt(autumn));
  const c = await signInEach(autumnServer.url, { alva: "elev@demo.test", nora: "skyddad@demo.test", amina: "skyddad.vh@demo.test", jonas: "mentor@demo.test" });
  const school = openSchoolDatabase(autumnServer.databasePath);
  // Every plan of Jonas's pupils this term is made (Ella's stays empty).
  expect((await get(`${autumnServer.url}/api/me/plans`, c.jonas)).status).toBe(200);
  autumnPlans.alva = await firstPlanId(autumnServer.url, c.alva!);
  autumnPlans.nora = await firstPlanId(autumnServer.url, c.nora!);
  const texts: Array<[string, string, Record<string, string>]> = [
    ["alva", c.alva!, { about: "Jag gillar att läsa.", goals: "Läsa 20 minuter varje dag.", pupilActions: "Låna en bok i veckan.", guardianActions: "Fråga vad jag läser." }],
    ["nora", c.nora!, { goals: "Bli säkrare på engelska.", schoolActions: "Extra genomgång på torsdagar." }],
  ];
  for (const [pupil, cookie, sections] of texts) {
    const writer = connectToPlan(autumnServer.url, autumnPlans[pupil]!, cookie);
    await writer.synced();
    for (const [section, text] of Object.entries(sections)) typeInto(writer.doc, section, text);
    const check = connectToPlan(autumnServer.url, autumnPlans[pupil]!, c.jonas!);
    await check.synced();
    // Stored and sent on: the second connection has every section's text.
    await new Promise<void>((resolve) => {
      const arrived = () => Object.entries(sections).every(([section, text]) => sectionText(check.doc, section) === text);
      if (arrived()) return resolve();
      const onUpdate = () => {
        if (!arrived()) return;
        check.doc.off("update", onUpdate);
        resolve();
      };
      check.doc.on("update", onUpdate);
    });
    writer.destroy();
    check.destroy();
  }
  // Nora's autumn plan is signed; Alva's is left a draft.
  await lockAndSign(autumnServer.url, school, autumnPlans.nora!, { mentor: c.jonas!, guardianIds: [school.personId("skyddad.vh@demo.test")], signers: [c.nora!, c.amina!] });
  school.close();
  await autumnServer.stop();

  server = await startTestServer({ databasePath: autumnServer.databasePath, ...serverClockAt(spring) });
  cookies = await signInEach(server.url, {
    alva: "elev@demo.test",
    sara: "vh@demo.test",
    petra: "annan.vh@demo.test",
    nora: "skyddad@demo.test",
    jonas: "mentor@demo.test",
    karin: "matte@demo.test",
  });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

describe("next term from this one", () => {
  it("shows a signed autumn plan's goals and promises on the spring plan, as signed", async () => {
    const springPlan = await springPlanOf("nora", "Nora Karlsson");
    expect(springPlan).not.toBe(autumnPlans.nora);
    const previous = await previousTermOn(springPlan, "nora");
    expect(previous).toMatchObject({ term: { kind: "HT" }, state: "signed" });
    expect(previous!.sections.map((s) => s.kind)).toEqual(["goals", "pupilActions", "schoolActions", "guardianActions"]);
    expect(textOf(previous, "goals")).toBe("Bli säkrare på engelska.");
    expect(textOf(previous, "schoolActions")).toBe("Extra genomgång på torsdagar.");
    expect(textOf(previous, "pupilActions")).toBe("");
  });

  it("reads a draft autumn plan from its stored document, and only the goals and promises (not Om mig)", async () => {
    const springPlan = await springPlanOf("alva", "Alva Lindqvist");
    const previous = await previousTermOn(springPlan, "alva");
    expect(previous).toMatchObject({ term: { kind: "HT" }, state: "draft" });
    expect(textOf(previous, "goals")).toBe("Läsa 20 minuter varje dag.");
    expect(textOf(previous, "guardianActions")).toBe("Fråga vad jag läser.");
    expect(JSON.stringify(previous)).not.toContain("Jag gillar att läsa.");
    // Reading it changed nothing: the autumn plan is as Alva left it, still a draft.
    const autumnPage = (await loaderData(server.url, `/plans/${autumnPlans.alva}`, cookies.alva!))["routes/plans.$planId"]!.data as { plan: { status: string }; previousTerm: Previous };
    expect(autumnPage.plan.status).toBe("draft");
    // The autumn plan itself has no term before it.
    expect(autumnPage.previousTerm).toBeNull();
  });

  it("shows it to those who read the new plan (her guardian, mentor, teachers), and the plan to no one else", async () => {
    const springPlan = await springPlanOf("alva", "Alva Lindqvist");
    for (const who of ["sara", "jonas", "karin"]) expect(textOf(await previousTermOn(springPlan, who), "goals"), who).toBe("Läsa 20 minuter varje dag.");
    expect((await get(`${server.url}/plans/${springPlan}`, cookies.petra)).status).toBe(404);
  });

  it("shows nothing when last term's goals and promises were left empty", async () => {
    const ellaSpring = { planId: await springPlanOf("jonas", "Ella Lund") };
    expect(await previousTermOn(ellaSpring.planId, "jonas")).toBeNull();
  });
});
