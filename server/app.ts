import { readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import express from "express";
import { claimDatabase, releaseDatabase } from "../db/server-marker";
import { openDatabase, type AppDatabase } from "../db/client";
import { deleteExpiredPasswordTokens, deleteOldRequestLimits } from "../db/queries/accounts";
import { SESSION_COOKIE_NAME, createDatabaseSessionStorage, deleteExpiredSessions } from "../db/queries/sessions";
import { getOrCreateServerSecret } from "../db/queries/secrets";
import { seedDemoSchool } from "../db/seed/demo-school";
import { linkTalksToPlans } from "../app/services/talk-days.server";
import { guestPlanRights, guestPlanRightsById } from "../app/services/talk-guests.server";
import { ImmediateMail, SmtpSender, type MailDelivery } from "../app/services/mail-delivery.server";
import { MailScheduler } from "../app/services/mail-scheduler.server";
import { createGuestCookie } from "../app/utils/guest-cookie.server";
import { openSigningKeys } from "../app/services/signing-key.server";
import { startNotificationMailer } from "../app/services/notification-mail.server";
import { createKnownDeviceCookie } from "../app/utils/known-device.server";
import { startWalCheckpointer } from "../db/wal-checkpointer";
import { COLLAB_PATH, CollaborationServer } from "./collab";
import { connectionClosed, devicePartition, guardRequests, healthCheck, hideErrors, memoryFigures, requireOperatorToken, securityHeaders } from "./http-edge";
import { ServerMetrics } from "./metrics";
import { AccessEvents, PersonEvents, PlanEvents, SessionEvents } from "./plan-events";
import { rosterSourcesFrom, type Env } from "./env";
import type { Logger } from "./logger";
import { Faults } from "./faults";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface AppServer {
  server: Server;
  db: AppDatabase;
  /** The port actually bound (useful with PORT=0). */
  port: number;
  collaboration: CollaborationServer;
  close(): Promise<void>;
}

/** Opens the database, seeds the demo school if asked, and serves the Remix app on one port. */
export async function startAppServer(env: Env, logger: Logger): Promise<AppServer> {
  const db = await openDatabase(env.DATABASE_PATH);
  // A restore must not pull the database from under a running server (db/backup.ts).
  if (env.DATABASE_PATH !== ":memory:") claimDatabase(env.DATABASE_PATH);
  // First, before anything else reads the database: a key kept in clear by an older version is
  // encrypted and erased here, and a wrong SIGNING_KEY_SECRET stops the start.
  const { sealer: signingKey, ...opened } = openSigningKeys(db, { secret: env.SIGNING_KEY_SECRET, previous: env.SIGNING_KEY_SECRET_PREVIOUS });
  if (opened.migrated || opened.rewrapped > 0) logger.info(opened, "signing key sealed with SIGNING_KEY_SECRET");
  const checkpointer =
    env.DATABASE_PATH === ":memory:"
      ? null
      : startWalCheckpointer(db, env.DATABASE_PATH, (code) => logger.error({ err: code }, "WAL checkpoint failed"));
  if (env.SEED_DEMO) {
    const started = Date.now();
    if (await seedDemoSchool(db)) logger.info({ ms: Date.now() - started }, "seeded the demo school");
  }
  const linked = linkTalksToPlans(db);
  if (linked > 0) logger.info({ talks: linked }, "linked talks to their plans");
  // A session that ends (sign-out, a new sign-in over it, expiry found on reading) ends whatever
  // was opened with it: collaboration sockets and event streams listen here.
  const sessionEvents = new SessionEvents();
  const accessEvents = new AccessEvents();
  const cookieSecret = env.SESSION_SECRET ?? getOrCreateServerSecret(db, "session-cookie");
  const sessionStorage = createDatabaseSessionStorage(db, {
    secret: cookieSecret,
    secure: env.COOKIE_SECURE,
    onEnded: (sessionId) => sessionEvents.publish(sessionId, "ended"),
  });
  const knownDeviceCookie = createKnownDeviceCookie({ secret: cookieSecret, secure: env.COOKIE_SECURE });
  // The one public address (links in mail and PDFs, sign-in redirects, the CSP): PUBLIC_URL, or
  // without it (never in production) the address we listen on, set once the port is bound.
  const signIn: AppLoadContext["signIn"] = {
    ...env.SIGN_IN,
    publicUrl: env.PUBLIC_URL ?? "",
    cookieSecret,
    cookieSecure: env.COOKIE_SECURE,
    discovery: new Map(),
  };

  // Read when scraped: the collaboration server and the event buses are made below.
  const metrics: ServerMetrics = new ServerMetrics({
    collaboration: (): { documents: number; connections: number } => collaboration.stats(),
    eventStreams: () => personEvents.listenerCount(),
  });

  // A guest's link (an interpreter) is kept in a cookie of its own, never in the session.
  const guestCookie = createGuestCookie(env.COOKIE_SECURE);
  const collaboration: CollaborationServer = new CollaborationServer({
    db,
    sessionStorage,
    sessionEvents,
    accessEvents,
    logger,
    guests: {
      fromCookies: async (cookieHeader, planId) => guestPlanRights(db, await guestCookie.parse(cookieHeader ?? null), planId),
      again: (guestId, tokenHash, planId) => guestPlanRightsById(db, guestId, tokenHash, planId),
    },
    unloadDelayMs: env.COLLAB_UNLOAD_MS,
    compactEvery: env.COLLAB_COMPACT_EVERY,
    maxPayloadBytes: env.COLLAB_MAX_PAYLOAD,
    journalObserver: metrics,
  });

  // Inert unless FAULT_INJECTION is on (tests; refused in production).
  const faults = new Faults(db, env.FAULT_INJECTION);

  const planEvents = new PlanEvents();
  const personEvents = new PersonEvents();
  // Mail leaves by one rule (app/services/mail-delivery.server.ts): one-time links at once, the
  // rest through the scheduler (retries, reminders); without SMTP everything waits in the outbox.
  const rosterSources = rosterSourcesFrom(env);
  const logMailError = (error: unknown) => logger.error({ err: error instanceof Error ? error.message : "unknown" }, "mail could not be handled");
  const smtp = env.SMTP_URL ? new SmtpSender(env.SMTP_URL, env.MAIL_FROM) : null;
  const scheduler = new MailScheduler({
    db,
    sender: smtp,
    appUrl: () => signIn.publicUrl,
    tickMs: env.MAIL_TICK_MS,
    retryBaseMs: env.MAIL_RETRY_BASE_MS,
    maxAttempts: env.MAIL_MAX_ATTEMPTS,
    onError: logMailError,
  });
  const immediate = smtp ? new ImmediateMail(db, smtp, logMailError) : null;
  const mail: MailDelivery = {
    delivery: scheduler.delivery,
    wake: () => scheduler.wake(),
    sendNow: (messages) => immediate?.send(messages) ?? Promise.resolve(),
  };
  const notificationMail = startNotificationMailer(db, {
    windowMs: env.NOTIFICATION_MAIL_MINUTES * 60_000,
    mail,
    publicUrl: () => signIn.publicUrl,
    // Every page of the app holds the person's event stream (staff on every page, everyone on a plan).
    onAPage: (personId) => personEvents.hasListeners(personId),
    onError: (error) => logger.error({ err: error instanceof Error ? error.name : "unknown" }, "notification mail failed"),
  });

  // `remix build` is a production build; React, loaded first by it, picks its development or
  // production code from NODE_ENV once. NODE_ENV here says what kind of deployment this is (demo
  // seed, cookies: env.ts), not how to render, and React's development code made every page
  // render about twice as slow (prop validation, dev warnings) in `npm start` and in the tests.
  process.env.NODE_ENV = "production";
  const build = (await import(pathToFileURL(`${root}build/index.js`).href)) as ServerBuild;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings may carry what a person typed; a guest's link is a key.
      const path = req.path.replace(/^\/guest\/[A-Za-z0-9_-]{20,}/, "/guest/:token");
      logger.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms) }, "request");
      metrics.request(req.method, path, res.statusCode, ms / 1000);
    });
    next();
  });
  const site = {
    get publicUrl() {
      return signIn.publicUrl;
    },
    providerOrigins: env.SIGN_IN.providers.map((provider) => new URL(provider.issuer).origin),
  };
  app.use(securityHeaders(site));
  app.use(devicePartition({ secret: cookieSecret, cookieName: SESSION_COOKIE_NAME }));
  app.use(guardRequests(site));
  app.use("/build", express.static(`${root}public/build`, { immutable: true, maxAge: "1y" }));
  // The few files at the top of public/ (the icon): looked up by name, not by a stat of the disk on
  // every request (which cost about a twentieth of a page's time when the answer was "no such file").
  const publicFiles = new Set(readdirSync(`${root}public`, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => `/${entry.name}`));
  const servePublic = express.static(`${root}public`, { maxAge: "1h", index: false });
  app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));

  app.get(
    "/healthz",
    healthCheck({
      metricsToken: env.METRICS_TOKEN,
      check() {
        try {
          return db.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
        } catch (error) {
          logger.error({ err: error instanceof Error ? error.message : "unknown" }, "health check: database failed");
          return false;
        }
      },
      figures: () => ({
        collaboration: collaboration.stats(),
        planEventListeners: planEvents.listenerCount() + personEvents.listenerCount(),
        uptimeS: Math.round(process.uptime()),
        memory: memoryFigures(),
      }),
    }),
  );

  // Prometheus's text format, for the operators' token only (unset: nobody; see the README).
  app.get("/metrics", requireOperatorToken(env.METRICS_TOKEN), (_req, res, next) => {
    metrics.registry
      .metrics()
      .then((text) => {
        res.setHeader("Cache-Control", "no-store");
        res.type(metrics.registry.contentType).send(text);
      })
      .catch(next);
  });

  if (faults.enabled) {
    logger.warn("fault injection is on (tests only): POST /__faults");
    app.post("/__faults", express.json({ limit: "1kb" }), (req, res) => {
      res.status(faults.apply(req.body) ? 204 : 400).end();
    });
  }

  app.all(
    "*",
    createRequestHandler({
      build,
      // Always production: development mode sends error messages and stacks to the browser.
      mode: "production",
      getLoadContext: (req, res) => ({
        db,
        sessionStorage,
        knownDeviceCookie,
        guestCookie,
        signingKey,
        collaboration,
        planEvents,
        personEvents,
        notificationMail,
        sessionEvents,
        accessEvents,
        mail,
        clientAddress: req.ip ?? "unknown",
        get connectionClosed() {
          return connectionClosed(res);
        },
        publicUrl: signIn.publicUrl,
        accessibilityContact: env.ACCESSIBILITY_CONTACT ?? null,
        cspNonce: String(res.locals.cspNonce ?? ""),
        signIn,
        rosterSources,
        faults,
        metrics,
      }),
    }),
  );
  app.use(hideErrors(logger));

  const server = createServer(app);
  server.on("upgrade", (request, socket, head) => {
    if (request.url === COLLAB_PATH || request.url?.startsWith(`${COLLAB_PATH}/`)) {
      collaboration.handleUpgrade(request, socket, head);
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  if (!env.PUBLIC_URL) signIn.publicUrl = `http://${env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST}:${port}`;
  // Reminders carry links on the public address: known from here on.
  scheduler.start();

  const sweep = setInterval(() => {
    const now = new Date();
    for (const sessionId of deleteExpiredSessions(db, now)) sessionEvents.publish(sessionId, "ended");
    deleteExpiredPasswordTokens(db, now);
    deleteOldRequestLimits(db, new Date(now.getTime() - 24 * 3600_000));
  }, 60 * 60 * 1000);
  sweep.unref();

  return {
    server,
    db,
    port,
    collaboration,
    async close() {
      clearInterval(sweep);
      notificationMail.stop();
      // No message is left half sent: the scheduler's round and the one-time sends under way end first.
      await scheduler.stop();
      await immediate?.settled();
      smtp?.close();
      collaboration.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await checkpointer?.stop();
      db.$client.close();
      if (env.DATABASE_PATH !== ":memory:") releaseDatabase(env.DATABASE_PATH);
    },
  };
}
