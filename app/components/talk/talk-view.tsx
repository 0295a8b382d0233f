import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode, type Ref } from "react";
import { flushSync } from "react-dom";
import { useTranslation } from "react-i18next";
import { TalkClock } from "~/components/talk/talk-clock";
import { formatTalkTime, formatTime, fullName } from "~/utils/format";
import { subjectName, type SubjectNaming } from "~/utils/subject-name";
import { useLocale } from "~/utils/use-locale";
import { useFocusOnAnswer } from "~/utils/focus";
import type { SkipLink } from "~/utils/skip-links";

interface Call {
  id: string;
  subjectId: string;
  subject: SubjectNaming;
  calledAt: string;
  acknowledgedAt: string | null;
  teacher: { givenName: string; familyName: string } | null;
}

/** What every view of a talk shows (see describeTalk in talk-live.server.ts). */
export interface TalkViewModel {
  talk: {
    id: string;
    startsAt: string;
    endsAt: string;
    talkMinutes: number;
    elapsedMs: number | null;
    startedAtMs: number | null;
    stopped: boolean;
    currentSection: string | null;
    place: string;
    videoUrl: string | null;
    phoneNumber: string | null;
  };
  pupil: { givenName: string; familyName: string };
  agenda: Array<{ fragment: string; kind: string; subject: (SubjectNaming & { id: string }) | null }>;
  calls: Call[];
}

/** "Hoppa till dagordningen": to the item the talk is at, so the next Tab is its "Kalla på lärare". */
export const talkAgendaSkipLink: SkipLink = {
  target: "talk-agenda",
  labelKey: "skipTo.agenda",
  focus: ['[aria-current="step"] .agenda-item', ".agenda-shown .agenda-item", "#agenda-heading"],
};

/**
 * The talk: a bar with the clock and where the talk is, the agenda, and the plan beside it. The
 * pupil and the mentor lead (start the clock, move through the agenda, call and close calls);
 * everyone else follows the pupil's place. Shared by the talk view and an interpreter's view.
 */
export function TalkView({
  view,
  leads,
  mayCall,
  mayRunClock,
  follows,
  showVideo,
  showPhone,
  nav,
  notice,
  callout,
  children,
}: {
  view: TalkViewModel;
  leads: boolean;
  /** A teacher may be called (the plan is still a draft); a call made before the lock can still be closed. */
  mayCall: boolean;
  /** The clock may be started or restarted (a lead, the plan still a draft). */
  mayRunClock: boolean;
  follows: boolean;
  showVideo: boolean;
  showPhone: boolean;
  nav?: ReactNode;
  notice?: ReactNode;
  /** Above the clock bar: what the viewer must do next (a signer after the lock). */
  callout?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { talk } = view;
  const [follow, setFollow] = useState(follows);
  const agendaFetcher = useFetcher();

  // Those following the pupil are taken to the section the pupil is at.
  useEffect(() => {
    if (!follow || !talk.currentSection) return;
    document.getElementById(`section-${talk.currentSection}`)?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [follow, talk.currentSection]);

  const titleOf = (item: TalkViewModel["agenda"][number]) =>
    item.subject ? subjectName(item.subject, locale, t) : t(`plan.sections.${item.kind as "about"}`);
  const pendingSection = agendaFetcher.formData?.get("fragment");
  const current = typeof pendingSection === "string" ? pendingSection : talk.currentSection;
  const currentItem = view.agenda.find((item) => item.fragment === current);
  // On a phone the agenda is folded to the item the talk is at (the first before it starts).
  const [showAll, setShowAll] = useState(false);
  const shownIndex = Math.max(0, view.agenda.findIndex((item) => item.fragment === current));

  return (
    <div className="page page-wide talk-page">
      {nav ? (
        <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
          {nav}
        </nav>
      ) : null}
      <header className="talk-header">
        <h1>{t("talks.view.heading", { name: fullName(view.pupil) })}</h1>
        <p className="muted">
          {t("talks.when", formatTalkTime(talk.startsAt, talk.endsAt, locale))} · {talk.place}
          {talk.videoUrl && showVideo ? (
            <>
              {" · "}
              <a href={talk.videoUrl} target="_blank" rel="noreferrer">
                {t("talks.view.videoLink")}
              </a>
            </>
          ) : null}
          {talk.phoneNumber && showPhone ? ` · ${t("talks.view.phone", { number: talk.phoneNumber })}` : null}
        </p>
        {notice}
      </header>

      {callout}

      {/* Stays in view while the plan scrolls: the clock, where the talk is, and following. */}
      <section className="talk-bar" aria-labelledby="clock-heading">
        <h2 id="clock-heading" className="visually-hidden">
          {t("talks.clock.heading")}
        </h2>
        <TalkClock elapsedMs={talk.elapsedMs} startedAtMs={talk.startedAtMs} stopped={talk.stopped} talkMinutes={talk.talkMinutes} />
        {currentItem ? (
          <p className="talk-bar-now">
            {t("talks.agenda.nowAt")} <strong>{titleOf(currentItem)}</strong>
          </p>
        ) : null}
        {follows ? (
          <label className="checkbox talk-bar-follow">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
            {t("talks.agenda.follow", { name: view.pupil.givenName })}
          </label>
        ) : null}
        {mayRunClock ? <ClockStart talkId={talk.id} started={talk.elapsedMs !== null} talkMinutes={talk.talkMinutes} /> : null}
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
                    {leads ? (
                      <agendaFetcher.Form method="post" action={`/talks/${talk.id}`} className="inline-form">
                        <input type="hidden" name="intent" value="section" />
                        <input type="hidden" name="fragment" value={item.fragment} />
                        <button
                          type="submit"
                          className="button-link agenda-item"
                          id={labelId}
                          onClick={() => {
                            // On a phone the opened agenda folds again, so the chosen section is what is in view;
                            // folded first, or the fold would move the page under the scroll. A jump, as a link
                            // would: a smooth scroll can be cut short halfway, leaving another section in view.
                            flushSync(() => setShowAll(false));
                            document.getElementById(`section-${item.fragment}`)?.scrollIntoView({ block: "start" });
                          }}
                        >
                          {titleOf(item)}
                        </button>
                      </agendaFetcher.Form>
                    ) : (
                      <a
                        href={`#section-${item.fragment}`}
                        id={labelId}
                        onClick={() => {
                          setFollow(false);
                          // Folded before the browser scrolls to the section.
                          flushSync(() => setShowAll(false));
                        }}
                      >
                        {titleOf(item)}
                      </a>
                    )}
                    {isCurrent ? <span className="badge">{t("talks.agenda.now")}</span> : null}
                  </div>
                  {item.subject && leads && (mayCall || call) ? (
                    <CallButton talkId={talk.id} subjectId={item.subject.id} describedBy={labelId} call={call} mayCall={mayCall} />
                  ) : null}
                  {item.subject && !leads && call ? <CallStatus call={call} /> : null}
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
        <div className="talk-plan">{children}</div>
      </div>
    </div>
  );
}

/**
 * Starts the clock; once it runs, restarting asks first (a tap by mistake would lose the time).
 * The question is a modal dialog: focus moves into it and back, Escape cancels.
 */
function ClockStart({ talkId, started, talkMinutes }: { talkId: string; started: boolean; talkMinutes: number }) {
  const { t } = useTranslation();
  const fetcher = useFetcher();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const close = () => {
    dialog.current?.close();
    opener.current?.focus();
  };
  if (!started) {
    return (
      <fetcher.Form method="post" action={`/talks/${talkId}`} className="talk-bar-start">
        <input type="hidden" name="intent" value="start" />
        <button type="submit" className="button-primary" disabled={fetcher.state !== "idle"}>
          {t("talks.clock.start")}
        </button>
      </fetcher.Form>
    );
  }
  return (
    <div className="talk-bar-start">
      <button ref={opener} type="button" className="button-secondary button-small" onClick={() => dialog.current?.showModal()} disabled={fetcher.state !== "idle"}>
        {t("talks.clock.restart")}
      </button>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={`restart-${talkId}-title`} aria-describedby={`restart-${talkId}-text`}>
        <h2 id={`restart-${talkId}-title`}>{t("talks.clock.confirmTitle")}</h2>
        <p id={`restart-${talkId}-text`}>{t("talks.clock.confirmText", { minutes: talkMinutes })}</p>
        <fetcher.Form method="post" action={`/talks/${talkId}`} className="actions" onSubmit={() => dialog.current?.close()}>
          <input type="hidden" name="intent" value="start" />
          <input type="hidden" name="restart" value="yes" />
          <button type="submit" className="button-primary">
            {t("talks.clock.confirmYes")}
          </button>
          <button type="button" className="button-secondary" onClick={close} autoFocus>
            {t("talks.clock.confirmNo")}
          </button>
        </fetcher.Form>
      </dialog>
    </div>
  );
}

function CallStatus({ call, statusRef }: { call: Call; statusRef?: Ref<HTMLParagraphElement> }) {
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

function CallButton({
  talkId,
  subjectId,
  describedBy,
  call,
  mayCall,
}: {
  talkId: string;
  subjectId: string;
  describedBy: string;
  call: Call | undefined;
  mayCall: boolean;
}) {
  const { t } = useTranslation();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const closer = useFetcher<{ ok: boolean; error?: string }>();
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  // Closed here: gone at once, before the page's data says so.
  const shown = call && closer.formData?.get("callId") !== call.id ? call : undefined;
  // After calling, focus goes to the call's state (or to why it failed): the button is gone.
  const answer = useRef<HTMLParagraphElement>(null);
  useFocusOnAnswer(answer, fetcher.state === "idle" && fetcher.data && (failed || shown) ? fetcher.data : null);
  return (
    <div className="call">
      {mayCall && (!shown || shown.acknowledgedAt) ? (
        <fetcher.Form method="post" action={`/talks/${talkId}`} className="inline-form">
          <input type="hidden" name="intent" value="call" />
          <input type="hidden" name="subjectId" value={subjectId} />
          <button type="submit" className="button-secondary button-small" aria-describedby={describedBy} disabled={fetcher.state !== "idle"}>
            {t("talks.call.button")}
          </button>
        </fetcher.Form>
      ) : null}
      {shown ? (
        <>
          <CallStatus call={shown} statusRef={failed ? undefined : answer} />
          <closer.Form method="post" action={`/talks/${talkId}`} className="inline-form">
            <input type="hidden" name="intent" value="close-call" />
            <input type="hidden" name="callId" value={shown.id} />
            <button type="submit" className="button-link small" aria-describedby={describedBy}>
              {t("talks.call.close")}
            </button>
          </closer.Form>
        </>
      ) : null}
      {failed ? (
        <p className="small error" role="alert" ref={answer} tabIndex={-1}>
          {t(failed === "noTeacher" ? "talks.call.noTeacher" : failed === "planLocked" ? "talks.errors.planLocked" : "talks.errors.generic")}
        </p>
      ) : null}
    </div>
  );
}
