import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PupilList } from "~/components/pupil-list";
import { getGroupPage } from "~/services/roster.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";
import { subjectName } from "~/utils/subject-name";

export const handle: PageHandle = { titleKey: "pageTitles.group" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const page = getGroupPage(context.db, person, params.groupId ?? "");
  if (!page) throw notFound();
  return page;
}

export default function GroupPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { group } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{group.name}</h1>
      <p className="muted">
        {t(`group.types.${group.type}`)} · {t("group.pupilCount", { count: group.pupils.length })}
      </p>
      <div className="grid-2">
        {group.mentors.length > 0 ? (
          <section className="card" aria-labelledby="group-mentors">
            <h2 id="group-mentors">{t("group.mentors")}</h2>
            <ul className="plain-list">
              {group.mentors.map((m) => (
                <li key={m.id}>{fullName(m)}</li>
              ))}
            </ul>
          </section>
        ) : null}
        {group.subjects.length > 0 ? (
          <section className="card" aria-labelledby="group-subjects">
            <h2 id="group-subjects">{t("group.subjects")}</h2>
            <ul className="plain-list">
              {group.subjects.map((s) => (
                <li key={`${s.nameSv}-${s.teacher.id}`}>
                  {subjectName(s, locale, t)}: {fullName(s.teacher)}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
      <section className="card" aria-labelledby="group-pupils">
        <h2 id="group-pupils">{t("group.pupils")}</h2>
        <PupilList pupils={group.pupils} />
      </section>
    </div>
  );
}
