import Database from "better-sqlite3";
import { decode } from "turbo-stream";
import { get } from "./http";
import { stockholmLocalTime } from "../../db/school-calendar";

/**
 * Reading the demo school back from the test server's SQLite file, and the requests that set up a
 * talk day, shared by the integration tests. Reads only: every write goes through the server.
 */

export function openSchoolDatabase(path: string) {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  const one = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T;
  const all = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[];
  const count = (sql: string, ...params: unknown[]) => (sqlite.prepare(sql).get(...params) as { n: number }).n;
  const firstSchool = "(select school_id from people where email = 'admin@demo.test')";
  return {
    sqlite,
    one,
    all,
    count,
    personId: (email: string) => one<{ id: string }>("select id from people where email = ?", email).id,
    personNamed: (given: string, family: string) => one<{ id: string }>("select id from people where given_name = ? and family_name = ?", given, family).id,
    groupId: (name: string) => one<{ id: string }>(`select id from groups where name = ? and school_id = ${firstSchool}`, name).id,
    mentorGroupsOf: (className: string) =>
      all<{ id: string }>(`select id from groups where type = 'mentor' and name like ? and school_id = ${firstSchool} order by name`, `${className} – %`).map((g) => g.id),
    subjectId: (code: string) => one<{ id: string }>(`select id from subjects where code = ? and language_code is null and school_id = ${firstSchool}`, code).id,
    /** The sign-in name of a pupil's mentor (the mentor of her mentor group). */
    mentorEmailOf: (pupilId: string) =>
      one<{ email: string }>(
        "select p.email from mentorships m join group_members gm on gm.group_id = m.group_id join groups g on g.id = m.group_id join people p on p.id = m.mentor_id where gm.pupil_id = ? and g.type = 'mentor'",
        pupilId,
      ).email,
    planOf: (pupilId: string) => one<{ id: string }>("select id from plans where pupil_id = ? order by created_at desc", pupilId).id,
    talkOf: (eventId: string, pupilId: string) =>
      one<{ id: string; sitting_id: string | null } | undefined>("select id, sitting_id from talks where event_id = ? and pupil_id = ?", eventId, pupilId),
    close: () => sqlite.close(),
  };
}

export type SchoolDatabase = ReturnType<typeof openSchoolDatabase>;

/** POSTs a form with repeated fields (dates, groupIds), as a browser does. */
export function postFields(url: string, fields: Array<[string, string]>, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields),
  });
}

/** Stockholm's date and time ("YYYY-MM-DD", "HH:mm") `minutes` from now: talk times are stored so. */
export function stockholmAt(minutes: number): { date: string; time: string } {
  const local = stockholmLocalTime(new Date(Date.now() + minutes * 60_000));
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

/**
 * A one-to-one booking's times from `before` minutes ago to `after` minutes from now (a negative
 * `after`: wholly in the past), on one day (a booking cannot cross midnight). Around midnight a
 * booking that holds now is clamped to today's 00:00–23:59; one wholly in the past keeps its start
 * and ends at 23:59 of that day, so it is still over (a clamp to today would have made it now).
 */
export function bookingAroundNow(before: number, after: number): { date: string; from: string; to: string } {
  const start = stockholmAt(-before);
  const end = stockholmAt(after);
  if (start.date === end.date) return { date: start.date, from: start.time, to: end.time };
  if (after < 0) return { date: start.date, from: start.time, to: "23:59" };
  const today = stockholmAt(0).date;
  return { date: today, from: start.date === today ? start.time : "00:00", to: end.date === today ? end.time : "23:59" };
}

/** Stockholm's date `days` from now as YYYY-MM-DD (talk days are Stockholm dates; between midnight
 * in Stockholm and midnight UTC the UTC date is a day behind). */
export function dayFromNow(days: number): string {
  return stockholmAt(days * 24 * 60).date;
}

/** Creates a talk day through the real form (one day, 15–18, sittings of an hour unless told) and returns its id. */
export async function createTalkDay(
  baseUrl: string,
  cookie: string,
  input: {
    groupIds: string[];
    dates?: string[];
    capacity?: string;
    place?: string;
    videoUrl?: string;
    phoneNumber?: string;
    windowStart?: string;
    windowEnd?: string;
    sittingMinutes?: string;
    talkMinutes?: string;
  },
): Promise<string> {
  const response = await postFields(
    `${baseUrl}/talk-days`,
    [
      ...(input.dates ?? [dayFromNow(14)]).map((d): [string, string] => ["dates", d]),
      ["windowStart", input.windowStart ?? "15:00"],
      ["windowEnd", input.windowEnd ?? "18:00"],
      ["sittingMinutes", input.sittingMinutes ?? "60"],
      ["talkMinutes", input.talkMinutes ?? "30"],
      ["place", input.place ?? "Aulan"],
      ["videoUrl", input.videoUrl ?? ""],
      ["phoneNumber", input.phoneNumber ?? ""],
      ["capacity", input.capacity ?? "24"],
      ...input.groupIds.map((g): [string, string] => ["groupIds", g]),
    ],
    cookie,
  );
  const match = /^\/talk-days\/([^/?#]+)$/.exec(response.headers.get("location") ?? "");
  if (response.status !== 302 || !match) throw new Error(`creating a talk day failed with ${response.status}`);
  return match[1]!;
}

/**
 * A page's loader data as the browser's single-fetch request gets it (`/path.data`), decoded:
 * route id → that route's data.
 */
export async function loaderData(baseUrl: string, path: string, cookie: string): Promise<Record<string, { data?: unknown }>> {
  const response = await get(`${baseUrl}${path}.data`, cookie);
  if (response.status !== 200) throw new Error(`GET ${path}.data answered ${response.status}`);
  const decoded = await decode(response.body!);
  await decoded.done;
  return decoded.value as Record<string, { data?: unknown }>;
}

/**
 * Posts a form as the browser's single-fetch request does (`/path.data`) and decodes the action's
 * answer: the status and what the action returned.
 */
export async function actionData(baseUrl: string, path: string, fields: Record<string, string>, cookie?: string): Promise<{ status: number; data: unknown }> {
  const response = await postFields(`${baseUrl}${path}.data`, Object.entries(fields), cookie);
  const text = await response.text();
  // A thrown Response (a gate's 404) comes back as plain text, not as encoded data.
  let value: unknown = text;
  try {
    const decoded = await decode(new Response(text).body!);
    await decoded.done;
    value = decoded.value;
  } catch {
    // not encoded: keep the text
  }
  return { status: response.status, data: value && typeof value === "object" && "data" in value ? (value as { data: unknown }).data : value };
}
