import { hash } from "@node-rs/argon2";
import { importRosterNow } from "../../app/services/roster-import/import.server";
import { mapSs12000 } from "../../app/services/roster-import/ss12000-map.server";
import { openDatabase } from "../../db/client";
import { getPlanSections } from "../../db/queries/plans";
import { getMentorsOfPupil, getSubjectTeachers } from "../../db/queries/talks";
import { schoolYearStartYear, stockholmToday } from "../../db/school-calendar";
import { credentials, people } from "../../db/schema";
import { dayFromNow, postFields } from "../support/school";
import { signIn } from "../support/http";
import { bigSchool } from "../support/big-school";

/**
 * The school of `npm run bench:day`: a generated school (tests/support/big-school.ts: classes of
 * 25, two mentor groups each, a teacher per subject and class, one or two guardians per pupil)
 * imported through the roster importer, as a school's own data comes in. Passwords are not roster
 * data: every person gets the same one here (one argon2 hash; the server still verifies each
 * sign-in in full). The talk day itself is made through the running server by the school's admin,
 * as staff make it: three sittings, every pupil placed, the invitations sent.
 */

export const DAY_PASSWORD = "bench-day-password";
/** A talk day of three sittings (08–11, an hour each): the run plays them one after another. */
export const SITTINGS_PER_DAY = 3;
/** The form takes at most 200 mentor groups per talk day; larger schools get several days at the same hours. */
const GROUPS_PER_EVENT = 150;

/** One pupil per talk: `scale` talks per sitting, three sittings. */
export const pupilsFor = (scale: number) => scale * SITTINGS_PER_DAY;

export async function seedDaySchool(path: string, pupils: number): Promise<void> {
  const today = stockholmToday();
  const startYear = schoolYearStartYear(today);
  const school = bigSchool({ pupils, staff: Math.max(20, Math.ceil(pupils / 8)), startYear });
  // Teaching that covers every day of the school year, so that a run on any day (a holiday
  // included) has an active term to plan and talk in.
  for (const activity of school.data.activities) {
    const autumn = activity.startDate!.startsWith(String(startYear));
    activity.startDate = autumn ? `${startYear}-07-01` : `${startYear + 1}-01-01`;
    activity.endDate = autumn ? `${startYear}-12-31` : `${startYear + 1}-06-30`;
  }
  const db = await openDatabase(path);
  try {
    const mapped = mapSs12000(school.data, { schoolUnitId: school.unit.id, today, externalIdContext: null });
    if (!mapped.ok) throw new Error(`the generated school does not map: ${JSON.stringify(mapped.problems.slice(0, 3))}`);
    const imported = importRosterNow(db, { roster: mapped.roster, source: "ss12000-file" });
    if (!imported.ok) throw new Error(`the generated school does not import: ${JSON.stringify(imported.problems.slice(0, 3))}`);
    const passwordHash = await hash(DAY_PASSWORD);
    const now = new Date();
    const everyone = db.select({ id: people.id }).from(people).all();
    db.transaction((tx) => {
      for (const { id } of everyone) tx.insert(credentials).values({ personId: id, passwordHash, updatedAt: now }).run();
    });
  } finally {
    db.$client.close();
  }
}

// ---------- the cast: who takes part in which talk ----------

export interface CastPerson {
  id: string;
  email: string;
}

export interface CastTalk {
  talkId: string;
  planId: string;
  eventId: string;
  sittingId: string;
  /** Which of the day's sittings (0, 1, 2). */
  sitting: number;
  pupil: CastPerson;
  /** The guardians who come (one or two), each on their own phone; `remote` ones join by video. */
  guardians: Array<CastPerson & { remote: boolean }>;
  /** The mentor who leads, locks and signs (the first of the pupil's mentors). */
  mentorId: string;
  /** Everyone told of a call besides the called teachers (the pupil's mentors). */
  mentorIds: string[];
  /** The plan's sections, in order (agenda fragments). */
  fragments: string[];
  /** The subject the pupil calls a teacher for, if any, and who that reaches. */
  call: { subjectId: string; fragment: string; teacherIds: string[] } | null;
  /** Subjects and their teachers, for choosing a call the pupil's client process can observe. */
  subjects: Array<{ subjectId: string; fragment: string; teacherIds: string[] }>;
}

export interface CastStaff extends CastPerson {
  /** Mentors lead talks; everyone else answers calls. */
  mentor: boolean;
}

export interface Cast {
  talks: CastTalk[];
  staff: CastStaff[];
  events: string[];
}

/**
 * Makes the talk day through the server as the school's admin (the real form, the real placement,
 * the invitations), then reads back who takes part in which talk.
 */
export async function makeTalkDay(baseUrl: string, path: string, options: { random: () => number; remoteShare: number }): Promise<Cast> {
  const { random } = options;
  const db = await openDatabase(path);
  try {
    const admin = db.$client.prepare("select email from people where email like 'admin@%'").get() as { email: string };
    const adminCookie = await signIn(baseUrl, admin.email, DAY_PASSWORD);
    const groupIds = (db.$client.prepare("select id from groups where type = 'mentor' order by name").all() as Array<{ id: string }>).map((g) => g.id);
    const events: string[] = [];
    for (let i = 0; i < groupIds.length; i += GROUPS_PER_EVENT) {
      const response = await postFields(
        `${baseUrl}/talk-days`,
        [
          ["dates", dayFromNow(14)],
          ["windowStart", "08:00"],
          ["windowEnd", `${String(8 + SITTINGS_PER_DAY).padStart(2, "0")}:00`],
          ["sittingMinutes", "60"],
          ["talkMinutes", "30"],
          ["place", "Aulan"],
          ["videoUrl", "https://video.example/samtal"],
          ["capacity", ""],
          ...groupIds.slice(i, i + GROUPS_PER_EVENT).map((g): [string, string] => ["groupIds", g]),
        ],
        adminCookie,
      );
      const match = /^\/talk-days\/([^/?#]+)$/.exec(response.headers.get("location") ?? "");
      if (response.status !== 302 || !match) throw new Error(`creating the talk day failed with ${response.status}`);
      const eventId = match[1]!;
      const invited = await postFields(`${baseUrl}/talk-days/${eventId}`, [["intent", "invite"]], adminCookie);
      if (invited.status >= 400) throw new Error(`sending the invitations failed with ${invited.status}`);
      events.push(eventId);
    }

    const emailOf = new Map((db.$client.prepare("select id, email from people").all() as Array<{ id: string; email: string | null }>).map((p) => [p.id, p.email]));
    const rows = db.$client
      .prepare(
        `select t.id as talkId, t.plan_id as planId, t.event_id as eventId, t.sitting_id as sittingId, t.pupil_id as pupilId, e.term_id as termId,
                (select count(*) from talk_sittings s2 where s2.event_id = t.event_id and s2.starts_at < s.starts_at) as sitting
           from talks t join talk_sittings s on s.id = t.sitting_id join talk_events e on e.id = t.event_id
          where t.plan_id is not null
          order by t.id`,
      )
      .all() as Array<{ talkId: string; planId: string; eventId: string; sittingId: string; pupilId: string; termId: string; sitting: number }>;
    const guardiansOf = db.$client.prepare("select guardian_id as id from guardianships where pupil_id = ? order by guardian_id");
    const talks: CastTalk[] = [];
    for (const row of rows) {
      const pupilEmail = emailOf.get(row.pupilId);
      const mentorIds = getMentorsOfPupil(db, row.pupilId).sort();
      if (!pupilEmail || mentorIds.length === 0) continue;
      const allGuardians = (guardiansOf.all(row.pupilId) as Array<{ id: string }>).filter((g) => emailOf.get(g.id));
      // Both guardians come to most talks; sometimes one of two.
      const coming = allGuardians.length > 1 && random() < 0.3 ? allGuardians.slice(0, 1) : allGuardians;
      const sections = getPlanSections(db, row.planId);
      const subjects = sections
        .filter((s) => s.subject)
        .map((s) => ({ subjectId: s.subject!.id, fragment: s.fragment, teacherIds: getSubjectTeachers(db, row.pupilId, s.subject!.id, row.termId).sort() }))
        .filter((s) => s.teacherIds.length > 0);
      talks.push({
        talkId: row.talkId,
        planId: row.planId,
        eventId: row.eventId,
        sittingId: row.sittingId,
        sitting: row.sitting,
        pupil: { id: row.pupilId, email: pupilEmail },
        guardians: coming.map((g) => ({ id: g.id, email: emailOf.get(g.id)!, remote: random() < options.remoteShare })),
        mentorId: mentorIds[0]!,
        mentorIds,
        fragments: sections.map((s) => s.fragment),
        call: null,
        subjects,
      });
    }
    const mentors = new Set(talks.map((t) => t.mentorId));
    // Teachers (the admin and the head teacher are not at the talks).
    const staff = (db.$client.prepare("select person_id as id from staff where is_admin = 0").all() as Array<{ id: string }>)
      .filter((s) => emailOf.get(s.id))
      .map((s) => ({ id: s.id, email: emailOf.get(s.id)!, mentor: mentors.has(s.id) }));
    return { talks, staff, events };
  } finally {
    db.$client.close();
  }
}
