import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { PlanActionContext } from "~/components/plan/plan-action";
import { PlanBody } from "~/components/plan/plan-body";
import { planSkipLink } from "~/components/plan/plan-document";
import { PlanSigning, SigningCallout } from "~/components/plan/plan-signing";
import { TalkClock } from "~/components/talk/talk-clock";
import { planEventAudiences, requirePlanFor } from "~/policies/plan.server";
import { getPlanPage } from "~/services/plan-page.server";
import { getSigningProof } from "~/services/signing-proof.server";
import { getTalkView } from "~/services/talk-live.server";
import { performTalkIntent } from "~/services/talk-intents.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatTalkTime, formatTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { LivePlanHandle } from "~/utils/use-live-events";
import type { PageHandle } from "~/utils/page-title";
import type { SkipLinksHandle } from "~/utils/skip-links";
import { useFocusOnAnswer } from "~/utils/focus";
import { subjectName } from "~/utils/subject-name";

/** The page's event stream includes this plan (see root and use-live-events). */
export const handle: LivePlanHandle & PageHandle & SkipLinksHandle = {
  titleKey: "pageTitles.talk",
  // The agenda first: from its current item the next press reaches "Kalla på lärare".
  skipLinks: [
    { target: "talk-agenda", labelKey: "skipTo.agenda", focus: ['[aria-current="step"] .agenda-item', ".agenda-shown .agenda-item", "#agenda-heading"] },
    planSkipLink,
  ],
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
  return { view, page: getPlanPage(context.db, gate), liveSeq, proof };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(await performTalkIntent(context, person, params.talkId ?? "", await readFormData(request)), "talks");
}

export default function TalkPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { view, page, proof } = useLoaderData<typeof loader>();
  const { talk } = view;
  const [follow, setFollow] = useState(view.follows);
  const agendaFetcher = useFetcher();
  const clockFetcher = useFetcher();

  // Guardians following the pupil are taken to the section the pupil is at.
  useEffect(() => {
    if (!follow || !talk.currentSection) return;
    document.getElementById(`section-${talk.currentSection}`)?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [follow, talk.currentSection]);

  const titleOf = (item: (typeof view.agenda)[number]) =>
    item.subject ? subjectName(item.subject, locale, t) : t(`plan.sections.${item.kind as "about"}`);
  const pendingSection = agendaFetcher.formData?.get("fragment");
  const current = typeof pendingSection === "string" ? pendingSection : talk.currentSection;
  const currentItem = view.agenda.find((item) => item.fragment === current);
  // On a phone the agenda is folded to the item the talk is at (the first before it starts).
  const [showAll, setShowAll] = useState(false);
  const shownIndex = Math.max(0, view.agenda.findIndex((item) => item.fragment === current));

  return (
    <div className="page page-wide talk-page">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to={`/plans/${view.planId}`}>{t("talks.view.openPlan")}</Link>
        {view.sittingBoard ? (
          <>
            {" · "}
            <Link to={view.sittingBoard}>{t("talks.board.sittingBoard")}</Link>
          </>
        ) : null}
      </nav>
      <header className="talk-header">
        <h1>{t("talks.view.heading", { name: fullName(view.pupil) })}</h1>
        <p className="muted">
          {t("talks.when", formatTalkTime(talk.startsAt, talk.endsAt, locale))} · {talk.place}
          {talk.videoUrl && (talk.anyoneRemote || view.leads || talk.viewerJoinsRemotely) ? (
            <>
              {" · "}
              <a href={talk.videoUrl} target="_blank" rel="noreferrer">
                {t("talks.view.videoLink")}
              </a>
            </>
          ) : null}
        </p>
      </header>

      <SigningCallout page={page} />

      {/* Stays in view while the plan scrolls: the clock, where the talk is, and following. */}
      <section className="talk-bar" aria-labelledby="clock-heading">
        <h2 id="clock-heading" className="visually-hidden">
          {t("talks.clock.heading")}
        </h2>
        <TalkClock elapsedMs={talk.elapsedMs} startedAtMs={talk.startedAtMs} talkMinutes={talk.talkMinutes} />
        {currentItem ? (
          <p className="talk-bar-now">
            {t("talks.agenda.nowAt")} <strong>{titleOf(currentItem)}</strong>
          </p>
        ) : null}
        {view.follows ? (
          <label className="checkbox talk-bar-follow">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
            {t("talks.agenda.follow", { name: view.pupil.givenName })}
          </label>
        ) : null}
        {view.leads ? (
          <clockFetcher.Form method="post" className="talk-bar-start">
            <input type="hidden" name="intent" value="start" />
            <button type="submit" className={talk.elapsedMs === null ? "button-primary" : "button-secondary button-small"} disabled={clockFetcher.state !== "idle"}>
              {talk.elapsedMs === null ? t("talks.clock.start") : t("talks.clock.restart")}
            </button>
          </clockFetcher.Form>
        ) : null}
      </section>

      <div className="talk-layout">
        <section className={`card talk-agenda${showAll ? " agenda-expanded" : ""}`} aria-labelledby="agenda-heading" id="talk-agenda">
          <div className="agenda-heading-row">
            <h2 id="agenda-heading">{t("talks.agenda.heading")}</h2>
            <p className="small muted agenda-position">{t("talks.agenda.position", { number: shownIndex + 1, total: view.agenda.length })}</p>
          </div>
          <ol className="agenda-list" id="agenda-list">
            {view.agenda.map((item, index) => {
              const isCurrent = item.fragment === current;
              const call = item.subject ? view.calls.find((c) => c.subjectId === item.subject!.id) : undefined;
              const labelId = `agenda-${item.fragment}`;
              const classes = [isCurrent ? "agenda-current" : "", index === shownIndex ? "agenda-shown" : ""].filter(Boolean).join(" ");
              return (
                <li key={item.fragment} value={index + 1} className={classes || undefined} aria-current={isCurrent ? "step" : undefined}>
                  <div className="agenda-row">
                  {view.leads ? (
                    <agendaFetcher.Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="section" />
                      <input type="hidden" name="fragment" value={item.fragment} />
                      <button
                        type="submit"
                        className="button-link agenda-item"
                        id={labelId}
                        onClick={() => document.getElementById(`section-${item.fragment}`)?.scrollIntoView({ behavior: "smooth", block: "start" })}
                      >
                        {titleOf(item)}
                      </button>
                    </agendaFetcher.Form>
                  ) : (
                    <a href={`#section-${item.fragment}`} id={labelId} onClick={() => setFollow(false)}>
                      {titleOf(item)}
                    </a>
                  )}
                  {isCurrent ? <span className="badge">{t("talks.agenda.now")}</span> : null}
                  </div>
                  {item.subject && view.leads ? <CallButton talkId={talk.id} subjectId={item.subject.id} describedBy={labelId} call={call} /> : null}
                  {item.subject && !view.leads && call ? <CallStatus call={call} /> : null}
                </li>
              );
            })}
          </ol>
          {/* Only on a phone: the rest of the agenda behind a disclosure, so the plan is not pushed down. */}
          <button type="button" className="button-link agenda-toggle" aria-expanded={showAll} aria-controls="agenda-list" onClick={() => setShowAll((s) => !s)}>
            {t("talks.agenda.all")}
            <span aria-hidden="true"> {showAll ? "▴" : "▾"}</span>
          </button>
        </section>
        <div className="talk-plan">
          {/* The end of the talk: lock and sign here too (the forms post to the plan page). */}
          <PlanActionContext.Provider value={`/plans/${view.planId}`}>
            {page.plan.status !== "draft" ? <PlanSigning page={page} proof={proof} /> : null}
            <PlanBody page={page} />
            {page.plan.status === "draft" ? <PlanSigning page={page} proof={proof} /> : null}
          </PlanActionContext.Provider>
        </div>
      </div>
    </div>
  );
}

type CallView = ReturnType<typeof useLoaderData<typeof loader>>["view"]["calls"][number];

function CallStatus({ call, statusRef }: { call: CallView; statusRef?: React.Ref<HTMLParagraphElement> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <p className="small call-status" role="status" ref={statusRef} tabIndex={-1}>
      {call.acknowledgedAt && call.teacher
        ? t("talks.call.onTheWay", { name: fullName(call.teacher), time: formatTime(new Date(call.acknowledgedAt), locale) })
        : t("talks.call.waiting", { time: formatTime(new Date(call.calledAt), locale) })}
    </p>
  );
}

function CallButton({ talkId, subjectId, describedBy, call }: { talkId: string; subjectId: string; describedBy: string; call: CallView | undefined }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  // After calling, focus goes to the call's state (or to why it failed): the button is gone.
  const answer = useRef<HTMLParagraphElement>(null);
  useFocusOnAnswer(answer, fetcher.state === "idle" && fetcher.data && (failed || call) ? fetcher.data : null);
  return (
    <div className="call">
      {!call || call.acknowledgedAt ? (
        <fetcher.Form method="post" action={`/talks/${talkId}`} className="inline-form">
          <input type="hidden" name="intent" value="call" />
          <input type="hidden" name="subjectId" value={subjectId} />
          <button type="submit" className="button-secondary button-small" aria-describedby={describedBy} disabled={fetcher.state !== "idle"}>
            {t("talks.call.button")}
          </button>
        </fetcher.Form>
      ) : null}
      {call ? <CallStatus call={call} statusRef={failed ? undefined : answer} /> : null}
      {failed ? (
        <p className="small error" role="alert" ref={answer} tabIndex={-1}>
          {t(failed === "noTeacher" ? "talks.call.noTeacher" : "talks.errors.generic")}
        </p>
      ) : null}
    </div>
  );
}
