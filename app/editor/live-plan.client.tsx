import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { usePlanComments } from "~/components/plan/plan-comments";
import type { EditorSlot } from "~/components/plan/plan-document";
import { useConnectionState, usePlanConnection, usePresence, type ConnectionState } from "./plan-connection.client";
import type { PlanRole, PresenceUser } from "~/shared/collab-protocol";
import { MountInTurn } from "./progressive-mount.client";
import { SectionEditor } from "./section-editor.client";

/*
 * The live parts of a plan, each its own small component over the page's one shared connection
 * (plan-connection.client.ts): a change of connection state, of who is here or of a section's
 * threads re-renders that part only, never the whole plan.
 */

/** Whether this person may type now: the page's word, unless the server has since said no. */
function canWrite(editable: boolean, state: ConnectionState): boolean {
  return editable && state !== "readOnly" && state !== "accessChanged" && state !== "signedOut" && state !== "locked" && state !== "failed";
}

/** One section's text as a live editor, made when its turn comes. */
export function LiveSectionText({ planId, slot, editable, user }: { planId: string; slot: EditorSlot; editable: boolean; user: PresenceUser }) {
  const { t } = useTranslation();
  const connection = usePlanConnection(planId);
  const state = useConnectionState(connection);
  const comments = usePlanComments();
  const anchors = comments.threads
    .filter((thread) => thread.fragment === slot.fragment && thread.anchorKind === "text" && thread.anchorStart && thread.anchorEnd)
    .map((thread) => ({ id: thread.id, start: thread.anchorStart!, end: thread.anchorEnd!, open: thread.status === "open" }));
  const mayComment = slot.subjectId !== undefined && comments.rights.startInSubjects.includes(slot.subjectId);
  return (
    <MountInTurn order={slot.order} fallback={<p className="muted">{t("plan.loadingEditor")}</p>}>
      <SectionEditor
        connection={connection}
        fragment={slot.fragment}
        label={slot.label}
        placeholder={slot.placeholder}
        editable={canWrite(editable, state)}
        user={user}
        roleLabel={(role: PlanRole) => t(`roles.${role}`)}
        anchors={anchors}
        onDetached={(ids) => comments.setDetached(slot.fragment, ids)}
        onCommentPassage={mayComment ? (passage) => comments.setPassage({ ...passage, fragment: slot.fragment, subjectId: slot.subjectId! }) : undefined}
      />
    </MountInTurn>
  );
}

/** The connection state and who else is in the plan, beside the contents. */
export function LivePlanStatus({ planId, editable, draft }: { planId: string; editable: boolean; draft: boolean }) {
  const { t } = useTranslation();
  const connection = usePlanConnection(planId);
  const state = useConnectionState(connection);
  const people = usePresence(connection);
  // Unlocked again while this page was open: writers closed at the lock may connect again. (Only
  // on the change to draft: at the lock itself the socket closes before the page data says so.)
  const wasDraft = useRef(draft);
  useEffect(() => {
    if (draft && !wasDraft.current) connection.resume();
    wasDraft.current = draft;
  }, [connection, draft]);
  const tone = state === "connected" ? "ok" : state === "connecting" || state === "reconnecting" ? "busy" : "problem";
  return (
    <>
      <p role="status" aria-live="polite" className={`connection-status connection-${tone}`} data-state={state}>
        <span className="connection-dot" aria-hidden="true" />
        {state === "connected" && !editable ? t("plan.connection.connectedReadOnly") : t(`plan.connection.${state}`)}
      </p>
      <section aria-labelledby="presence-heading" className="presence">
        <h2 id="presence-heading">{t("plan.presence.heading")}</h2>
        <ul className="presence-list">
          {people.map((person) => (
            <li key={`${person.key ?? person.clientId}`} className="presence-person">
              <span className="presence-dot" style={{ backgroundColor: person.color }} aria-hidden="true" />
              {t("plan.presence.person", { name: person.name, role: t(`roles.${person.role}`) })}
              {person.isSelf ? <span className="muted"> – {t("plan.presence.you")}</span> : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
