import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PlanBody } from "~/components/plan/plan-body";
import { PlanSigning, SigningCallout } from "~/components/plan/plan-signing";
import { TermName } from "~/components/term-name";
import { planEventAudiences, requirePlan } from "~/policies/plan.server";
import { performCommentIntent } from "~/services/plan-comments.server";
import { performSigningIntent, signingIntents } from "~/services/plan-signing.server";
import { getPlanPage, performGuardianConsent } from "~/services/plan-page.server";
import { getSigningProof } from "~/services/signing-proof.server";
import { markPlanRead } from "~/services/notifications.server";
import { getPreviousTerm } from "~/services/previous-term.server";
import { getPendingEvaluations } from "~/services/evaluations.server";
import { respond } from "~/utils/action-result.server";
import { getAuthenticatedAt, refreshAuthentication } from "~/utils/auth.server";
import { readKnownDevice } from "~/utils/known-device.server";
import { readFormData } from "~/utils/forms.server";
import { fullName } from "~/utils/format";
import { offlineCopyHeaders, offlineCopyRouteHeaders } from "~/utils/offline-copy.server";
import type { LivePlanHandle } from "~/utils/use-live-events";
import type { PageHandle } from "~/utils/page-title";
import type { SkipLinksHandle } from "~/utils/skip-links";
import { planSkipLink } from "~/components/plan/plan-document";

/** The page's event stream includes this plan (see root and use-live-events). Its title names
 * no one: titles end up in browser history and on shared screens. */
export const handle: LivePlanHandle & PageHandle & SkipLinksHandle = {
  titleKey: "pageTitles.plan",
  skipLinks: [planSkipLink],
  livePlan: (data) => {
    const page = data as { plan?: { id: string }; liveSeq?: number } | undefined;
    return page?.plan ? { id: page.plan.id, seq: page.liveSeq ?? 0 } : null;
  },
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePlan(request, context, params.planId ?? "", "read");
  // Counted in the same synchronous step as the data is read: nothing is published in between, and
  // a change after it makes the page's stream reload the data.
  const liveSeq = context.planEvents.sequenceFor(gate.plan.id, planEventAudiences(gate.relations, gate.plan));
  // Signing on this device asks again who it is when the last sign-in is not recent.
  const proof = await getSigningProof(request, context, gate.person.id);
  markPlanRead(context.db, gate);
  const page = getPlanPage(context.db, gate);
  return data(
    { ...page, previousTerm: getPreviousTerm(context, gate), liveSeq, proof, evaluations: getPendingEvaluations(context.db, gate) },
    { headers: await offlineCopyHeaders(request, context, gate.plan.id, page.deviceCopy.keep) },
  );
}

/** A writer's plan page may be kept on the device for a reload without a connection (service-worker/sw.ts). */
export const headers = offlineCopyRouteHeaders;

/** The plan page's forms: comments, locking and signing, and the adult pupil's consent. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const gate = await requirePlan(request, context, params.planId ?? "", "read");
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  if (signingIntents.includes(intent)) {
    const session = { authenticatedAt: await getAuthenticatedAt(request, context), device: await readKnownDevice(request, context) };
    const result = await performSigningIntent(context, gate, session, form);
    // A password given again makes the session's sign-in recent.
    if (result.ok && result.reauthenticated) return data(result, { headers: { "Set-Cookie": await refreshAuthentication(context, request) } });
    return respond(result, "signing");
  }
  if (intent === "guardian-consent") return respond(performGuardianConsent(context, gate, form), "plan.consent");
  return respond(performCommentIntent(context, gate, form), "comments");
}

export default function PlanPage() {
  const { t } = useTranslation();
  const page = useLoaderData<typeof loader>();
  const navigation = useNavigation();

  return (
    <div className="page page-wide">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to={`/pupils/${page.plan.pupilId}`}>{fullName(page.pupil)}</Link>
      </nav>
      <header className="plan-header">
        <div>
          <h1>
            {fullName(page.pupil)}
            <span className="heading-note">
              {" · "}
              {t("plan.title")} <TermName term={page.term} withDates={false} />
            </span>
          </h1>
          <p className="muted">
            <span className={`badge badge-status-${page.plan.status}`}>{t(`plan.status.${page.plan.status}`)}</span>{" "}
            {page.plan.status === "draft" ? t(`plan.access.${page.access}`) : t("plan.lockedNote")}
          </p>
        </div>
      </header>

      <SigningCallout page={page} />

      {page.guardianConsent ? (
        <section className="card" aria-labelledby="consent-heading">
          <h2 id="consent-heading">{t("plan.consent.heading")}</h2>
          <p>{t("plan.consent.text")}</p>
          <Form method="post" className="consent-form">
            <input type="hidden" name="intent" value="guardian-consent" />
            <label className="checkbox">
              <input type="checkbox" name="shares" defaultChecked={page.guardianConsent.shares} />
              {t("plan.consent.label")}
            </label>
            <button type="submit" className="button-secondary" disabled={navigation.state === "submitting"}>
              {t("plan.consent.save")}
            </button>
          </Form>
          <p className="small muted" role="status">
            {page.guardianConsent.shares ? t("plan.consent.sharing") : t("plan.consent.notSharing")}
          </p>
        </section>
      ) : null}

      {page.evaluations.length > 0 ? (
        <section className="card" aria-labelledby="evaluation-heading">
          <h2 id="evaluation-heading">{t("evaluation.cardHeading")}</h2>
          <p>{t("evaluation.cardText")}</p>
          {page.evaluations.map((evaluation) => (
            <Link key={evaluation.talkId} className="button-primary" to={`/talks/${evaluation.talkId}/evaluation`}>
              {t("evaluation.open")}
            </Link>
          ))}
        </section>
      ) : null}

      {page.plan.status !== "draft" ? <PlanSigning page={page} proof={page.proof} /> : null}

      <PlanBody page={page} />

      {page.plan.status === "draft" ? <PlanSigning page={page} proof={page.proof} /> : null}
    </div>
  );
}
