import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { translateError } from "~/utils/errors";

export interface Problem {
  where: string;
  problem: string;
  values?: Record<string, string>;
}

/** A message whose key is made at run time (the problem keys come from our own import code). */
export const say = (t: TFunction, key: string, values: Record<string, unknown> = {}): string => String(t(key as never, values as never));

/** Where a problem is: a CSV line and column, or the place in the SS12000 data. */
export function problemPlace(t: TFunction, problem: Problem): string {
  if (problem.values?.line) return say(t, problem.values.column ? "import.csvAt" : "import.csvLine", problem.values);
  return problem.where;
}

/** Every problem of a refused import, each with its place. */
export function ImportProblems({ problems }: { problems: Problem[] }) {
  const { t } = useTranslation();
  return (
    <div className="alert alert-error import-problems" role="alert">
      <h2>{t("import.problemsHeading")}</h2>
      <p>{t("import.problemsIntro")}</p>
      <ol>
        {problems.map((p, i) => (
          <li key={i}>
            {problemPlace(t, p) ? <strong>{problemPlace(t, p)}: </strong> : null}
            {say(t, `import.problems.${p.problem}`, p.values)}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Why an import or its application was refused: its problems, or one message. */
export function ImportRefusal({ refusal }: { refusal: { message: string; problems?: Problem[] } }) {
  const { t } = useTranslation();
  if (refusal.problems) return <ImportProblems problems={refusal.problems} />;
  return (
    <p className="alert alert-error" role="alert">
      {translateError(t, refusal.message)}
    </p>
  );
}
