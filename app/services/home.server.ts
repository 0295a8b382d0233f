import type { AppDatabase } from "../../db/client";
import { getThreadsWaitingFor } from "../../db/queries/comments";
import { getHomeOverview, type SignedInPerson } from "../../db/queries/roster";
import { getGuardianTalks, getPupilTalks } from "./talk-days.server";

/** Everything a person's home page shows: their groups or children, threads waiting, talks. */
export function getHomePage(db: AppDatabase, person: SignedInPerson) {
  const waitingThreads = person.isStaff
    ? getThreadsWaitingFor(db, person.id, person.schoolId).map((thread) => ({ ...thread, lastComment: { ...thread.lastComment, at: thread.lastComment.at.toISOString() } }))
    : [];
  const overview = getHomeOverview(db, person);
  return {
    person: { id: person.id, givenName: person.givenName },
    overview,
    waitingThreads,
    pupilTalks: overview.asPupil ? getPupilTalks(db, person.id) : [],
    guardianTalks: overview.children.length > 0 ? getGuardianTalks(db, person.id) : [],
  };
}
