import { useTranslation } from "react-i18next";
import type { PlanPageData } from "~/services/plan-page.server";
import { LivePlan } from "~/editor/live-plan.client";
import { useHydrated } from "~/utils/use-hydrated";
import { PlanActionContext } from "./plan-action";
import { PlanCommentsProvider } from "./plan-comments";
import { PlanDocument } from "./plan-document";

/** The plan's sections with the live editors (or, before the browser has taken over, the fixed
 * structure with a notice), and its comment threads. Shared by the plan page and the talk view. */
export function PlanBody({ page }: { page: Pick<PlanPageData, "plan" | "sections" | "editable" | "user" | "threads" | "commentRights"> }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  return (
    <PlanActionContext.Provider value={`/plans/${page.plan.id}`}>
    <PlanCommentsProvider threads={page.threads} rights={page.commentRights}>
      {hydrated ? (
        <LivePlan planId={page.plan.id} sections={page.sections} editable={page.editable} user={page.user} />
      ) : (
        <PlanDocument
          sections={page.sections}
          aside={
            <p role="status" className="connection-status connection-busy">
              {t("plan.connection.connecting")}
            </p>
          }
          renderEditor={() => <p className="muted">{t("plan.loadingEditor")}</p>}
        />
      )}
    </PlanCommentsProvider>
    </PlanActionContext.Provider>
  );
}
