import { getPlansOfPupils } from "../../../db/queries/plans";
import type { AppContext } from "../../load-context";

/**
 * The one place that tells the running server that people's rights on these pupils changed
 * (an import ended a custody, a membership, a duty, a person):
 * - on `accessEvents`: every open plan socket and event stream of the pupils re-decides its rights,
 *   and one whose rights are no longer what they were is closed at once (a socket with 4409; its
 *   client reconnects with what it may now do, or is refused);
 * - every open view of their plans is told to reload (a content-free "status" poke on the plan's
 *   event stream): the loaders ask the policies again.
 */
export function announceRightsChanged(context: Pick<AppContext, "db" | "accessEvents" | "planEvents">, pupilIds: Iterable<string>): void {
  const ids = [...new Set(pupilIds)];
  for (const pupilId of ids) context.accessEvents.publish(pupilId, "changed");
  for (let i = 0; i < ids.length; i += 500) {
    for (const plan of getPlansOfPupils(context.db, ids.slice(i, i + 500))) {
      context.planEvents.publish(plan.planId, "status", "everyone");
      context.planEvents.publish(plan.planId, "status", "staff");
    }
  }
}
