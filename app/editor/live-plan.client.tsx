import { useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { mayCommentOnText, usePlanComments } from "~/components/plan/plan-comments";
import type { EditorSlot } from "~/components/plan/plan-document";
import { usePlanConnection, usePlanStatus, usePresence, type ConnectionState, type DeviceCopyOptions } from "./plan-connection.client";
import type { PlanRole, PresenceUser } from "~/shared/collab-protocol";
import { MountInTurn } from "./progressive-mount.client";
import { forgetPlanOnDevice, keepPageOnDevice } from "./offline-page.client";
import { SectionEditor } from "./section-editor.client";
import { SectionTextPending } from "~/components/plan/section-text-pending";
import { usePageDataReload } from "~/utils/use-live-events";

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
export function LiveSectionText({ planId, deviceCopy, slot, editable, user }: { planId: string; deviceCopy: DeviceCopyOptions | null; slot: EditorSlot; editable: boolean; user: PresenceUser }) {
  const { t } = useTranslation();
  const connection = usePlanConnection(planId, deviceCopy);
  const state = usePlanStatus(connection).connection;
  const comments = usePlanComments();
  const anchors = comments.threads
    .filter((thread) => thread.fragment === slot.fragment && thread.anchorKind === "text" && thread.anchorStart && thread.anchorEnd)
    .map((thread) => ({ id: thread.id, start: thread.anchorStart!, end: thread.anchorEnd!, open: thread.status === "open" }));
  const mayComment = mayCommentOnText(comments.rights, slot.subjectId);
  const mayAsk = slot.subjectId !== undefined && comments.rights.askInSubjects.includes(slot.subjectId);
  return (
    <MountInTurn order={slot.order} fallback={<SectionTextPending placeholder={slot.placeholder} editable={canWrite(editable, state)} mayComment={mayComment} />}>
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
        onCommentPassage={mayComment ? (passage) => comments.setPassage({ ...passage, fragment: slot.fragment, subjectId: slot.subjectId!, purpose: "comment" }) : undefined}
        onAskAboutPassage={mayAsk ? (passage) => comments.setPassage({ ...passage, fragment: slot.fragment, subjectId: slot.subjectId!, purpose: "ask" }) : undefined}
      />
    </MountInTurn>
  );
}

/** Connection states in which a writer's edits may still be waiting somewhere: the save state is shown. */
const showsSaveState: ReadonlySet<ConnectionState> = new Set(["connecting", "connected", "reconnecting", "offline", "storageFailed", "failed"]);

/** The connection state, where the person's edits are, and who else is in the plan, beside the contents. */
export function LivePlanStatus({ planId, deviceCopy, editable, draft }: { planId: string; deviceCopy: DeviceCopyOptions | null; editable: boolean; draft: boolean }) {
  const { t } = useTranslation();
  const connection = usePlanConnection(planId, deviceCopy);
  const { connection: state, save } = usePlanStatus(connection);
  // The server let go of this connection for new rights (or an ended session): the loaders decide
  // anew. A page that still shows the plan once its data is new connects again; one that no longer
  // may (signed out, no access) is gone, and this part of it with its connection.
  const reloadPageData = usePageDataReload();
  const pageData = useLoaderData();
  const awaitingData = useRef(false);
  useEffect(
    () =>
      connection.subscribeRightsChanged(() => {
        awaitingData.current = true;
        reloadPageData();
      }),
    [connection, reloadPageData],
  );
  useEffect(() => {
    if (!awaitingData.current) return;
    awaitingData.current = false;
    connection.reconnectWithNewRights();
  }, [connection, pageData]);
  const people = usePresence(connection);
  // Unlocked again while this page was open: writers closed at the lock may connect again. (Only
  // on the change to draft: at the lock itself the socket closes before the page data says so.)
  // A writer's plan is kept on this device for a reload without a connection (service-worker/sw.ts);
  // once locked, its copy goes with the plan's store.
  const keepsCopy = deviceCopy ? deviceCopy.keep : null;
  useEffect(() => {
    if (keepsCopy === true) keepPageOnDevice(window.location.pathname);
    else if (keepsCopy === false) forgetPlanOnDevice(window.location.pathname, planId);
  }, [keepsCopy, planId]);
  const wasDraft = useRef(draft);
  useEffect(() => {
    if (draft && !wasDraft.current) connection.resume();
    wasDraft.current = draft;
  }, [connection, draft]);
  const withSave = editable && showsSaveState.has(state);
  // Green only when nothing is waiting; amber while edits are safe on this device or the line is
  // still coming; red when something is not saved anywhere, or the connection has ended.
  const waiting = state === "connecting" || state === "reconnecting" || state === "offline";
  const tone = withSave && save === "none" ? "problem" : state === "connected" ? (withSave && save !== "server" ? "busy" : "ok") : waiting ? "busy" : "problem";
  return (
    <>
      <p role="status" aria-live="polite" className={`connection-status connection-${tone}`} data-state={state} data-save={withSave ? save : undefined}>
        <span className="connection-dot" aria-hidden="true" />
        <span>{state === "connected" && !editable ? t("plan.connection.connectedReadOnly") : t(`plan.connection.${state}`)}</span>
        {withSave ? <span className={`plan-save-state plan-save-${save}`}>{t(`plan.save.${save}`)}</span> : null}
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
