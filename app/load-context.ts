import type { AccessChange, ChangeBus, PersonChange, PlanEvents, SessionChange } from "../server/plan-events";
import type { AppDatabase } from "../db/client";
import type { AppSessionStorage } from "../db/queries/sessions";
import type { KnownDeviceCookie } from "./utils/known-device.server";
import type { StatementSealer } from "./services/signing-key.server";
import type { SignInSettings } from "../server/env";
import type { MailDelivery } from "./services/mail-delivery.server";
import type { CrashPoints } from "./utils/crash-points";
import type { AppMetrics } from "./utils/metrics";

/** What the server hands every loader and action (created once in server/, see getLoadContext). */
export interface AppContext {
  db: AppDatabase;
  sessionStorage: AppSessionStorage;
  /** Marks a browser on which an account has signed in before (see app/services/sign-in.server.ts). */
  knownDeviceCookie: KnownDeviceCookie;
  /** Holds a guest's link (an interpreter of one talk): read only by the guest pages and /collab. */
  guestCookie: import("@remix-run/node").Cookie;
  /** Seals signature statements with the current signing key (opened at start; see signing-key.server.ts). */
  signingKey: StatementSealer;
  /** The live-document server (rights changes reach it through `accessEvents`). */
  collaboration: {
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
  /** Mail about what waits for people, batched per person (app/services/notification-mail.server.ts). */
  notificationMail: import("./services/notification-mail.server").NotificationMailer;
  /** A session ended (keyed by session id): its sockets and event streams end with it. */
  sessionEvents: ChangeBus<SessionChange>;
  /**
   * Rights on a pupil's data may have changed (keyed by pupil id): publish after changing consent,
   * custody or duties (or withdrawing a talk's guest); open sockets and event streams of that
   * pupil's plans re-decide at once.
   */
  accessEvents: ChangeBus<AccessChange>;
  /** How mail leaves (app/services/mail-delivery.server.ts): through SMTP or kept in the outbox;
   * the scheduler for ordinary messages, the immediate path for one-time links. */
  mail: MailDelivery;
  /** Where rosters come from besides uploaded files: the school's SS12000 API, if configured (server/env.ts). */
  rosterSources: {
    ss12000: import("./services/roster-import/ss12000-client.server").Ss12000Connection | null;
    externalIdContext: string | null;
  };
  /** The client's address, for slowing down password guessing. Never logged. */
  clientAddress: string;
  /** Where people report accessibility problems (ACCESSIBILITY_CONTACT), or null: the statement then points to the school. */
  accessibilityContact: string | null;
  /** Where people reach the app (PUBLIC_URL, an origin): links in mail and on exports. Never the request's Host. */
  publicUrl: string;
  /**
   * Aborts when this request's connection closes (the browser went away, or the response ended).
   * Taken from the Node response itself: the `request.signal` a loader sees is a copy of a copy
   * (Remix strips its own search params), and undici lets a copy follow its original only through
   * a WeakRef to the intermediate copy, which garbage collection removes. A response that outlives
   * its loader (an event stream) must listen here, or it never learns that the browser left.
   */
  connectionClosed: AbortSignal;
  /** This response's Content-Security-Policy nonce, for the page's inline scripts. */
  cspNonce: string;
  /** How people sign in (server/env.ts) and what the sign-in code keeps between requests. */
  signIn: SignInContext;
  /** Steps of locking and signing at which a fault-injection test may stop the process (server/faults.ts); inert otherwise. */
  faults: CrashPoints;
  /** What the app counts for /metrics (server/metrics.ts). */
  metrics: AppMetrics;
}

export interface SignInContext extends SignInSettings {
  /** The configured public address (PUBLIC_URL): e-mailed links and OpenID Connect redirects are
   * built from it, never from the request's Host header. */
  publicUrl: string;
  /** Signs the short-lived cookie that carries an OpenID Connect sign-in's state across the provider. */
  cookieSecret: string;
  cookieSecure: boolean;
  /** Each provider's discovered configuration, fetched on first use (app/services/oidc.server.ts). */
  discovery: Map<string, Promise<import("openid-client").Configuration>>;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends AppContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
