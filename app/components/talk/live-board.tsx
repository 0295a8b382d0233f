import { Link, useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { TalkClock } from "~/components/talk/talk-clock";
import type { LiveBoard as LiveBoardData } from "~/services/talk-live.server";
import { formatTalkTime, formatTime, fullName } from "~/utils/format";
import { subjectName } from "~/utils/subject-name";
import { translateError } from "~/utils/errors";
import { useFocusOnAnswer } from "~/utils/focus";
import { useLocale } from "~/utils/use-locale";

/** How often the board asks who has the plans open (presence is not pushed). */
const PRESENCE_REFRESH_MS = 10_000;

type Pupil = LiveBoardData["pupils"][number];

/**
 * The mentor's live board during the talks: each of their pupils with the clock, who has the plan
 * open (guardians, interpreters), how guardians take part, open calls and signing. Shared by a
 * sitting's board and the board of the talk day's one-to-one talks.
 */
export function LiveBoard({ board, title, subtitle }: { board: LiveBoardData; title: string; subtitle: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    const timer = setInterval(() => revalidate.current(), PRESENCE_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const openCalls = board.pupils.flatMap((p) => p.calls.filter((c) => !c.acknowledged).map((c) => ({ ...c, pupil: p.pupil, masked: p.masked })));

  return (
    <div className="page page-wide">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to={`/talk-days/${board.eventId}`}>{t("talks.board.title")}</Link>
      </nav>
      <h1>{title}</h1>
      <p className="muted">{subtitle}</p>

      <section className="card" aria-labelledby="open-calls-heading">
        <h2 id="open-calls-heading">{t("talks.sitting.openCalls")}</h2>
        {/* One live region, always there: a list with role="status" is no list, and a region that
            appears with its first call is often not heard. */}
        <div role="status">
          {openCalls.length === 0 ? (
            <p className="muted">{t("talks.sitting.noCalls")}</p>
          ) : (
            <ul className="plain-list">
              {openCalls.map((c) => (
                <li key={c.id}>
                  {t("talks.sitting.callLine", { name: c.masked ? t("pupil.protectedMasked") : fullName(c.pupil), subject: subjectName(c.subject, locale, t), time: formatTime(new Date(c.calledAt), locale) })}
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>

      {board.pupils.length === 0 ? <p className="muted">{t("talks.sitting.noPupils")}</p> : null}
      <ul className="sitting-board">
        {board.pupils.map((p) => (
          <PupilCard key={p.talkId} pupil={p} />
        ))}
      </ul>
    </div>
  );
}

function PupilCard({ pupil }: { pupil: Pupil }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const headingId = `pupil-${pupil.talkId}`;
  const name = pupil.masked ? t("pupil.protectedMasked") : fullName(pupil.pupil);
  return (
    <li className="card sitting-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{name}</h2>
      {pupil.time ? (
        <p className="small">
          {t("talks.when", formatTalkTime(pupil.time.startsAt, pupil.time.endsAt, locale))} · {pupil.time.place}
        </p>
      ) : null}
      <TalkClock elapsedMs={pupil.elapsedMs} startedAtMs={pupil.startedAtMs} stopped={pupil.stopped} talkMinutes={pupil.talkMinutes} pupilName={name} />
      <ul className="plain-list small">
        <li>
          <span className={pupil.pupilPresent ? "presence-dot presence-on" : "presence-dot"} aria-hidden="true" />{" "}
          {pupil.pupilPresent ? t("talks.sitting.pupilInPlan") : t("talks.sitting.pupilNotInPlan")}
        </li>
        {pupil.guardians.map((g) => (
          <li key={g.id}>
            <span className={g.present ? "presence-dot presence-on" : "presence-dot"} aria-hidden="true" /> {pupil.masked ? t("talks.sitting.maskedGuardian") : fullName(g)}:{" "}
            {g.attendance ? t(`talks.attendance.${g.attendance}`) : t("talks.sitting.noAnswer")}
            {g.present ? ` · ${t("talks.sitting.inPlan")}` : ""}
            {g.interpreterLanguage ? ` · ${t("talks.board.interpreter", { languages: g.interpreterLanguage })}` : ""}
            {g.attendance === "remote" || g.attendance === "phone" ? <IdentityCheckForm talkId={pupil.talkId} guardian={g} /> : null}
          </li>
        ))}
        {pupil.guests.map((g) => (
          <li key={g.id}>
            <span className={g.present ? "presence-dot presence-on" : "presence-dot"} aria-hidden="true" /> {t("talks.sitting.guest", { name: g.name, language: g.language })}
            {g.present ? ` · ${t("talks.sitting.inPlan")}` : ""}
          </li>
        ))}
      </ul>
      {pupil.calls.map((c) => (
        <div key={c.id} className="call-line">
          <p className={c.acknowledged ? "small" : "small call-open"}>
            {c.acknowledged && c.teacher
              ? t("talks.call.onTheWay", { name: fullName(c.teacher), time: formatTime(new Date(c.calledAt), locale) })
              : t("talks.sitting.callLine", { name, subject: subjectName(c.subject, locale, t), time: formatTime(new Date(c.calledAt), locale) })}
          </p>
          {pupil.opensPlan ? <CloseCallForm talkId={pupil.talkId} callId={c.id} /> : null}
        </div>
      ))}
      <SigningOnBoard pupil={pupil} headingId={headingId} />
      {pupil.opensPlan ? (
        <p>
          <Link to={`/plans/${pupil.planId}`}>{t("talks.sitting.openPlan")}</Link> · <Link to={`/talks/${pupil.talkId}`}>{t("talks.sitting.openTalk")}</Link>
        </p>
      ) : null}
    </li>
  );
}

type ActionAnswer = { ok: true } | { ok: false; message: string };

/**
 * How far signing has come, and for the pupil's mentor while it is a draft: "Lås planen", posted
 * to the plan page's own action (the same lock, policy and record as there). After the lock,
 * focus moves to the signing state and the way to the signing form.
 */
function SigningOnBoard({ pupil, headingId }: { pupil: Pupil; headingId: string }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<ActionAnswer>();
  const answer = useRef<HTMLDivElement>(null);
  useFocusOnAnswer(answer, fetcher.state === "idle" ? (fetcher.data ?? null) : null);
  const error = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  return (
    <div className="board-signing" ref={answer}>
      <p className="small" role="status">
        {pupil.signing.required > 0
          ? t("talks.sitting.signing", { signed: pupil.signing.signed, required: pupil.signing.required })
          : t(`plan.status.${pupil.signing.planStatus}`)}
        {pupil.signing.planStatus === "locked" && pupil.opensPlan ? (
          <>
            {" · "}
            <Link to={`/plans/${pupil.planId}#signing`} aria-describedby={headingId}>
              {t("signing.callout.button")}
            </Link>
          </>
        ) : null}
      </p>
      {pupil.lock ? (
        <fetcher.Form method="post" action={`/plans/${pupil.planId}`} className="board-lock">
          <input type="hidden" name="intent" value="lock" />
          {pupil.lock.guardians.length > 0 ? (
            <fieldset className="plain-fieldset">
              <legend className="small">{t("signing.guardiansTakingPart")}</legend>
              {pupil.lock.guardians.map((g) => (
                <label key={g.id} className="checkbox small">
                  <input type="checkbox" name="guardian" value={g.id} defaultChecked />
                  {g.name || t("talks.sitting.maskedGuardian")}
                </label>
              ))}
            </fieldset>
          ) : null}
          {error ? (
            <p className="alert alert-error small" role="alert">
              {translateError(t, error)}
            </p>
          ) : null}
          <button type="submit" className="button-primary button-small" aria-describedby={headingId} disabled={fetcher.state !== "idle"}>
            {t("signing.lock")}
          </button>
        </fetcher.Form>
      ) : null}
    </div>
  );
}

/** The mentor closes a call from the board (answered in person, or no longer needed). */
function CloseCallForm({ talkId, callId }: { talkId: string; callId: string }) {
  const { t } = useTranslation();
  const fetcher = useFetcher();
  return (
    <fetcher.Form method="post" action={`/talks/${talkId}`} className="inline-form">
      <input type="hidden" name="intent" value="close-call" />
      <input type="hidden" name="callId" value={callId} />
      <button type="submit" className="button-link small" disabled={fetcher.state !== "idle"}>
        {t("talks.call.close")}
      </button>
    </fetcher.Form>
  );
}

function IdentityCheckForm({ talkId, guardian }: { talkId: string; guardian: { id: string; givenName: string; familyName: string; identityChecked: boolean } }) {
  const { t } = useTranslation();
  const fetcher = useFetcher();
  if (guardian.identityChecked) return <span> · {t("talks.sitting.identityChecked")}</span>;
  return (
    <fetcher.Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="identity" />
      <input type="hidden" name="talkId" value={talkId} />
      <input type="hidden" name="guardianId" value={guardian.id} />{" "}
      <button type="submit" className="button-secondary button-small" disabled={fetcher.state !== "idle"}>
        {t("talks.sitting.checkIdentity", { name: guardian.givenName || t("roles.guardian") })}
      </button>
    </fetcher.Form>
  );
}
