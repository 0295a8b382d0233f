import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { fullName } from "~/utils/format";

interface PupilRow {
  id: string;
  givenName: string;
  familyName: string;
  className: string | null;
  protectedIdentity: boolean;
  /** A protected pupil the viewer does not work with: no name, no link. */
  masked?: boolean;
  /** Whether the viewer may open the pupil's page (the link is shown only then). */
  opens?: boolean;
}

/** Pupils as staff see them, with a clear mark on protected identities. */
export function PupilList({ pupils }: { pupils: PupilRow[] }) {
  const { t } = useTranslation();
  return (
    <ul className="pupil-list">
      {pupils.map((pupil) => (
        <li key={pupil.id}>
          {pupil.masked ? (
            <span>{t("pupil.protectedMasked")}</span>
          ) : pupil.opens === false ? (
            <span>{fullName(pupil)}</span>
          ) : (
            <Link to={`/pupils/${pupil.id}`}>{fullName(pupil)}</Link>
          )}
          {pupil.className ? <span className="muted small"> {pupil.className}</span> : null}
          {pupil.protectedIdentity ? <span className="badge badge-warning">{t("pupil.protectedIdentity")}</span> : null}
        </li>
      ))}
    </ul>
  );
}
