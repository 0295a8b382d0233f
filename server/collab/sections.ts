import type { AppDatabase } from "../../db/client";
import { getPlanSections } from "../../db/queries/plans";
import { isSectionFragmentName } from "../../app/shared/collab-protocol";

/**
 * Which root types of a plan's document are its sections (DOCUMENT-SHAPE.md), for checking what
 * writers add and where carets point. Known names are answered from memory; an unknown one is
 * looked up once more, because a subject can be added to the plan while its document is open.
 */
export function planSectionLookup(db: AppDatabase, planId: string): (name: string) => boolean {
  let known = new Set<string>();
  const load = () => {
    known = new Set(getPlanSections(db, planId).map((section) => section.fragment));
  };
  load();
  return (name) => {
    if (known.has(name)) return true;
    // Names no plan can have are not worth a query.
    if (!isSectionFragmentName(name)) return false;
    load();
    return known.has(name);
  };
}
