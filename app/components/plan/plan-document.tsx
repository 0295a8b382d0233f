import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

export interface PlanSectionData {
  fragment: string;
  kind: "about" | "subject" | "goals" | "pupilActions" | "schoolActions" | "guardianActions";
  subject: { id: string; code: string; nameSv: string; nameEn: string } | null;
  teachers: Array<{ id: string; givenName: string; familyName: string }>;
}

export interface EditorSlot {
  fragment: string;
  label: string;
  placeholder: string;
}

interface Props {
  sections: PlanSectionData[];
  /** The text of a section: a live editor in the browser, a notice before it has loaded. */
  renderEditor(slot: EditorSlot): ReactNode;
  /** Connection state and presence, beside the contents. */
  aside: ReactNode;
}

/**
 * The plan's fixed structure — headings, assessments, prompts — rendered from SQL around the
 * pupil's text. None of it is in the shared document, so no client can change it.
 */
export function PlanDocument({ sections, renderEditor, aside }: Props) {
  const { t } = useTranslation();
  const locale = useLocale();
  const titleOf = (section: PlanSectionData) =>
    section.subject ? (locale === "sv" ? section.subject.nameSv : section.subject.nameEn) : t(`plan.sections.${section.kind as Exclude<PlanSectionData["kind"], "subject">}`);
  const anchor = (section: PlanSectionData) => `section-${section.fragment}`;

  return (
    <div className="plan-layout">
      <aside className="plan-aside">
        {aside}
        <nav aria-labelledby="plan-contents" className="plan-contents">
          <h2 id="plan-contents">{t("plan.contents")}</h2>
          <ol>
            {sections.map((section) => (
              <li key={section.fragment}>
                <a href={`#${anchor(section)}`}>{titleOf(section)}</a>
              </li>
            ))}
          </ol>
        </nav>
      </aside>
      <div className="plan-sections">
        {sections.map((section) => {
          const title = titleOf(section);
          const headingId = `${anchor(section)}-heading`;
          return (
            <section key={section.fragment} id={anchor(section)} className="card plan-section" aria-labelledby={headingId}>
              <h2 id={headingId}>{title}</h2>
              {section.kind === "subject" ? (
                <>
                  <div className="assessment" role="group" aria-label={t("plan.assessment.heading")}>
                    <h3>{t("plan.assessment.heading")}</h3>
                    <p className="muted">{t("plan.assessment.notYet")}</p>
                    {section.teachers.length > 0 ? (
                      <p className="small muted">{t("plan.assessment.teachers", { names: section.teachers.map(fullName).join(", ") })}</p>
                    ) : null}
                  </div>
                  <h3 className="reflection-heading">{t("plan.reflection")}</h3>
                  {renderEditor({
                    fragment: section.fragment,
                    label: t("plan.editorLabel", { section: `${title}: ${t("plan.reflection")}` }),
                    placeholder: t("plan.prompts.subject"),
                  })}
                </>
              ) : (
                <>
                  <p className="prompt muted">{t(`plan.prompts.${section.kind}`)}</p>
                  {renderEditor({
                    fragment: section.fragment,
                    label: t("plan.editorLabel", { section: title }),
                    placeholder: t(`plan.prompts.${section.kind}`),
                  })}
                </>
              )}
            </section>
          );
        })}
      </div>
    </div>
  );
}
