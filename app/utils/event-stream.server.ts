import type { AppLoadContext } from "@remix-run/node";
import { getPlan } from "../../db/queries/plans";
import { getSessionExpiry } from "../../db/queries/sessions";
import type { Plan } from "../../db/schema";
import type { PlanAudience } from "../../server/plan-events";
import { canOnPlan, planEventAudiences } from "../policies/plan.server";
import { findRelations } from "../policies/relations.server";
import { watchSession, type WatchedSession } from "./session-watch.server";

const HEARTBEAT_MS = 25_000;

/**
 * A server-sent event stream that forwards "something changed" pokes until the browser goes away
 * (`connectionClosed`: the load context's, never `request.signal`, which may never fire; see
 * AppContext) or `subscribe` calls `end` (the server ends it). The events carry no content: the
 * page reloads its own loader, which decides what may be seen.
 */
export function eventStream(
  connectionClosed: AbortSignal,
  subscribe: (send: (change: string) => void, end: () => void) => () => void,
  hello?: () => string,
): Response {
  const encoder = new TextEncoder();
  let stopStream = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let unsubscribe = () => {};
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      function stop() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // Already closed by the other end.
        }
      }
      stopStream = stop;
      if (connectionClosed.aborted) return stop();
      connectionClosed.addEventListener("abort", stop, { once: true });
      const stopSubscription = subscribe((change) => send(`event: changed\ndata: ${change}\n\n`), stop);
      // Read in the same turn as the subscription: nothing can be published in between.
      const greeting = hello?.();
      // `subscribe` may have ended the stream at once (a session that expired meanwhile).
      if (closed) return stopSubscription();
      unsubscribe = stopSubscription;
      send("retry: 3000\n\n");
      if (greeting !== undefined) send(`event: hello\ndata: ${greeting}\n\n`);
    },
    cancel() {
      stopStream();
    },
  });

  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    },
  });
}

/**
 * The one event stream of a person's page: their own events and, with a plan they may read, the
 * plan's (for the audiences the plan policy gives them). It opens with "hello": how many changes
 * the person and the plan have had, so a page that loaded at other numbers reloads. It ends when
 * the session does (sign-out, revocation, expiry) and, with a plan, as soon as the person's rights
 * on it end or change (told through accessEvents; re-decided here): the browser then opens a new
 * stream, which the policy decides afresh.
 */
export function personEventStream(
  context: Pick<AppLoadContext, "db" | "personEvents" | "planEvents" | "sessionEvents" | "accessEvents" | "connectionClosed">,
  who: { personId: string; session: WatchedSession },
  plan: { plan: Plan; audiences: PlanAudience[] } | null,
): Response {
  const { db } = context;
  return eventStream(
    context.connectionClosed,
    (send, end) => {
      const stops = [
        watchSession(context.sessionEvents, who.session, (id) => getSessionExpiry(db, id), end),
        context.personEvents.subscribe(who.personId, send),
      ];
      if (plan) {
        const { id, pupilId } = plan.plan;
        stops.push(
          context.planEvents.subscribe(id, send, plan.audiences),
          context.accessEvents.subscribe(pupilId, () => {
            const current = getPlan(db, id);
            const relations = findRelations(db, who.personId, pupilId);
            if (!current || !canOnPlan(relations, current, "read") || planEventAudiences(relations, current).join() !== plan.audiences.join()) end();
          }),
        );
      }
      return () => {
        for (const stop of stops) stop();
      };
    },
    () =>
      JSON.stringify({
        person: context.personEvents.sequence(who.personId),
        plan: plan ? context.planEvents.sequenceFor(plan.plan.id, plan.audiences) : null,
      }),
  );
}

/**
 * The event stream of a talk's guest (an interpreter, no session): the family's news of the one
 * plan (never a staff-only event), opening with "hello" as a person's does. It ends when the
 * guest's window closes, and as soon as the guest's rights end (a withdrawal, told through
 * accessEvents and re-decided by `stillOpen`).
 */
export function guestEventStream(
  context: Pick<AppLoadContext, "planEvents" | "accessEvents" | "connectionClosed">,
  guest: { planId: string; pupilId: string; closesAt: Date; stillOpen(): boolean },
): Response {
  return eventStream(
    context.connectionClosed,
    (send, end) => {
      const timer = setTimeout(end, Math.max(0, guest.closesAt.getTime() - Date.now()));
      const stops = [
        context.planEvents.subscribe(guest.planId, send, ["everyone"]),
        context.accessEvents.subscribe(guest.pupilId, () => {
          if (!guest.stillOpen()) end();
        }),
      ];
      return () => {
        clearTimeout(timer);
        for (const stop of stops) stop();
      };
    },
    () => JSON.stringify({ person: 0, plan: context.planEvents.sequenceFor(guest.planId, ["everyone"]) }),
  );
}
