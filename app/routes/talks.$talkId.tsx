import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PlanActionContext } from "~/components/plan/plan-action";
import { PlanBody } from "~/components/plan/plan-body";
import { planSkipLink } from "~/components/plan/plan-document";
import { PlanSigning, SigningCallout } from "~/components/plan/plan-signing";
import { TalkView, talkAgendaSkipLink } from "~/components/talk/talk-view";
import { planEventAudiences, requirePlanFor } from "~/policies/plan.server";
import { getPlanPage } from "~/services/plan-page.server";
import { getSigningProof } from "~/services/signing-proof.server";
import { markPlanRead } from "~/services/notifications.server";
import { getPreviousTerm } from "~/services/previous-term.server";
import { getTalkView } from "~/services/talk-live.server";
import { performTalkIntent } from "~/services/talk-intents.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { offlineCopyHeaders, offlineCopyRouteHeaders } from "~/utils/offline-copy.server";
import type { PageHandle } from "~/utils/page-title";
import type { SkipLinksHandle } from "~/utils/skip-links";
import type { LivePlanHandle } from "~/utils/use-live-events";

/** The page's event stream includes this plan (see root and use-live-events). */
export const handle: LivePlanHandle & PageHandle & SkipLinksHandle = {
  titleKey: "pageTitles.talk",
  // The agenda first: from its current item the next press reaches "Kalla på lärare".
  skipLinks: [talkAgendaSkipLink, planSkipLink],
  livePlan: (data) => {
    const page = data as { view?: { planId: string }; liveSeq?: number } | undefined;
    return page?.view ? { id: page.view.planId, seq: page.liveSeq ?? 0 } : null;
  },
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const view = getTalkView(context.db, person.id, params.talkId ?? "");
  if (!view) throw notFound();
  // The talk view shows the plan: reading it here is a view like any other, and logged as one.
  const gate = requirePlanFor(context, person, view.planId, "read", { recordView: true });
  const liveSeq = context.planEvents.sequenceFor(gate.plan.id, planEventAudiences(gate.relations, gate.plan));
  const proof = await getSigningProof(request, context, person.id);
  markPlanRead(context.db, gate);
  const page = { ...getPlanPage(context.db, gate), previousTerm: getPreviousTerm(context, gate) };
  return data({ view, page, liveSeq, proof }, { headers: await offlineCopyHeaders(request, context, gate.plan.id, page.deviceCopy.keep) });
}

/** The pupil's talk view may be kept on the device for a reload without a connection (service-worker/sw.ts). */
export const headers = offlineCopyRouteHeaders;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(await performTalkIntent(context, person, params.talkId ?? "", await readFormData(request)), "talks");
}

export default function TalkPage() {
  const { t } = useTranslation();
  const { view, page, proof } = useLoaderData<typeof loader>();
  const { talk } = view;
  return (
    <TalkView
      view={view}
      leads={view.leads}
      mayCall={view.mayCall}
      mayRunClock={view.mayRunClock}
      follows={view.follows}
      showVideo={talk.anyoneRemote || view.leads || talk.viewerJoinsRemotely}
      showPhone={view.leads || talk.viewerJoinsByPhone}
      // After the lock a signer's next step comes first, above the clock.
      callout={<SigningCallout page={page} />}
      nav={
        <>
          <Link to={`/plans/${view.planId}`}>{t("talks.view.openPlan")}</Link>
          {view.liveBoard ? (
            <>
              {" · "}
              <Link to={view.liveBoard.href}>{view.liveBoard.oneToOne ? t("talks.view.oneToOneBoard") : t("talks.board.sittingBoard")}</Link>
            </>
          ) : null}
        </>
      }
    >
      {/* The end of the talk: lock and sign here too (the forms post to the plan page). */}
      <PlanActionContext.Provider value={`/plans/${view.planId}`}>
        {page.plan.status !== "draft" ? <PlanSigning page={page} proof={proof} /> : null}
        <PlanBody page={page} />
        {page.plan.status === "draft" ? <PlanSigning page={page} proof={proof} /> : null}
      </PlanActionContext.Provider>
    </TalkView>
  );
}
