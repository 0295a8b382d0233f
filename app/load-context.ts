import type { ChangeBus, PersonChange, PlanEvents } from "../server/plan-events";
import type { AppDatabase } from "../db/client";
import type { AppSessionStorage } from "../db/queries/sessions";

/** What the server hands every loader and action (created once in server/, see getLoadContext). */
export interface AppContext {
  db: AppDatabase;
  sessionStorage: AppSessionStorage;
  /** Holds a guest's link (an interpreter of one talk): read only by the guest pages and /collab. */
  guestCookie: import("@remix-run/node").Cookie;
  /** The live-document server: told when someone's rights on a pupil's plan change. */
  collaboration: {
    revalidatePupil(pupilId: string): void;
    /** Runs `read` against the plan's live shared document (loaded from storage if needed). */
    readDocument<T>(planId: string, pupilId: string, read: (doc: import("yjs").Doc) => T): T;
    /** Locks the live document and runs `freeze` on it in one synchronous step (see server/collab). */
    freezePlan<T>(planId: string, pupilId: string, freeze: (doc: import("yjs").Doc) => T): T;
    thawPlan(planId: string, pupilId: string): void;
    /** Who has the plan open right now (person ids), for the mentor's sitting board. */
    presentPeople(planId: string): string[];
  };
  /** Pokes open views of a plan when assessments or comments change (see server/plan-events.ts). */
  planEvents: PlanEvents;
  /** Pokes one person's open pages wherever they are (a pupil calling a teacher). */
  personEvents: ChangeBus<PersonChange>;
  /** The mail scheduler (one per process): how messages leave, and a poke when some are queued. */
  mail: {
    delivery: "smtp" | "outbox";
    wake(): void;
    /** APP_URL when configured: the address links in mail use (else the request's). */
    appUrl: string | null;
  };
  /** The client's address, for slowing down password guessing. Never logged. */
  clientAddress: string;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends AppContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
