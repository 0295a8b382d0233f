import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { getTalkGuestsPage } from "~/services/talk-guests.server";
import { performGuestIntent } from "~/services/talk-intents.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime, formatTalkTime, formatTime, fullName } from "~/utils/format";
import type { PageHandle } from "~/utils/page-title";
import { useLocale } from "~/utils/use-locale";

export const handle: PageHandle = { titleKey: "pageTitles.talkAdmin" };

/** One talk for staff (the pupil's mentor, an admin): when and where, and its interpreter as a guest. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const page = getTalkGuestsPage(context.db, person, params.eventId ?? "", params.talkId ?? "");
  if (!page) throw notFound();
  return page;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(performGuestIntent(context, person, params.eventId ?? "", params.talkId ?? "", await readFormData(request)), "talks.guests");
}

type Result = { ok: true; intent: string; link?: string; guestName?: string; mailed?: boolean } | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

export default function TalkPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const page = useLoaderData<typeof loader>();
  const name = page.masked ? t("pupil.protectedMasked") : fullName(page.pupil);
  const { talk } = page;
  return (
    <div className="page">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to={`/talk-days/${page.eventId}`}>{t("talks.board.title")}</Link>
      </nav>
      <h1>{t("talks.guests.heading", { name })}</h1>
      <p className="lead">
        {t("talks.when", formatTalkTime(talk.startsAt, talk.endsAt, locale))} · {talk.place}
      </p>
      <p className="muted">
        {t("talks.guardian.length", { minutes: talk.talkMinutes })}
        {talk.phoneNumber ? ` · ${t("talks.view.phone", { number: talk.phoneNumber })}` : ""}
      </p>

      <section className="card" aria-labelledby="guests-heading">
        <h2 id="guests-heading">{t("talks.guests.section")}</h2>
        {page.requestedLanguages.length > 0 ? (
          <p>{t("talks.guests.requested", { languages: page.requestedLanguages.join(", ") })}</p>
        ) : (
          <p className="muted">{t("talks.guests.noneRequested")}</p>
        )}
        <p className="small muted">
          {t("talks.guests.window", { from: formatTime(new Date(page.window.opensAt), locale), to: formatTime(new Date(page.window.closesAt), locale) })}
        </p>
        {page.guests.length > 0 ? (
          <ul className="plain-list guest-list">
            {page.guests.map((g) => (
              <GuestRow key={g.id} guest={g} />
            ))}
          </ul>
        ) : null}
        <AddGuestForm defaultLanguage={page.requestedLanguages[0] ?? ""} />
      </section>
    </div>
  );
}

type Guest = ReturnType<typeof useLoaderData<typeof loader>>["guests"][number];

function GuestRow({ guest }: { guest: Guest }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const renew = useFetcher<Result>();
  const withdraw = useFetcher<Result>();
  const contact = [guest.email, guest.phone].filter(Boolean).join(" · ");
  return (
    <li className="guest-row">
      <p>
        <strong>{guest.name}</strong> ({guest.language}){contact ? ` · ${contact}` : ""}
        <br />
        <span className="small">
          {guest.withdrawn
            ? t("talks.guests.withdrawn")
            : guest.openings > 0 && guest.lastOpenedAt
              ? t("talks.guests.opened", { count: guest.openings, time: formatDateTime(new Date(guest.lastOpenedAt), locale) })
              : t("talks.guests.notOpened")}
        </span>
      </p>
      {!guest.withdrawn ? (
        <div className="actions">
          <renew.Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="new-link" />
            <input type="hidden" name="guestId" value={guest.id} />
            <button type="submit" className="button-secondary button-small" disabled={renew.state !== "idle"}>
              {t("talks.guests.newLink")}
              <span className="visually-hidden"> {t("talks.guests.forName", { name: guest.name })}</span>
            </button>
          </renew.Form>
          <withdraw.Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="withdraw" />
            <input type="hidden" name="guestId" value={guest.id} />
            <button type="submit" className="button-secondary button-small" disabled={withdraw.state !== "idle"}>
              {t("talks.guests.withdraw", { name: guest.name })}
            </button>
          </withdraw.Form>
        </div>
      ) : null}
      {renew.data?.ok && renew.data.link ? <ShownLink link={renew.data.link} name={guest.name} mailed={renew.data.mailed ?? false} /> : null}
    </li>
  );
}

/** The link, shown once: staff copy it into an SMS or read it out; it is not stored in readable form. */
function ShownLink({ link, name, mailed }: { link: string; name: string; mailed: boolean }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [link]);
  return (
    <div className="alert alert-success shown-link" role="status">
      <label htmlFor="guest-link">{t("talks.guests.linkFor", { name })}</label>
      <input id="guest-link" ref={input} type="text" readOnly value={link} aria-describedby="guest-link-hint" />
      <p id="guest-link-hint" className="small">
        {t("talks.guests.shownOnce")} {mailed ? t("talks.guests.mailed") : null}
      </p>
    </div>
  );
}

function AddGuestForm({ defaultLanguage }: { defaultLanguage: string }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<Result>();
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const invalid = (field: string) => (failed?.fieldErrors?.[field] ? true : undefined);
  const added = fetcher.data?.ok && fetcher.data.intent === "add-guest" ? fetcher.data : null;
  return (
    <>
      {added?.link ? <ShownLink link={added.link} name={added.guestName ?? ""} mailed={added.mailed ?? false} /> : null}
      <fetcher.Form method="post" className="stack-form" key={added?.link ?? "new"}>
        <h3>{t("talks.guests.addHeading")}</h3>
        <input type="hidden" name="intent" value="add-guest" />
        <div className="field-row">
          <div className="field">
            <label htmlFor="guest-name">{t("talks.guests.name")}</label>
            <input id="guest-name" name="name" type="text" required minLength={2} maxLength={120} autoComplete="off" aria-invalid={invalid("name")} />
          </div>
          <div className="field">
            <label htmlFor="guest-language">{t("talks.guests.language")}</label>
            <input id="guest-language" name="language" type="text" required minLength={2} maxLength={60} defaultValue={defaultLanguage} aria-invalid={invalid("language")} />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="guest-email">{t("talks.guests.email")}</label>
            <input id="guest-email" name="email" type="email" maxLength={200} autoComplete="off" aria-invalid={invalid("email")} aria-describedby="guest-contact-hint" />
          </div>
          <div className="field">
            <label htmlFor="guest-phone">{t("talks.guests.phone")}</label>
            <input id="guest-phone" name="phone" type="tel" maxLength={40} autoComplete="off" aria-invalid={invalid("phone")} aria-describedby="guest-contact-hint" />
          </div>
        </div>
        <p id="guest-contact-hint" className="small muted">
          {t("talks.guests.contactHint")}
        </p>
        {failed ? (
          <p className="alert alert-error" role="alert">
            {failed.fieldErrors?.email?.includes("contact") ? t("talks.guests.errors.contact") : t(`talks.guests.errors.${failed.error as "notFound"}`, { defaultValue: t("talks.errors.generic") })}
          </p>
        ) : null}
        <button type="submit" className="button-primary" disabled={fetcher.state !== "idle"}>
          {t("talks.guests.add")}
        </button>
      </fetcher.Form>
    </>
  );
}
