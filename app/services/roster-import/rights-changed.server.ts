import type { AppContext } from "../../load-context";

/**
 * The one place that tells the running server that people's rights on these pupils changed
 * (an import ended a custody, a membership, a duty, a person): every open plan socket whose
 * rights are no longer what they were is closed at once, and its client reconnects with what it
 * may now do, or is refused. Event streams carry no content and every reload goes through the
 * loaders, which ask the policies again. (Ending the streams themselves is the signal being
 * added beside this; connect it here.)
 */
export function announceRightsChanged(context: Pick<AppContext, "collaboration">, pupilIds: Iterable<string>): void {
  for (const pupilId of new Set(pupilIds)) context.collaboration.revalidatePupil(pupilId);
}
