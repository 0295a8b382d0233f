import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PupilList } from "~/components/pupil-list";
import { GuardianTalkCard } from "~/components/talk/guardian-talk-card";
import { HomeNewsCard } from "~/components/home-news";
import { getHomePage } from "~/services/home.server";
import { getHomeNews, performNewsSeen } from "~/services/notifications.server";
import { performGuardianAnswer } from "~/services/talk-intents.server";
import { respond } from "~/utils/action-result.server";
import { readFormData } from "~/utils/forms.server";
import { TermName } from "~/components/term-name";
import { requirePerson } from "~/utils/auth.server";
import { formatDateTime, formatTalkTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";
import { subjectName } from "~/utils/subject-name";

export const handle: PageHandle = { titleKey: "pageTitles.home" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  return { ...getHomePage(context.db, person), news: getHomeNews(context.db, person) };
}

/** "Markera som lästa", and a guardian's answer to a talk invitation (the cards post here, with or without JavaScript). */
export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  const form = await readFormData(request);
  // Answered with the card's talk id as well (none), so the cards can tell whose answer it is.
  if (form.get("intent") === "news-seen") return respond(performNewsSeen(context.db, person, form), "notifications", { talkId: "" });
  const talkId = String(form.get("talkId") ?? "");
  const result = await performGuardianAnswer(context, person, form);
  // The card that posted shows the answer: it is told by its talk.
  return respond(result, "talks", { talkId });
}

export default function HomePage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { person, overview, waitingThreads, pupilTalks, guardianTalks, news } = useLoaderData<typeof loader>();
  // Set when a card was posted without JavaScript (with it, each card shows its own answer).
  const answered = useActionData<typeof action>();
  const { asPupil, children, mentorGroups, teachingGroups, isAdmin, term } = overview;
  const hasAnyRole = asPupil || children.length > 0 || mentorGroups.length > 0 || teachingGroups.length > 0 || isAdmin;

  return (
    <div className="page">
      <h1>{t("home.greeting", { name: person.givenName })}</h1>
      <p className="muted">
        {term ? (
          <>
            {t("home.currentTerm")} <TermName term={term} />
          </>
        ) : (
          t("home.noTerm")
        )}
      </p>

      {!hasAnyRole ? <p className="alert">{t("home.noRoles")}</p> : null}

      {hasAnyRole ? <HomeNewsCard news={news} /> : null}

      {asPupil ? (
        <section className="card" aria-labelledby="pupil-heading">
          <h2 id="pupil-heading">{t("home.pupil.heading")}</h2>
          <p>{t("home.pupil.classAndYear", { className: asPupil.className ?? "–", year: asPupil.schoolYear })}</p>
          {asPupil.mentors.length > 0 ? (
            <p>
              {t("home.pupil.mentors")}: {asPupil.mentors.map(fullName).join(", ")}
            </p>
          ) : null}
          <div className="actions">
            {term ? (
              <Link className="button-primary" to={`/pupils/${person.id}/plan`}>
                {t("plan.openMine")}
              </Link>
            ) : null}
            <Link className="button-secondary" to={`/pupils/${person.id}`}>
              {t("home.pupil.open")}
            </Link>
          </div>
        </section>
      ) : null}

      {pupilTalks.length > 0 ? (
        <section className="card" aria-labelledby="my-talk-heading">
          <h2 id="my-talk-heading">{t("talks.pupil.heading")}</h2>
          {pupilTalks.map((talk) => (
            <p key={talk.talkId}>
              {t("talks.when", formatTalkTime(talk.startsAt, talk.endsAt, locale))} · {talk.place}{" "}
              <Link className="button-primary" to={`/talks/${talk.talkId}`}>
                {t("talks.pupil.open")}
              </Link>
            </p>
          ))}
        </section>
      ) : null}

      {guardianTalks.length > 0 ? (
        <section aria-labelledby="guardian-talks-heading" className="talk-cards">
          <h2 id="guardian-talks-heading">{t("talks.guardian.heading")}</h2>
          {guardianTalks.map((talk) => (
            <GuardianTalkCard key={talk.talkId} talk={talk} answered={answered?.talkId === talk.talkId ? answered : undefined} />
          ))}
        </section>
      ) : null}

      {children.length > 0 ? (
        <section className="card" aria-labelledby="children-heading">
          <h2 id="children-heading">{t("home.children.heading")}</h2>
          <ul className="tile-list">
            {children.map((child) => (
              <li key={child.id}>
                <Link className="tile" to={`/pupils/${child.id}`}>
                  <span className="tile-title">{fullName(child)}</span>
                  <span className="muted">
                    {t("pupil.classAndYear", { className: child.className ?? "–", year: child.schoolYear })}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {mentorGroups.length > 0 ? (
        <section className="card" aria-labelledby="mentor-heading">
          <h2 id="mentor-heading">{t("home.mentor.heading")}</h2>
          <p>
            <Link to="/talk-days">{t("talks.days.title")}</Link>
          </p>
          {mentorGroups.map((group) => (
            <div key={group.groupId} className="group-block">
              <h3>
                <Link to={`/groups/${group.groupId}`}>{group.name}</Link>{" "}
                <span className="muted small">{t("home.mentor.pupilCount", { count: group.pupils.length })}</span>
              </h3>
              <PupilList pupils={group.pupils} />
            </div>
          ))}
        </section>
      ) : null}

      {teachingGroups.length > 0 || waitingThreads.length > 0 ? (
        <section className="card" aria-labelledby="waiting-heading">
          <h2 id="waiting-heading">{t("comments.waiting.heading")}</h2>
          {waitingThreads.length === 0 ? (
            <p className="muted">{t("comments.waiting.none")}</p>
          ) : (
            <ul className="plain-list waiting-list">
              {waitingThreads.map((thread) => (
                <li key={thread.threadId}>
                  <Link to={`/plans/${thread.planId}#thread-${thread.threadId}`}>
                    {t("comments.waiting.item", {
                      pupil: fullName(thread.pupil),
                      subject: subjectName(thread.subject, locale, t),
                    })}
                  </Link>{" "}
                  <span className="small muted">
                    {t("comments.waiting.last", { name: fullName(thread.lastComment.author), time: formatDateTime(new Date(thread.lastComment.at), locale) })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {teachingGroups.length > 0 ? (
        <section className="card" aria-labelledby="teacher-heading">
          <h2 id="teacher-heading">{t("home.teacher.heading")}</h2>
          <div className="actions">
            <Link className="button-primary" to="/assessments">
              {t("assessments.open")}
            </Link>
          </div>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("home.teacher.group")}</th>
                  <th scope="col">{t("home.teacher.subject")}</th>
                  <th scope="col" className="numeric">
                    {t("home.teacher.pupils")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {teachingGroups.map((g) => (
                  <tr key={`${g.groupId}-${g.subjectCode}`}>
                    <td>
                      <Link to={`/groups/${g.groupId}`}>{g.groupName}</Link>
                    </td>
                    <td>{subjectName({ code: g.subjectCode, languageCode: g.subjectLanguageCode, nameSv: g.subjectNameSv, nameEn: g.subjectNameEn }, locale, t)}</td>
                    <td className="numeric">{g.pupilCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {isAdmin ? (
        <section className="card" aria-labelledby="admin-heading">
          <h2 id="admin-heading">{t("home.admin.heading")}</h2>
          <p>{t("home.admin.text")}</p>
          <Link className="button-primary" to="/admin">
            {t("home.admin.open")}
          </Link>
        </section>
      ) : null}
    </div>
  );
}
