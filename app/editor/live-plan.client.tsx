import { useTranslation } from "react-i18next";
import { usePlanComments } from "~/components/plan/plan-comments";
import { PlanDocument, type PlanSectionData } from "~/components/plan/plan-document";
import type { PlanRole, PresenceUser } from "./plan-roles";
import { MountWhenNeeded, useEditorBudget } from "./progressive-mount.client";
import { SectionEditor } from "./section-editor.client";
import { useConnectionState, usePlanConnection, usePresence, type ConnectionState } from "./use-plan-connection.client";

interface Props {
  planId: string;
  sections: PlanSectionData[];
  editable: boolean;
  user: PresenceUser;
}

/** The plan with live editors, the connection state and who else is in it. */
export function LivePlan({ planId, sections, editable, user }: Props) {
  const { t } = useTranslation();
  const connection = usePlanConnection(planId);
  const state = useConnectionState(connection);
  const people = usePresence(connection);
  const roleLabel = (role: PlanRole) => t(`roles.${role}`);
  // Once the server has said this connection is read-only, stop offering to write.
  const canWrite = editable && state !== "readOnly" && state !== "accessChanged" && state !== "locked" && state !== "failed";
  const comments = usePlanComments();
  const editorBudget = useEditorBudget(sections.length);
  const orderOf = (fragment: string) => sections.findIndex((section) => section.fragment === fragment);
  const anchorsOf = (fragment: string) =>
    comments.threads
      .filter((thread) => thread.fragment === fragment && thread.anchorKind === "text" && thread.anchorStart && thread.anchorEnd)
      .map((thread) => ({ id: thread.id, start: thread.anchorStart!, end: thread.anchorEnd!, open: thread.status === "open" }));

  return (
    <PlanDocument
      sections={sections}
      aside={
        <>
          <ConnectionStatus state={state} readOnly={!editable} />
          <section aria-labelledby="presence-heading" className="presence">
            <h2 id="presence-heading">{t("plan.presence.heading")}</h2>
            <ul className="presence-list">
              {people.map((person) => (
                <li key={`${person.key ?? person.clientId}`} className="presence-person">
                  <span className="presence-dot" style={{ backgroundColor: person.color }} aria-hidden="true" />
                  {t("plan.presence.person", { name: person.name, role: roleLabel(person.role) })}
                  {person.isSelf ? <span className="muted"> – {t("plan.presence.you")}</span> : null}
                </li>
              ))}
            </ul>
          </section>
        </>
      }
      renderEditor={(slot) =>
        connection ? (
          <MountWhenNeeded allowed={orderOf(slot.fragment) < editorBudget} fallback={<p className="muted">{t("plan.loadingEditor")}</p>}>
          <SectionEditor
            connection={connection}
            fragment={slot.fragment}
            label={slot.label}
            placeholder={slot.placeholder}
            editable={canWrite}
            user={user}
            roleLabel={roleLabel}
            anchors={anchorsOf(slot.fragment)}
            onDetached={(ids) => comments.setDetached(slot.fragment, ids)}
            onCommentPassage={
              slot.subjectId && comments.rights.startInSubjects.includes(slot.subjectId)
                ? (passage) => comments.setPassage({ ...passage, fragment: slot.fragment, subjectId: slot.subjectId! })
                : undefined
            }
          />
          </MountWhenNeeded>
        ) : (
          <p className="muted">{t("plan.loadingEditor")}</p>
        )
      }
    />
  );
}

function ConnectionStatus({ state, readOnly }: { state: ConnectionState; readOnly: boolean }) {
  const { t } = useTranslation();
  const tone = state === "connected" ? "ok" : state === "connecting" || state === "reconnecting" ? "busy" : "problem";
  return (
    <p role="status" aria-live="polite" className={`connection-status connection-${tone}`} data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      {state === "connected" && readOnly ? t("plan.connection.connectedReadOnly") : t(`plan.connection.${state}`)}
    </p>
  );
}
