import { useTranslation } from "react-i18next";
import type { PlanPageData } from "~/services/plan-page.server";
import { LivePlanStatus, LiveSectionText } from "~/editor/live-plan.client";
import type { PresenceUser } from "~/shared/collab-protocol";
import type { DeviceCopyOptions } from "~/editor/plan-connection.client";
import { useHydrated } from "~/utils/use-hydrated";
import { PlanActionContext } from "./plan-action";
import { mayCommentOnText, PlanCommentsProvider, usePlanComments } from "./plan-comments";
import { SectionTextPending } from "./section-text-pending";
import { PlanDocument, type EditorSlot } from "./plan-document";
import { PreviousTermPanel } from "./previous-term";
import type { PreviousTerm } from "~/services/previous-term.server";

type PlanBodyData = Pick<PlanPageData, "plan" | "sections" | "editable" | "user" | "threads" | "commentRights"> & {
  /** What the browser keeps of the plan for offline writing; a guest of a talk keeps nothing. */
  deviceCopy: DeviceCopyOptions | null;
  /** Last term's goals and promises, shown beside *Mina mål*. */
  previousTerm?: PreviousTerm | null;
};

/**
 * The plan's sections with the live editors, the connection state and its comment threads.
 * Shared by the plan page and the talk view. The server renders the fixed structure; in the
 * browser only the editor slots and the status take over, so hydration keeps the rest of the
 * page as it is instead of building it again.
 */
export function PlanBody({ page, asGuest = false }: { page: PlanBodyData; asGuest?: boolean }) {
  const planId = page.plan.id;
  // A guest of a talk (an interpreter) connects by their link, not by a session.
  const liveKey = asGuest ? `guest:${planId}` : planId;
  return (
    <PlanActionContext.Provider value={`/plans/${planId}`}>
      <PlanCommentsProvider threads={page.threads} rights={page.commentRights}>
        <PlanDocument
          livePlanId={liveKey}
          deviceCopy={page.deviceCopy}
          sections={page.sections}
          aside={<PlanStatus planId={liveKey} deviceCopy={page.deviceCopy} editable={page.editable} draft={page.plan.status === "draft"} />}
          besideGoals={page.previousTerm ? <PreviousTermPanel previous={page.previousTerm} writes={page.editable} /> : null}
          renderEditor={(slot) => <SectionText planId={liveKey} deviceCopy={page.deviceCopy} slot={slot} editable={page.editable} user={page.user} />}
        />
      </PlanCommentsProvider>
    </PlanActionContext.Provider>
  );
}

function PlanStatus({ planId, deviceCopy, editable, draft }: { planId: string; deviceCopy: DeviceCopyOptions | null; editable: boolean; draft: boolean }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  if (hydrated) return <LivePlanStatus planId={planId} deviceCopy={deviceCopy} editable={editable} draft={draft} />;
  return (
    <p role="status" className="connection-status connection-busy">
      {t("plan.connection.connecting")}
    </p>
  );
}

function SectionText({ planId, deviceCopy, slot, editable, user }: { planId: string; deviceCopy: DeviceCopyOptions | null; slot: EditorSlot; editable: boolean; user: PresenceUser }) {
  const hydrated = useHydrated();
  const { rights } = usePlanComments();
  if (hydrated) return <LiveSectionText planId={planId} deviceCopy={deviceCopy} slot={slot} editable={editable} user={user} />;
  return <SectionTextPending placeholder={slot.placeholder} editable={editable} mayComment={mayCommentOnText(rights, slot.subjectId)} />;
}
