import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getTalkBoard, type TalkBoard } from "~/services/talk-days.server";
import { performBoardIntent } from "~/services/talk-intents.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime, formatTalkTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.talkDays" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const board = getTalkBoard(context.db, person, params.eventId ?? "");
  if (!board) throw notFound();
  return board;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(performBoardIntent(context, person, params.eventId ?? "", await readFormData(request)), "talks");
}

type Sitting = TalkBoard["sittings"][number];
type Pupil = TalkBoard["pupils"][number];
type Clash = Pupil["clashes"][number];

/** A rule the talk breaks now, and who accepted it with what reason (staff see it on every board it touches). */
function ClashNotes({ clashes }: { clashes: Clash[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      {clashes.map((clash) => (
        <span key={clash.rule} className="clash-note">
          <strong className="clash">{t(`talks.board.clash.${clash.rule}`)}</strong>
          {clash.accepted ? (
            <span className="small">
              {" "}
              {t("talks.board.accepted", { name: fullName(clash.accepted.by), time: formatDateTime(new Date(clash.accepted.at), locale), reason: clash.accepted.reason })}
            </span>
          ) : null}
        </span>
      ))}
    </>
  );
}

/** The talk's own page: its guests (an interpreter) and details. */
function TalkLink({ eventId, pupil }: { eventId: string; pupil: Pupil }) {
  const { t } = useTranslation();
  const nameOf = usePupilName();
  if (!pupil.talkId || !pupil.mayManageGuests) return null;
  return (
    <Link className="small" to={`/talk-days/${eventId}/talks/${pupil.talkId}`}>
      {t("talks.board.talkLink")}
      <span className="visually-hidden"> {t("talks.board.talkLinkFor", { name: nameOf(pupil) })}</span>
    </Link>
  );
}

/** A pupil's name on the board, or the masked row of a protected family the viewer does not work with. */
function usePupilName() {
  const { t } = useTranslation();
  return (p: { givenName: string; familyName: string; masked: boolean }) => (p.masked ? t("pupil.protectedMasked") : fullName(p));
}

/** A sitting as families see it too: the weekday, the date and the time. */
function useSittingLabel() {
  const locale = useLocale();
  const { t } = useTranslation();
  return (s: { startsAt: string; endsAt: string }) => t("talks.when", formatTalkTime(s.startsAt, s.endsAt, locale));
}

export default function TalkBoardPage() {
  const { t } = useTranslation();
  const nameOf = usePupilName();
  const board = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const label = useSittingLabel();
  const unplaced = board.pupils.filter((p) => !p.talkId);
  const oneToOne = board.pupils.filter((p) => p.oneToOne);

  return (
    <div className="page page-wide">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to="/talk-days">{t("talks.days.title")}</Link>
        {" · "}
        {/* The evaluation's readers are the board's (app/policies/evaluation.server.ts). */}
        <Link to={`/talk-days/${board.event.id}/evaluation`}>{t("evaluation.results.link")}</Link>
      </nav>
      <h1>{t("talks.board.title")}</h1>
      <p className="muted">
        <span className={`badge badge-talk-${board.event.status}`}>{t(`talks.status.${board.event.status}`)}</span>{" "}
        {t("talks.board.facts", { place: board.event.place, talk: board.event.talkMinutes, sitting: board.event.sittingMinutes })}
        {board.event.phoneNumber ? ` · ${t("talks.board.phoneFact", { number: board.event.phoneNumber })}` : ""}
      </p>
      <p role="status" className="lead">
        {t("talks.board.totals", board.totals)}
      </p>

      {result && !result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>{t(`talks.errors.${result.error as "capacity"}`, { defaultValue: t("talks.errors.generic") })}</p>
        </div>
      ) : null}
      {result && result.ok && result.intent === "invite" ? (
        <div className="alert alert-success" role="status">
          <p>{t("talks.board.invited", { count: "sent" in result ? Number(result.sent) : 0 })}</p>
        </div>
      ) : null}

      <div className="actions">
        {board.event.status === "planning" && board.changesWholeEvent ? (
          <>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="invite" />
              <button type="submit" className="button-primary" disabled={navigation.state !== "idle"}>
                {t("talks.board.invite")}
              </button>
            </Form>
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="replace" />
              <button type="submit" className="button-secondary" disabled={navigation.state !== "idle"}>
                {t("talks.board.replace")}
              </button>
            </Form>
          </>
        ) : null}
        {board.changesWholeEvent ? (
          <Link className="button-secondary" to={`/talk-days/${board.event.id}/edit`}>
            {t("talks.correct.link")}
          </Link>
        ) : null}
        {board.admin ? (
          <Link className="button-secondary" to="/admin/outbox">
            {t("talks.outbox.title")}
          </Link>
        ) : null}
      </div>

      <section className="card" aria-labelledby="counts-heading">
        <h2 id="counts-heading">{t("talks.board.counts")}</h2>
        <div className="table-scroll">
          <table className="counts-table">
            <thead>
              <tr>
                <th scope="col">{t("talks.board.sitting")}</th>
                <th scope="col">{t("talks.board.pupils")}</th>
                {board.mentors.map((m) => (
                  <th scope="col" key={m.id}>
                    {fullName(m)}
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">{t("talks.board.sittingBoard")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {board.sittings.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{label(s)}</th>
                  <td className={s.capacity !== null && s.count >= s.capacity ? "count-full" : undefined}>
                    {s.capacity !== null ? t("talks.board.countOf", { count: s.count, capacity: s.capacity }) : s.count}
                  </td>
                  {board.mentors.map((m) => (
                    <td key={m.id}>{s.perMentor[m.id] ?? 0}</td>
                  ))}
                  <td>
                    <Link to={`/talk-days/${board.event.id}/sittings/${s.id}`}>{t("talks.board.sittingBoard")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {board.changesWholeEvent ? (
      <section className="card" aria-labelledby="places-heading">
        <h2 id="places-heading">{t("talks.board.placesHeading")}</h2>
        <p className="small muted">{t("talks.board.placesText")}</p>
        <ul className="plain-list sitting-settings">
          {board.sittings.map((s) => (
            <SittingSettings key={s.id} sitting={s} />
          ))}
        </ul>
      </section>
      ) : null}

      {unplaced.length > 0 ? (
        <section className="card" aria-labelledby="unplaced-heading">
          <h2 id="unplaced-heading">{t("talks.board.unplaced")}</h2>
          <ul className="plain-list">
            {unplaced.map((p) => (
              <li key={p.id}>
                <strong>{nameOf(p)}</strong> ({p.groupName}):{" "}
                {p.unplacedReasons.length > 0 ? p.unplacedReasons.map((r) => t(`talks.reasons.${r}`)).join("; ") : t("talks.reasons.none")}
                <MoveForm pupil={p} sittings={board.sittings} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="pupils-heading">
        <h2 id="pupils-heading">{t("talks.board.yourPupils")}</h2>
        {board.sittings.map((s) => {
          const pupils = board.pupils.filter((p) => p.sittingId === s.id);
          if (pupils.length === 0) return null;
          return (
            <div key={s.id} className="sitting-block">
              <h3>{label(s)}</h3>
              <ul className="plain-list pupil-moves">
                {pupils.map((p) => (
                  <li key={p.id}>
                    <span className="pupil-move-name">
                      {nameOf(p)} <span className="muted small">{p.groupName}</span>
                    </span>
                    <span className="small">
                      {t("talks.board.confirmed", { confirmed: p.confirmed, guardians: p.guardians })}
                      {p.attendance.map((a) => ` · ${t(`talks.attendance.${a}`)}`).join("")}
                      {p.interpreterLanguages.length ? ` · ${t("talks.board.interpreter", { languages: p.interpreterLanguages.join(", ") })}` : ""}
                      {p.guests > 0 ? ` · ${t("talks.board.guests", { count: p.guests })}` : ""}
                    </span>
                    <ClashNotes clashes={p.clashes} />
                    <TalkLink eventId={board.event.id} pupil={p} />
                    <MoveForm pupil={p} sittings={board.sittings} />
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
        {oneToOne.length > 0 ? (
          <div className="sitting-block">
            <h3>{t("talks.board.oneToOne")}</h3>
            <p className="small">
              <Link to={`/talk-days/${board.event.id}/one-to-one`}>{t("talks.board.oneToOneBoard")}</Link>
            </p>
            <ul className="plain-list pupil-moves">
              {oneToOne.map((p) => (
                <li key={p.id}>
                  <span className="pupil-move-name">
                    {nameOf(p)}: {label(p.oneToOne!)}
                    {p.oneToOne!.place ? ` · ${p.oneToOne!.place}` : ""}
                  </span>
                  <span className="small">
                    {t("talks.board.confirmed", { confirmed: p.confirmed, guardians: p.guardians })}
                    {p.attendance.map((a) => ` · ${t(`talks.attendance.${a}`)}`).join("")}
                  </span>
                  <ClashNotes clashes={p.clashes} />
                  <TalkLink eventId={board.event.id} pupil={p} />
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <BookingForm pupils={board.pupils} />
    </div>
  );
}

function SittingSettings({ sitting }: { sitting: Sitting }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const label = useSittingLabel();
  const name = label(sitting);
  return (
    <li>
      <fetcher.Form method="post" className="sitting-settings-form">
        <input type="hidden" name="intent" value="sitting" />
        <input type="hidden" name="sittingId" value={sitting.id} />
        <span className="sitting-settings-name">{name}</span>
        <label className="visually-hidden" htmlFor={`place-${sitting.id}`}>
          {t("talks.board.placeFor", { sitting: name })}
        </label>
        <input id={`place-${sitting.id}`} name="place" type="text" required maxLength={200} defaultValue={sitting.place} />
        <label className="visually-hidden" htmlFor={`video-${sitting.id}`}>
          {t("talks.board.videoFor", { sitting: name })}
        </label>
        <input id={`video-${sitting.id}`} name="videoUrl" type="url" maxLength={500} defaultValue={sitting.videoUrl ?? ""} placeholder={t("talks.board.videoPlaceholder")} />
        <label className="visually-hidden" htmlFor={`phone-${sitting.id}`}>
          {t("talks.board.phoneFor", { sitting: name })}
        </label>
        <input id={`phone-${sitting.id}`} name="phoneNumber" type="tel" maxLength={40} defaultValue={sitting.phoneNumber ?? ""} placeholder={t("talks.board.phonePlaceholder")} />
        <button type="submit" className="button-secondary button-small" disabled={fetcher.state !== "idle"}>
          {t("talks.board.save")}
        </button>
        <span className="small" role="status">
          {fetcher.data ? (fetcher.data.ok ? t("talks.board.saved") : t(`talks.errors.${fetcher.data.error as "capacity"}`, { defaultValue: t("talks.errors.generic") })) : null}
        </span>
      </fetcher.Form>
    </li>
  );
}

function MoveForm({ pupil, sittings }: { pupil: Pupil; sittings: Sitting[] }) {
  const { t } = useTranslation();
  const nameOf = usePupilName();
  const fetcher = useFetcher<{ ok: boolean; error?: string; fieldErrors?: Record<string, string[]> }>();
  const label = useSittingLabel();
  const selectId = `move-${pupil.id}`;
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  // A sibling's talk or a guardian's time may be overridden on purpose, with a reason.
  const overridable = failed === "sibling" || failed === "unavailable" || (failed === "validation" && fetcher.data?.fieldErrors?.override);
  return (
    <fetcher.Form method="post" className="inline-form move-form">
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="pupilId" value={pupil.id} />
      <label htmlFor={selectId} className="visually-hidden">
        {t("talks.board.moveLabel", { name: nameOf(pupil) })}
      </label>
      <select id={selectId} name="sittingId" defaultValue={pupil.sittingId ?? ""}>
        {pupil.sittingId ? null : <option value="">{t("talks.board.choose")}</option>}
        {sittings.map((s) => (
          <option key={s.id} value={s.id}>
            {label(s)} ({s.capacity !== null ? `${s.count}/${s.capacity}` : s.count})
          </option>
        ))}
      </select>{" "}
      <button type="submit" className="button-secondary button-small" disabled={fetcher.state !== "idle"}>
        {t("talks.board.move")}
      </button>
      {failed ? (
        <span className="small error" role="alert">
          {" "}
          {failed === "validation" && overridable ? t("talks.errors.reasonMissing") : t(`talks.errors.${failed as "capacity"}`, { defaultValue: t("talks.errors.generic") })}
        </span>
      ) : null}
      {overridable ? <OverrideField id={`override-${pupil.id}`} label={t("talks.board.overrideLabel")} button={t("talks.board.overrideMove")} disabled={fetcher.state !== "idle"} /> : null}
    </fetcher.Form>
  );
}

/** "Do it anyway": the reason staff give for breaking a rule on purpose (stored with who and when). */
function OverrideField({ id, label, button, disabled }: { id: string; label: string; button: string; disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="override-field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name="override" required minLength={3} maxLength={500} rows={2} aria-describedby={`${id}-hint`} />
      <span id={`${id}-hint`} className="small muted">
        {t("talks.board.overrideHint")}
      </span>
      <button type="submit" className="button-secondary button-small" disabled={disabled}>
        {button}
      </button>
    </span>
  );
}

function BookingForm({ pupils }: { pupils: Pupil[] }) {
  const { t } = useTranslation();
  const nameOf = usePupilName();
  const fetcher = useFetcher<{ ok: boolean; error?: string; fieldErrors?: Record<string, string[]> }>();
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  const overridable = failed === "sibling" || failed === "unavailable" || (failed === "validation" && fetcher.data?.fieldErrors?.override);
  if (pupils.length === 0) return null;
  return (
    <section className="card" aria-labelledby="book-heading">
      <h2 id="book-heading">{t("talks.board.bookHeading")}</h2>
      <p className="small muted">{t("talks.board.bookText")}</p>
      <fetcher.Form method="post" className="stack-form">
        <input type="hidden" name="intent" value="book" />
        <div className="field-row">
          <div className="field">
            <label htmlFor="book-pupil">{t("talks.board.bookPupil")}</label>
            <select id="book-pupil" name="pupilId" required>
              {pupils.map((p) => (
                <option key={p.id} value={p.id}>
                  {nameOf(p)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="book-date">{t("talks.board.bookDate")}</label>
            <input id="book-date" name="date" type="date" required />
          </div>
          <div className="field">
            <label htmlFor="book-from">{t("talks.board.bookFrom")}</label>
            <input id="book-from" name="from" type="time" required />
          </div>
          <div className="field">
            <label htmlFor="book-to">{t("talks.board.bookTo")}</label>
            <input id="book-to" name="to" type="time" required />
          </div>
        </div>
        <div className="field">
          <label htmlFor="book-place">{t("talks.create.place")}</label>
          <input id="book-place" name="place" type="text" required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="book-video">{t("talks.create.videoUrl")}</label>
          <input id="book-video" name="videoUrl" type="url" maxLength={500} />
        </div>
        <div className="field">
          <label htmlFor="book-phone">{t("talks.create.phoneNumber")}</label>
          <input id="book-phone" name="phoneNumber" type="tel" maxLength={40} />
        </div>
        {overridable ? <OverrideField id="book-override" label={t("talks.board.overrideLabel")} button={t("talks.board.overrideBook")} disabled={fetcher.state !== "idle"} /> : null}
        <button type="submit" className="button-secondary" disabled={fetcher.state !== "idle"}>
          {t("talks.board.book")}
        </button>
        <p role="status" className="small">
          {fetcher.data
            ? fetcher.data.ok
              ? t("talks.board.booked")
              : failed === "validation" && overridable
                ? t("talks.errors.reasonMissing")
                : t(`talks.errors.${fetcher.data.error as "capacity"}`, { defaultValue: t("talks.errors.generic") })
            : null}
        </p>
      </fetcher.Form>
    </section>
  );
}
