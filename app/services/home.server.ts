import type { AppDatabase } from "../../db/client";
import { getThreadsWaitingFor } from "../../db/queries/comments";
import { getHomeOverview, type SignedInPerson } from "../../db/queries/roster";
import { canOnPlan } from "~/policies/plan.server";
import { findRelations, worksWithPupil } from "~/policies/relations.server";
import { canInSchool } from "~/policies/school.server";
import { getGuardianTalks, getPupilTalks } from "./talk-days.server";

/** Everything a person's home page shows: their groups or children, threads waiting, talks. */
export function getHomePage(db: AppDatabase, person: SignedInPerson) {
  const mayRead = (pupilId: string) => canOnPlan(findRelations(db, person.id, pupilId), { status: "draft" }, "read");
  // A thread waits for someone who still works with the pupil (a new term or group ends that).
  const waitingThreads = canInSchool({ person }, "useStaffPages")
    ? getThreadsWaitingFor(db, person.id, person.schoolId)
        .filter((thread) => worksWithPupil(findRelations(db, person.id, thread.pupilId)))
        .map((thread) => ({ ...thread, lastComment: { ...thread.lastComment, at: thread.lastComment.at.toISOString() } }))
    : [];
  const overview = getHomeOverview(db, person, { hasOwnPlan: canInSchool({ person }, "haveOwnPlan"), mayReadPupil: mayRead });
  return {
    person: { id: person.id, givenName: person.givenName },
    overview: { ...overview, isAdmin: canInSchool({ person, schoolId: person.schoolId }, "administer") },
    waitingThreads,
    pupilTalks: overview.asPupil ? getPupilTalks(db, person.id) : [],
    guardianTalks: overview.children.length > 0 ? getGuardianTalks(db, person.id) : [],
  };
}
