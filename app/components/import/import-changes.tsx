import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { FieldChange, ImportChanges, PersonChange } from "~/services/roster-import/plan.server";
import { formatDate, formatList, fullName } from "~/utils/format";
import { subjectName } from "~/utils/subject-name";
import { useLocale } from "~/utils/use-locale";
import { problemPlace, say } from "./import-problems";

/** Stands for a person with protected identity in another person's changes (plan.server's MASKED_PERSON). */
const MASKED_PERSON = "#protected";

const countKinds = ["pupils", "guardians", "staff", "groups", "memberships", "guardianships", "mentorships", "duties", "subjects", "terms"] as const;
const sections = ["ended", "changed", "returned", "added"] as const;

/** Fields whose values are yes or no. */
const yesNoFields = new Set(["protectedIdentity", "admin", "teacher"]);

function value(t: TFunction, field: string, v: string | null): string {
  if (v === null) return t("import.none");
  if (yesNoFields.has(field)) return v === "true" ? t("import.yes") : t("import.no");
  return v;
}

function FieldLine({ change, masked }: { change: FieldChange; masked: boolean }) {
  const { t } = useTranslation();
  const label = t(`import.field.${change.field}`);
  if (change.field === "household") return <li>{`${label}: ${t("import.householdChanged")}`}</li>;
  if ("added" in change) {
    const name = (n: string) => (n === MASKED_PERSON ? t("import.protectedPerson") : n);
    const parts = [...change.added.map((n) => `+ ${name(n)}`), ...change.removed.map((n) => `− ${name(n)}`)];
    return <li>{`${label}: ${parts.join(", ")}`}</li>;
  }
  if (masked && change.field !== "protectedIdentity") return <li>{`${label}: ${t("import.hidden")}`}</li>;
  return <li>{`${label}: ${value(t, change.field, change.from)} → ${value(t, change.field, change.to)}`}</li>;
}

function PersonRow({ person }: { person: PersonChange }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <li className="import-person">
      <p>
        <strong>{person.protected ? t("import.protectedPerson") : fullName(person)}</strong>{" "}
        <span className="small muted">{formatList(person.roles.map((r) => t(`import.role.${r}`)), locale)}</span>
      </p>
      {person.fields.length > 0 ? (
        <ul className="small import-fields">
          {person.fields.map((f, i) => (
            <FieldLine key={i} change={f} masked={person.protected} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** What an import changes (or changed): the counts, each person with the fields that change, groups, terms and subjects, what is left out. */
export function ImportChangesView({ changes }: { changes: ImportChanges }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <>
      {changes.school.created ? <p>{t("import.created")}</p> : null}
      {changes.school.bindsSource ? <p>{t("import.bindsSource")}</p> : null}
      {changes.school.renamed ? <p>{t("import.renamed", changes.school.renamed)}</p> : null}

      <section className="card" aria-labelledby="counts-heading">
        <h2 id="counts-heading">{t("import.countsHeading")}</h2>
        <div className="table-scroll">
          <table className="import-counts">
            <thead>
              <tr>
                <th scope="col">{t("import.kind")}</th>
                <th scope="col" className="numeric">
                  {t("import.added")}
                </th>
                <th scope="col" className="numeric">
                  {t("import.changed")}
                </th>
                <th scope="col" className="numeric">
                  {t("import.ended")}
                </th>
              </tr>
            </thead>
            <tbody>
              {countKinds.map((kind) => (
                <tr key={kind}>
                  <th scope="row">{t(`import.counts.${kind}`)}</th>
                  <td className="numeric">{changes.counts[kind].added}</td>
                  <td className="numeric">{changes.counts[kind].changed}</td>
                  <td className="numeric">{changes.counts[kind].ended}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {changes.people.length > 0 ? (
        <section className="card" aria-labelledby="people-heading">
          <h2 id="people-heading">{t("import.peopleHeading")}</h2>
          {sections.map((section) => {
            const people = changes.people.filter((p) => p.change === section);
            if (people.length === 0) return null;
            return (
              <details key={section} className="group-section" open={section !== "added" || people.length <= 50}>
                <summary>{t(`import.section.${section}`, { count: people.length })}</summary>
                <ul className="plain-list import-people">
                  {people.map((p, i) => (
                    <PersonRow key={`${p.sourceId}-${i}`} person={p} />
                  ))}
                </ul>
              </details>
            );
          })}
        </section>
      ) : null}

      {changes.groups.length > 0 ? (
        <section className="card" aria-labelledby="groups-heading">
          <h2 id="groups-heading">{t("import.groupsHeading")}</h2>
          <ul className="plain-list import-people">
            {changes.groups.map((g) => (
              <li key={g.sourceId}>
                <strong>{g.name}</strong> <span className="small muted">{t(`group.types.${g.type}`)} · {t(`import.change.${g.change}`)}</span>
                {g.fields.length > 0 ? (
                  <ul className="small import-fields">
                    {g.fields.map((f) => (
                      <li key={f.field}>{`${t(`import.field.${f.field}`)}: ${f.from ?? t("import.none")} → ${f.to ?? t("import.none")}`}</li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {changes.terms.length + changes.subjects.length > 0 ? (
        <section className="card" aria-labelledby="terms-heading">
          <h2 id="terms-heading">{t("import.termsHeading")}</h2>
          <ul className="plain-list">
            {changes.terms.map((term) => (
              <li key={term.key}>
                {say(t, `terms.${term.key.slice(0, 2)}`, { year: term.key.slice(2) })}: {t("terms.range", { start: formatDate(term.startsOn, locale), end: formatDate(term.endsOn, locale) })} <span className="small muted">· {t(`import.change.${term.change}`)}</span>
              </li>
            ))}
            {changes.subjects.map((s) => (
              <li key={`${s.code}-${s.languageCode ?? ""}`}>
                {subjectName({ ...s, nameEn: s.nameEn ?? s.nameSv }, locale, t)} <code>{s.code}</code> <span className="small muted">· {t(`import.change.${s.change}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {changes.warnings.length > 0 ? (
        <section className="card" aria-labelledby="warnings-heading">
          <details>
            <summary id="warnings-heading">{t("import.warningsHeading", { count: changes.warnings.length })}</summary>
            <ul className="small">
              {changes.warnings.map((w, i) => (
                <li key={i}>
                  {problemPlace(t, w) ? <code>{problemPlace(t, w)}</code> : null} {say(t, `import.problems.${w.problem}`, w.values)}
                </li>
              ))}
            </ul>
          </details>
        </section>
      ) : null}
    </>
  );
}
