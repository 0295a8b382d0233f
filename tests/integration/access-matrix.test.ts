import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToPlan, sectionText, typeInto, type PlanClient } from "../support/collab-client";
import { get, postForm, signIn } from "../support/http";
import { lockAndSign } from "../support/plan-journey";
import { actionData, bookingAroundNow, createTalkDay, openSchoolDatabase, postFields, type SchoolDatabase } from "../support/school";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Who may do what, as a table: every demo persona against every kind of resource and action, over
 * HTTP and over /collab, through the real server. Each cell is the exact status the person gets,
 * and no page a person is shown carries another family's text (the marker written into each
 * family's plan) or a name they have no business seeing. The table is the specification: a route
 * that has no row fails the test.
 */

const personas = {
  alva: "elev@demo.test",
  sara: "vh@demo.test",
  johan: "vh2@demo.test",
  lisa: "vh3@demo.test",
  petra: "annan.vh@demo.test",
  jonas: "mentor@demo.test",
  karin: "matte@demo.test",
  erik: "svenska@demo.test",
  lund: "lund@demo.test",
  adam: "myndig@demo.test",
  hodan: "myndig.vh@demo.test",
  nora: "skyddad@demo.test",
  amina: "skyddad.vh@demo.test",
  admin: "admin@demo.test",
  admin2: "admin2@demo.test",
  /** An interpreter of Ella's talk: no account, only the guest's link (its cookie after opening it). */
  interpreter: null,
  anonymous: null,
} as const;
type Persona = keyof typeof personas;
const everyone = Object.keys(personas) as Persona[];

/** What each persona is, for the table below. */
const staff: Persona[] = ["jonas", "karin", "erik", "lund", "admin", "admin2"];
const signedIn = everyone.filter((p) => p !== "anonymous" && p !== "interpreter");
/** Those who may read Alva's plan: herself, her guardians, her mentor and her teachers this term. */
const alvaReaders: Persona[] = ["alva", "sara", "johan", "jonas", "karin", "erik", "lund"];
/** Those who plan the school's talk day (see the event made below): its admin and the mentors of its groups. */
const boardViewers: Persona[] = ["admin", "jonas", "karin", "erik", "lund"];

/** The text written into each family's plan, and the family's pupil's name. */
const families = {
  alva: { marker: "Markör Lindqvist 7F3Q", name: "Alva Lindqvist" },
  wilma: { marker: "Markör Berg K2M9", name: "Wilma Berg" },
  liam: { marker: "Markör Johansson P4X1", name: "Liam Johansson" },
  nora: { marker: "Markör Karlsson H8W2", name: "Nora Karlsson" },
  adam: { marker: "Markör Noor T5R7", name: "Adam Noor" },
  ella: { marker: "Markör Lund B3N6", name: "Ella Lund" },
  tove: { marker: "Markör Holmgren Z9D4", name: "Tove Holmgren" },
} as const;
type Family = keyof typeof families;

/** Whose plans each persona may read (and so whose marker may appear on their pages). */
const readsPlansOf: Record<Persona, Family[]> = {
  alva: ["alva"],
  sara: ["alva"],
  johan: ["alva", "wilma"],
  lisa: ["wilma"],
  petra: ["liam"],
  jonas: ["alva", "nora", "ella", "wilma", "adam"],
  karin: ["alva", "nora", "ella", "wilma", "adam"],
  erik: ["alva", "nora", "ella", "wilma", "liam", "adam"],
  lund: ["alva", "nora", "ella", "wilma", "adam"],
  adam: ["adam"],
  hodan: [],
  nora: ["nora"],
  amina: ["nora"],
  admin: [],
  admin2: [],
  interpreter: ["ella"],
  anonymous: [],
};
/** Whose names each persona may see: families see their own; staff the pupils of their school, the
 * protected family only if they work with it. */
const school1: Family[] = ["alva", "wilma", "liam", "adam", "ella"];
const seesNamesOf: Record<Persona, Family[]> = {
  alva: ["alva"],
  sara: ["alva"],
  johan: ["alva", "wilma"],
  lisa: ["wilma"],
  petra: ["liam"],
  jonas: [...school1, "nora"],
  karin: [...school1, "nora"],
  erik: [...school1, "nora"],
  lund: [...school1, "nora"],
  adam: ["adam"],
  hodan: ["adam"],
  nora: ["nora"],
  amina: ["nora"],
  admin: school1,
  admin2: ["tove"],
  interpreter: ["ella"],
  anonymous: [],
};

/**
 * A row's statuses: `status` for the listed personas, `otherwise` for the rest (anonymous:
 * `anonymous`). The interpreter holds no session: everywhere but the guest's own pages they are
 * anonymous, whatever their link opens.
 */
function cells(granted: Persona[], status: number, otherwise: number, anonymous = 302, more: Partial<Record<Persona, number>> = {}): Record<Persona, number> {
  return Object.fromEntries(
    everyone.map((p) => [p, more[p] ?? (p === "anonymous" || p === "interpreter" ? anonymous : granted.includes(p) ? status : otherwise)]),
  ) as Record<Persona, number>;
}

interface Context {
  ids: Record<string, string>;
}

interface Row {
  /** The route file (app/routes) this row covers. */
  route: string;
  label: string;
  method: "GET" | "POST";
  path: (c: Context) => string;
  /** The form posted (a list when a field repeats, as dates do). */
  fields?: (c: Context) => Record<string, string> | Array<[string, string]>;
  expect: Record<Persona, number>;
}

const rows: Row[] = [
  { route: "_index", label: "home", method: "GET", path: () => "/", expect: cells(signedIn, 200, 200) },
  {
    route: "_index",
    label: "answer Alva's invitation",
    method: "POST",
    path: () => "/?index",
    fields: (c) => ({ intent: "confirm", talkId: c.ids.alvaTalk!, attendance: "room" }),
    expect: cells(["sara", "johan"], 200, 404),
  },
  { route: "plans.$planId", label: "Alva's plan", method: "GET", path: (c) => `/plans/${c.ids.alvaPlan}`, expect: cells(alvaReaders, 200, 404) },
  {
    route: "plans.$planId",
    label: "start a thread in maths on Alva's plan",
    method: "POST",
    path: (c) => `/plans/${c.ids.alvaPlan}`,
    fields: (c) => ({ intent: "start-thread", subjectId: c.ids.maths!, body: "Matriskommentar" }),
    expect: cells(["karin"], 200, 404, 302, { alva: 403, sara: 403, johan: 403, jonas: 403, erik: 403, lund: 403 }),
  },
  {
    route: "plans.$planId",
    label: "ask Alva's maths teacher a question in her plan",
    method: "POST",
    path: (c) => `/plans/${c.ids.alvaPlan}`,
    fields: (c) => ({ intent: "ask-teacher", subjectId: c.ids.maths!, body: "Matrisfråga" }),
    expect: cells(["alva"], 200, 404, 302, { sara: 403, johan: 403, jonas: 403, karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "_index",
    label: "mark one's news as read",
    method: "POST",
    path: () => "/?index",
    fields: () => ({ intent: "news-seen", upTo: new Date().toISOString() }),
    expect: cells(signedIn, 200, 200),
  },
  { route: "settings", label: "one's own settings", method: "GET", path: () => "/settings", expect: cells(signedIn, 200, 200) },
  { route: "settings", label: "turn one's own mail on", method: "POST", path: () => "/settings", fields: () => ({ intent: "mail", mail: "on" }), expect: cells(signedIn, 200, 200) },
  {
    route: "talks.$talkId_.evaluation",
    label: "the evaluation of Adam's talk (his plan is signed)",
    method: "GET",
    path: (c) => `/talks/${c.ids.adamTalk}/evaluation`,
    // Adam and his mentor; not his guardian (he is 18 and has not shared), not his teachers.
    expect: cells(["adam", "erik"], 200, 404),
  },
  {
    route: "talks.$talkId_.evaluation",
    label: "answer the evaluation of Adam's talk",
    method: "POST",
    path: (c) => `/talks/${c.ids.adamTalk}/evaluation`,
    // One field of the pupil's questionnaire and one of the mentor's: each takes their own.
    fields: () => ({ led: "good", overall: "good" }),
    expect: cells(["adam", "erik"], 200, 404),
  },
  { route: "talk-days.$eventId_.evaluation", label: "the talk day's evaluation results", method: "GET", path: (c) => `/talk-days/${c.ids.event}/evaluation`, expect: cells(boardViewers, 200, 404) },
  {
    route: "talk-days.$eventId_.evaluation[.]csv",
    label: "the talk day's evaluation results as CSV",
    method: "GET",
    path: (c) => `/talk-days/${c.ids.event}/evaluation.csv`,
    expect: cells(boardViewers, 200, 404),
  },
  { route: "plans.$planId_.log", label: "Alva's plan's log", method: "GET", path: (c) => `/plans/${c.ids.alvaPlan}/log`, expect: cells([...alvaReaders, "admin"], 200, 404) },
  { route: "events", label: "Alva's plan's event stream", method: "GET", path: (c) => `/events?plan=${c.ids.alvaPlan}`, expect: cells(alvaReaders, 200, 404) },
  { route: "events", label: "one's own event stream", method: "GET", path: () => "/events", expect: cells(signedIn, 200, 200) },
  { route: "pupils.$pupilId", label: "Alva's page", method: "GET", path: (c) => `/pupils/${c.ids.alva}`, expect: cells(alvaReaders, 200, 404) },
  { route: "pupils.$pupilId", label: "Nora's page", method: "GET", path: (c) => `/pupils/${c.ids.nora}`, expect: cells(["nora", "amina", "jonas", "karin", "erik", "lund"], 200, 404) },
  { route: "pupils.$pupilId_.plan", label: "Alva's plan this term", method: "GET", path: (c) => `/pupils/${c.ids.alva}/plan`, expect: cells(alvaReaders, 302, 404) },
  { route: "talks.$talkId", label: "Alva's talk", method: "GET", path: (c) => `/talks/${c.ids.alvaTalk}`, expect: cells(alvaReaders, 200, 404) },
  {
    route: "talks.$talkId",
    label: "move the agenda of Alva's talk",
    method: "POST",
    path: (c) => `/talks/${c.ids.alvaTalk}`,
    fields: () => ({ intent: "section", fragment: "about" }),
    expect: cells(["alva", "jonas"], 200, 404, 302, { sara: 403, johan: 403, karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "talks.$talkId",
    label: "call the maths teacher to Alva's talk (her plan a draft)",
    method: "POST",
    path: (c) => `/talks/${c.ids.alvaTalk}`,
    fields: (c) => ({ intent: "call", subjectId: c.ids.maths! }),
    expect: cells(["alva", "jonas"], 200, 404, 302, { sara: 403, johan: 403, karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "talks.$talkId",
    label: "call a teacher to Adam's talk once his plan is locked and signed",
    method: "POST",
    path: (c) => `/talks/${c.ids.adamTalk}`,
    fields: (c) => ({ intent: "call", subjectId: c.ids.maths! }),
    expect: cells(["adam", "erik"], 409, 404, 302, { jonas: 403, karin: 403, lund: 403 }),
  },
  {
    route: "calls.$callId",
    label: "answer Alva's call for maths",
    method: "POST",
    path: (c) => `/calls/${c.ids.call}`,
    fields: () => ({ intent: "acknowledge" }),
    expect: cells(["karin"], 200, 404),
  },
  { route: "calls.$callId", label: "a call as a page", method: "GET", path: (c) => `/calls/${c.ids.call}`, expect: cells([], 404, 404, 404) },
  {
    route: "talks.$talkId",
    label: "close the call in Alva's talk",
    method: "POST",
    path: (c) => `/talks/${c.ids.alvaTalk}`,
    fields: (c) => ({ intent: "close-call", callId: c.ids.call! }),
    expect: cells(["alva", "jonas"], 200, 404, 302, { sara: 403, johan: 403, karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "talks.$talkId",
    label: "restart the clock of Alva's talk (asked and answered yes)",
    method: "POST",
    path: (c) => `/talks/${c.ids.alvaTalk}`,
    fields: () => ({ intent: "start", restart: "yes" }),
    expect: cells(["alva", "jonas"], 200, 404, 302, { sara: 403, johan: 403, karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "talks.$talkId",
    label: "restart the clock of Adam's talk once his plan is locked and signed",
    method: "POST",
    path: (c) => `/talks/${c.ids.adamTalk}`,
    fields: () => ({ intent: "start", restart: "yes" }),
    expect: cells(["adam", "erik"], 409, 404, 302, { jonas: 403, karin: 403, lund: 403 }),
  },
  { route: "talk-days._index", label: "talk days", method: "GET", path: () => "/talk-days", expect: cells(staff, 200, 404) },
  {
    route: "talk-days._index",
    label: "plan a talk day for Norrbyskolan's group",
    method: "POST",
    path: () => "/talk-days",
    fields: (c) => ({ dates: c.ids.day!, windowStart: "15:00", windowEnd: "16:00", sittingMinutes: "60", talkMinutes: "30", place: "Aulan", capacity: "24", groupIds: c.ids.norrbyGroup! }),
    expect: cells(["admin2"], 302, 404, 302, { jonas: 403, karin: 403, erik: 403, lund: 403, admin: 403 }),
  },
  { route: "talk-days.$eventId", label: "the talk day's board", method: "GET", path: (c) => `/talk-days/${c.ids.event}`, expect: cells(boardViewers, 200, 404) },
  {
    route: "talk-days.$eventId",
    label: "set the place of Alva's sitting (every family of it is told)",
    method: "POST",
    path: (c) => `/talk-days/${c.ids.event}`,
    fields: (c) => ({ intent: "sitting", sittingId: c.ids.alvaSitting!, place: "Aulan" }),
    expect: cells(["admin"], 200, 404, 302, { jonas: 403, karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "talk-days.$eventId",
    label: "move Alva (to her own sitting)",
    method: "POST",
    path: (c) => `/talk-days/${c.ids.event}`,
    fields: (c) => ({ intent: "move", pupilId: c.ids.alva!, sittingId: c.ids.alvaSitting! }),
    expect: cells(["admin", "jonas"], 200, 404, 302, { karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "talk-days.$eventId_.sittings.$sittingId",
    label: "the board of Alva's sitting",
    method: "GET",
    path: (c) => `/talk-days/${c.ids.event}/sittings/${c.ids.alvaSitting}`,
    expect: cells(boardViewers, 200, 404),
  },
  {
    route: "talk-days.$eventId_.sittings.$sittingId",
    label: "note that Sara was seen",
    method: "POST",
    path: (c) => `/talk-days/${c.ids.event}/sittings/${c.ids.alvaSitting}`,
    fields: (c) => ({ intent: "identity", talkId: c.ids.alvaTalk!, guardianId: c.ids.sara! }),
    expect: cells(["jonas"], 200, 404),
  },
  {
    route: "talk-days.$eventId_.one-to-one",
    label: "the board of the talk day's one-to-one talks",
    method: "GET",
    path: (c) => `/talk-days/${c.ids.event}/one-to-one`,
    expect: cells(boardViewers, 200, 404),
  },
  { route: "talk-days.$eventId_.edit", label: "the form correcting the talk day", method: "GET", path: (c) => `/talk-days/${c.ids.event}/edit`, expect: cells(["admin"], 200, 404) },
  {
    route: "talk-days.$eventId_.edit",
    label: "correct the talk day (to what it is: nobody is told)",
    method: "POST",
    path: (c) => `/talk-days/${c.ids.event}/edit`,
    fields: (c) => [
      ["intent", "correct"],
      ["dates", c.ids.day!],
      ["dates", c.ids.day2!],
      ...Object.entries({ windowStart: "15:00", windowEnd: "18:00", sittingMinutes: "60", talkMinutes: "30", place: "Aulan", capacity: "30" }),
    ],
    expect: cells(["admin"], 200, 404, 302, { jonas: 403, karin: 403, erik: 403, lund: 403 }),
  },
  {
    route: "talk-days.$eventId_.talks.$talkId",
    label: "the page of Alva's talk (her interpreter)",
    method: "GET",
    path: (c) => `/talk-days/${c.ids.event}/talks/${c.ids.alvaTalk}`,
    expect: cells(["jonas"], 200, 404),
  },
  {
    route: "talk-days.$eventId_.talks.$talkId",
    label: "add an interpreter to Alva's talk",
    method: "POST",
    path: (c) => `/talk-days/${c.ids.event}/talks/${c.ids.alvaTalk}`,
    fields: () => ({ intent: "add-guest", name: "Tolk Testsson", language: "arabiska", phone: "070-000 00 00" }),
    // Not the school's admins: the guest's link opens the plan, which they do not read.
    expect: cells(["jonas"], 200, 404),
  },
  {
    route: "guest.$token",
    label: "the interpreter's link to Ella's talk (the same for whoever holds it)",
    method: "GET",
    path: (c) => `/guest/${c.ids.ellaToken}`,
    expect: cells(everyone, 302, 302, 302, { interpreter: 302 }),
  },
  { route: "guest._index", label: "the guest's view of Ella's talk", method: "GET", path: () => "/guest", expect: cells([], 404, 404, 404, { interpreter: 200 }) },
  { route: "guest.events", label: "the guest's event stream", method: "GET", path: () => "/guest/events", expect: cells([], 404, 404, 404, { interpreter: 200 }) },
  { route: "admin_.outbox", label: "the outbox", method: "GET", path: () => "/admin/outbox", expect: cells(["admin", "admin2"], 200, 404) },
  {
    route: "admin_.outbox",
    label: "send Sara's invitation again (no mail server here)",
    method: "POST",
    path: () => "/admin/outbox",
    fields: (c) => ({ intent: "resend", messageId: c.ids.saraMessage! }),
    expect: cells(["admin"], 409, 404),
  },
  {
    route: "admin_.outbox_.$messageId.invite[.]ics",
    label: "the calendar file of Sara's invitation",
    method: "GET",
    path: (c) => `/admin/outbox/${c.ids.saraMessage}/invite.ics`,
    expect: cells(["admin"], 200, 404),
  },
  { route: "assessments._index", label: "assessments", method: "GET", path: () => "/assessments", expect: cells(staff, 200, 404) },
  { route: "assessments.$dutyId", label: "the 8A maths grid", method: "GET", path: (c) => `/assessments/${c.ids.mathsDuty}`, expect: cells(["karin"], 200, 404) },
  {
    route: "assessments.$dutyId",
    label: "assess Alva in maths",
    method: "POST",
    path: (c) => `/assessments/${c.ids.mathsDuty}`,
    fields: (c) => ({ intent: "save", pupilId: c.ids.alva!, level: "C", written: "" }),
    expect: cells(["karin"], 200, 404),
  },
  { route: "groups.$groupId", label: "Jonas's mentor group", method: "GET", path: (c) => `/groups/${c.ids.jonasGroup}`, expect: cells(["jonas", "admin"], 200, 404) },
  { route: "groups.$groupId", label: "the 8A maths group", method: "GET", path: (c) => `/groups/${c.ids.mathsGroup}`, expect: cells(["karin", "admin"], 200, 404) },
  { route: "admin", label: "the school's set-up", method: "GET", path: () => "/admin", expect: cells(["admin", "admin2"], 200, 404) },
  {
    route: "admin",
    label: "the school's scales",
    method: "POST",
    path: () => "/admin",
    fields: () => ({ intent: "scales", gradedFromYear: "6" }),
    expect: cells(["admin", "admin2"], 200, 404),
  },
  { route: "admin_.import", label: "the import page", method: "GET", path: () => "/admin/import", expect: cells(["admin", "admin2"], 200, 404) },
  {
    route: "admin_.import",
    label: "an import with no file (a dry run of nothing)",
    method: "POST",
    path: () => "/admin/import",
    fields: () => ({ intent: "upload" }),
    expect: cells(["admin", "admin2"], 400, 404),
  },
  { route: "admin_.import_.$runId", label: "Solbackeskolan's import preview", method: "GET", path: (c) => `/admin/import/${c.ids.importRun}`, expect: cells(["admin"], 200, 404) },
  {
    route: "admin_.import_.$runId",
    label: "an unknown intent on Solbackeskolan's import preview",
    method: "POST",
    path: (c) => `/admin/import/${c.ids.importRun}`,
    fields: () => ({ intent: "bogus" }),
    expect: cells(["admin", "admin2"], 400, 404),
  },
  { route: "admin_.import_.template[.]csv", label: "the CSV template", method: "GET", path: () => "/admin/import/template.csv", expect: cells(["admin", "admin2"], 200, 404) },
  { route: "api.me.plans", label: "one's plans (API)", method: "GET", path: () => "/api/me/plans", expect: cells(signedIn, 200, 200, 401) },
  { route: "api.signing-key", label: "the public signing key", method: "GET", path: () => "/api/signing-key", expect: cells(everyone, 200, 200, 200) },
  { route: "verify", label: "the verify page", method: "GET", path: () => "/verify", expect: cells(everyone, 200, 200, 200) },
  { route: "accessibility", label: "the accessibility statement", method: "GET", path: () => "/accessibility", expect: cells(everyone, 200, 200, 200) },
  { route: "admin_.accounts", label: "sign-in and invitations", method: "GET", path: () => "/admin/accounts", expect: cells(["admin", "admin2"], 200, 404) },
  {
    route: "admin_.accounts",
    label: "invite Sara to choose a password",
    method: "POST",
    path: () => "/admin/accounts",
    fields: (c) => ({ intent: "invite", personId: c.ids.sara! }),
    // Another school's admin is answered too, with Sara counted as skipped (no mail is made).
    expect: cells(["admin", "admin2"], 200, 404),
  },
  { route: "auth.$provider", label: "start a provider sign-in (none set up)", method: "POST", path: () => "/auth/staff", fields: () => ({ redirectTo: "/" }), expect: cells(everyone, 404, 404, 404) },
  { route: "auth.$provider_.callback", label: "a provider's callback (none set up)", method: "GET", path: () => "/auth/staff/callback?code=x&state=y", expect: cells(everyone, 404, 404, 404) },
  { route: "auth.reauthenticate", label: "re-authenticate at a provider (none set up)", method: "GET", path: () => "/auth/reauthenticate?returnTo=/", expect: cells(signedIn, 409, 409, 302) },
  { route: "password.forgot", label: "forgot password", method: "GET", path: () => "/password/forgot", expect: cells(everyone, 200, 200, 200) },
  { route: "password.set", label: "a made-up password link", method: "GET", path: () => "/password/set?token=x", expect: cells(everyone, 410, 410, 410) },
  { route: "login", label: "the sign-in page", method: "GET", path: () => "/login", expect: cells([], 302, 302, 200) },
  { route: "logout", label: "sign-out as a link", method: "GET", path: () => "/logout", expect: cells(everyone, 302, 302, 302) },
  { route: "language", label: "choose a language", method: "POST", path: () => "/language", fields: () => ({ locale: "sv", redirectTo: "/" }), expect: cells(everyone, 302, 302, 302) },
  { route: "$", label: "an address no route claims", method: "GET", path: () => "/no/such/page", expect: cells(everyone, 404, 404, 404) },
  { route: "plans.$planId", label: "Wilma's plan", method: "GET", path: (c) => `/plans/${c.ids.wilmaPlan}`, expect: cells(["johan", "lisa", "jonas", "karin", "erik", "lund"], 200, 404) },
  { route: "plans.$planId", label: "Nora's plan", method: "GET", path: (c) => `/plans/${c.ids.noraPlan}`, expect: cells(["nora", "amina", "jonas", "karin", "erik", "lund"], 200, 404) },
  { route: "plans.$planId", label: "Adam's plan (18, not shared)", method: "GET", path: (c) => `/plans/${c.ids.adamPlan}`, expect: cells(["adam", "jonas", "karin", "erik", "lund"], 200, 404) },
  { route: "plans.$planId", label: "Liam's plan", method: "GET", path: (c) => `/plans/${c.ids.liamPlan}`, expect: cells(["petra", "erik"], 200, 404) },
  { route: "plans.$planId", label: "Ella's plan", method: "GET", path: (c) => `/plans/${c.ids.ellaPlan}`, expect: cells(["jonas", "karin", "erik", "lund"], 200, 404) },
  { route: "plans.$planId", label: "Tove's plan (another school)", method: "GET", path: (c) => `/plans/${c.ids.tovePlan}`, expect: cells([], 200, 404) },
  { route: "plans.$planId_.log", label: "Tove's plan's log", method: "GET", path: (c) => `/plans/${c.ids.tovePlan}/log`, expect: cells(["admin2"], 200, 404) },
  {
    route: "plans.$planId",
    label: "lock Alva's plan",
    method: "POST",
    path: (c) => `/plans/${c.ids.alvaPlan}`,
    fields: (c) => ({ intent: "lock", guardian: c.ids.sara! }),
    expect: cells(["jonas"], 200, 404, 302, { alva: 403, sara: 403, johan: 403, karin: 403, erik: 403, lund: 403 }),
  },
  { route: "plans.$planId_.record[.]json", label: "Alva's signed record (JSON)", method: "GET", path: (c) => `/plans/${c.ids.alvaPlan}/record.json`, expect: cells(alvaReaders, 200, 404) },
  { route: "plans.$planId_.record[.]pdf", label: "Alva's signed record (PDF)", method: "GET", path: (c) => `/plans/${c.ids.alvaPlan}/record.pdf`, expect: cells(alvaReaders, 200, 404) },
  // Last: everyone's news now holds the question, the assessments, the signatures owed and the
  // evaluations above; none of it may name another family.
  { route: "_index", label: "home, with news of all the above", method: "GET", path: () => "/", expect: cells(signedIn, 200, 200) },
];

let server: TestServer;
let school: SchoolDatabase;
const cookies: Partial<Record<Persona, string>> = {};
const context: Context = { ids: {} };
const clients: PlanClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  school = openSchoolDatabase(server.databasePath);
  for (const persona of signedIn) cookies[persona] = await signIn(server.url, personas[persona]!);
  const ids = context.ids;
  ids.alva = school.personId("elev@demo.test");
  ids.sara = school.personId("vh@demo.test");
  ids.nora = school.personNamed("Nora", "Karlsson");
  ids.maths = school.subjectId("MA");
  ids.day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

  // Each family's plan, opened once (that makes it), with the family's marker written in by someone who writes in it.
  const planOf = async (email: string, pupilName: string) => {
    const cookie = await signIn(server.url, email);
    const plans = (await (await get(`${server.url}/api/me/plans`, cookie)).json()) as { plans: Array<{ planId: string; pupilName: string }> };
    return { cookie, planId: plans.plans.find((p) => p.pupilName === pupilName)!.planId };
  };
  const writers: Array<[Family, string]> = [
    ["alva", "elev@demo.test"],
    ["wilma", "anna.nystrom@solbacken.demo.test"],
    ["liam", "helena.forsberg@solbacken.demo.test"],
    ["nora", "skyddad@demo.test"],
    ["adam", "myndig@demo.test"],
    ["ella", "mentor@demo.test"],
    ["tove", "siv.ekholm@norrby.demo.test"],
  ];
  for (const [family, email] of writers) {
    const { cookie, planId } = await planOf(email, families[family].name);
    ids[`${family}Plan`] = planId;
    const client = connectToPlan(server.url, planId, cookie);
    await client.synced();
    typeInto(client.doc, "about", families[family].marker);
    // Stored and sent on: a second connection receives it.
    const check = connectToPlan(server.url, planId, cookie);
    await check.synced();
    await new Promise<void>((resolve) => {
      const seen = () => sectionText(check.doc, "about").includes(families[family].marker);
      if (seen()) return resolve();
      const onUpdate = () => {
        if (!seen()) return;
        check.doc.off("update", onUpdate);
        resolve();
      };
      check.doc.on("update", onUpdate);
    });
    // Closed once the marker is stored: twelve open providers are twelve process "exit" listeners
    // (y-websocket's, in Node), past the warning's ten.
    client.destroy();
    check.destroy();
  }

  // And into an assessment of each pupil (SQL, shown on the plan page and in the record).
  const assessments: Array<[Family, string, string]> = [
    ["alva", "matte@demo.test", "8A Matematik"],
    ["nora", "matte@demo.test", "8A Matematik"],
    ["ella", "matte@demo.test", "8A Matematik"],
    ["wilma", "matte@demo.test", "8B Matematik"],
    ["adam", "matte@demo.test", "9A Matematik"],
    ["liam", "sofia.wikstrom@solbacken.demo.test", "7A Matematik"],
    ["tove", "siv.ekholm@norrby.demo.test", "7B"],
  ];
  for (const [family, email, group] of assessments) {
    const duty = school.one<{ id: string }>(
      `select d.id from teaching_duties d join groups g on g.id = d.group_id join terms t on t.id = d.term_id join people p on p.id = d.teacher_id
        where g.name = ? and p.email = ? and t.starts_on <= date('now') order by t.starts_on desc`,
      group,
      email,
    ).id;
    const pupilId = school.one<{ pupil_id: string }>("select pupil_id from plans where id = ?", ids[`${family}Plan`]).pupil_id;
    const saved = await postForm(`${server.url}/assessments/${duty}`, { intent: "save", pupilId, level: "", written: families[family].marker }, await signIn(server.url, email));
    expect(saved.status).toBe(200);
  }

  // A talk day for every mentor group of Solbackeskolan, invitations sent, and a call from Alva's talk.
  const mentorGroups = school.all<{ id: string }>(
    "select id from groups where type = 'mentor' and school_id = (select school_id from people where email = 'admin@demo.test')",
  );
  ids.day2 = new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 10);
  ids.event = await createTalkDay(server.url, cookies.admin!, { groupIds: mentorGroups.map((g) => g.id), dates: [ids.day, ids.day2], capacity: "30" });
  expect((await postFields(`${server.url}/talk-days/${ids.event}`, [["intent", "invite"]], cookies.admin)).status).toBe(200);
  const talk = school.talkOf(ids.event, ids.alva)!;
  ids.alvaTalk = talk.id;
  ids.alvaSitting = talk.sitting_id!;
  ids.saraMessage = school.one<{ id: string }>("select id from outbox_messages where to_address = 'vh@demo.test' and calendar is not null").id;
  expect((await postForm(`${server.url}/talks/${ids.alvaTalk}`, { intent: "call", subjectId: ids.maths }, cookies.alva)).status).toBe(200);
  ids.call = school.one<{ id: string }>("select id from talk_calls where talk_id = ?", ids.alvaTalk).id;
  // Adam's talk has ended with his plan signed (by him and his mentor): its evaluation is open.
  ids.adamTalk = school.talkOf(ids.event, school.personId("myndig@demo.test"))!.id;
  await lockAndSign(server.url, school, ids.adamPlan!, { mentor: cookies.erik!, guardianIds: [], signers: [cookies.adam!] });
  ids.mathsDuty = school.one<{ id: string }>(
    "select d.id from teaching_duties d join groups g on g.id = d.group_id join terms t on t.id = d.term_id where g.name = '8A Matematik' and t.starts_on <= date('now') order by t.starts_on desc",
  ).id;
  // An interpreter of Ella's talk, which is now: a one-to-one booking and a guest's link, opened.
  ids.ella = school.personNamed("Ella", "Lund");
  expect((await postForm(`${server.url}/talk-days/${ids.event}`, { intent: "book", pupilId: ids.ella, ...bookingAroundNow(5, 40), place: "Grupprum 2" }, cookies.admin)).status).toBe(200);
  ids.ellaTalk = school.talkOf(ids.event, ids.ella)!.id;
  // Her mentor adds the interpreter (the one of the two 8A mentors whose group she is in).
  const ellasMentor = school.mentorEmailOf(ids.ella);
  const mentorCookie = cookies[(Object.keys(personas) as Persona[]).find((p) => personas[p] === ellasMentor)!]!;
  const added = await actionData(server.url, `/talk-days/${ids.event}/talks/${ids.ellaTalk}`, { intent: "add-guest", name: "Amal Haddad", language: "arabiska", phone: "070-111 22 33" }, mentorCookie);
  ids.ellaToken = (added.data as { link: string }).link.split("/guest/")[1]!;
  const opened = await fetch(`${server.url}/guest/${ids.ellaToken}`, { redirect: "manual" });
  cookies.interpreter = opened.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  ids.jonasGroup = school.groupId("8A – Jonas Ek");
  ids.mathsGroup = school.groupId("8A Matematik");
  ids.norrbyGroup = school.one<{ id: string }>("select id from groups where name = '7B – Siv Ekholm'").id;
  // A dry run of Solbackeskolan's roster as its system has it (nothing would change), waiting to be applied.
  const upload = new FormData();
  upload.set("intent", "upload");
  upload.append("files", new Blob([readFileSync(new URL("../../db/seed/demo-school.ss12000.json", import.meta.url))]), "solbacken.json");
  const previewed = await fetch(`${server.url}/admin/import`, { method: "POST", body: upload, headers: { Cookie: cookies.admin! }, redirect: "manual" });
  ids.importRun = /^\/admin\/import\/([^/?#]+)$/.exec(previewed.headers.get("location") ?? "")![1]!;
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  school?.close();
  await server?.stop();
  server?.cleanup();
});

async function request(row: Row, persona: Persona): Promise<Response> {
  const cookie = cookies[persona];
  const url = `${server.url}${row.path(context)}`;
  if (row.method === "GET") {
    // As the browser sends it from our own pages (exports refuse other sites' requests).
    return fetch(url, { redirect: "manual", headers: { "Sec-Fetch-Site": "same-origin", ...(cookie ? { Cookie: cookie } : {}) } });
  }
  const fields = row.fields!(context);
  return postFields(url, Array.isArray(fields) ? fields : Object.entries(fields), cookie);
}

/** The text a page shows (an event stream: its first bytes; a PDF: nothing to read here). */
async function bodyOf(response: Response): Promise<string> {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) {
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    return first;
  }
  if (type.includes("application/pdf")) {
    await response.arrayBuffer();
    return "";
  }
  return response.text();
}

/** What must not appear in a body shown to this persona: other families' plan text and names. */
function forbiddenFor(persona: Persona): string[] {
  return (Object.keys(families) as Family[]).flatMap((family) => [
    ...(readsPlansOf[persona].includes(family) ? [] : [families[family].marker]),
    ...(seesNamesOf[persona].includes(family) ? [] : [families[family].name]),
  ]);
}

describe("who may do what, over HTTP", () => {
  for (const row of rows) {
    it(`${row.method} ${row.label}`, async () => {
      const seen: Record<string, number> = {};
      const leaks: string[] = [];
      for (const persona of everyone) {
        const response = await request(row, persona);
        seen[persona] = response.status;
        const body = await bodyOf(response);
        for (const text of forbiddenFor(persona)) if (body.includes(text)) leaks.push(`${persona} saw "${text}"`);
      }
      expect(seen).toEqual(row.expect);
      expect(leaks).toEqual([]);
    });
  }
});

describe("who may do what, over /collab", () => {
  /** The status of the upgrade: 101 when the socket opens, otherwise what the server answered. */
  function upgradeStatus(planId: string, cookie: string | undefined): Promise<number> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${planId}`, { headers: cookie ? { Cookie: cookie } : {} });
      socket.on("open", () => {
        socket.close();
        resolve(101);
      });
      socket.on("unexpected-response", (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on("error", () => undefined);
    });
  }

  const joins: Array<{ family: Family; readers: Persona[] }> = [
    { family: "alva", readers: alvaReaders },
    { family: "wilma", readers: ["johan", "lisa", "jonas", "karin", "erik", "lund"] },
    { family: "nora", readers: ["nora", "amina", "jonas", "karin", "erik", "lund"] },
    { family: "adam", readers: ["adam", "jonas", "karin", "erik", "lund"] },
    { family: "tove", readers: [] },
  ];
  for (const { family, readers } of joins) {
    it(`opens ${families[family].name}'s live plan to those who may read it, and to no one else`, async () => {
      const seen: Record<string, number> = {};
      for (const persona of everyone) seen[persona] = await upgradeStatus(context.ids[`${family}Plan`]!, cookies[persona]);
      expect(seen).toEqual(cells(readers, 101, 404, 401));
    });
  }

  it("opens Ella's live plan to her interpreter asking as a guest, read-only, and no other plan; nobody else gets a guest's admission", async () => {
    function guestUpgrade(planId: string, cookie: string | undefined): Promise<number> {
      return new Promise((resolve) => {
        const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${planId}?as=guest`, { headers: cookie ? { Cookie: cookie } : {} });
        socket.on("open", () => {
          socket.close();
          resolve(101);
        });
        socket.on("unexpected-response", (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.on("error", () => undefined);
      });
    }
    for (const family of Object.keys(families) as Family[]) {
      const seen: Record<string, number> = {};
      for (const persona of everyone) seen[persona] = await guestUpgrade(context.ids[`${family}Plan`]!, cookies[persona]);
      expect(seen, family).toEqual(cells([], 101, 404, 404, family === "ella" ? { interpreter: 101 } : {}));
    }
    const guest = connectToPlan(server.url, context.ids.ellaPlan!, cookies.interpreter!, { asGuest: true });
    clients.push(guest);
    await guest.synced();
    expect(sectionText(guest.doc, "about")).toContain(families.ella.marker);
    typeInto(guest.doc, "goals", " skrivet av tolken");
    await expect.poll(() => guest.closeCodes).toContain(4403);
  });

  it("takes nothing from a reader of Wilma's plan: each is closed (4403) and nothing they sent is stored", async () => {
    const planId = context.ids.wilmaPlan!;
    // Wilma's guardians and teachers read it; her mentor (Anna Nyström) wrote the marker in it.
    for (const persona of ["johan", "lisa", "jonas", "karin", "erik", "lund"] as const) {
      const client = connectToPlan(server.url, planId, cookies[persona]!);
      clients.push(client);
      await client.synced();
      typeInto(client.doc, "goals", ` skrivet av ${persona}`);
      await expect.poll(() => client.closeCodes).toContain(4403);
      client.destroy();
    }
    const cookie = await signIn(server.url, "anna.nystrom@solbacken.demo.test");
    const mentor = connectToPlan(server.url, planId, cookie);
    clients.push(mentor);
    await mentor.synced();
    expect(sectionText(mentor.doc, "about")).toContain(families.wilma.marker);
    expect(sectionText(mentor.doc, "goals")).not.toMatch(/skrivet av/);
  });
});

describe("the table is the specification", () => {
  it("has a row for every route", () => {
    const routesDir = fileURLToPath(new URL("../../app/routes", import.meta.url));
    const routes = readdirSync(routesDir).map((file) => file.replace(/\.(tsx|ts)$/, ""));
    const covered = new Set(rows.map((row) => row.route));
    expect(routes.filter((route) => !covered.has(route))).toEqual([]);
  });

  it("has a column for every demo persona and a family for each of them", () => {
    for (const row of rows) expect(Object.keys(row.expect).sort()).toEqual([...everyone].sort());
    for (const persona of everyone) expect(readsPlansOf[persona].every((f) => seesNamesOf[persona].includes(f))).toBe(true);
  });
});
