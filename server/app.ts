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
import { createDatabaseSessionStorage, deleteExpiredSessions } from "../db/queries/sessions";
import { getOrCreateServerSecret } from "../db/queries/secrets";
import { seedDemoSchool } from "../db/seed/demo-school";
import { linkTalksToPlans } from "../app/services/talk-days.server";
import { openSigningKeys } from "../app/services/signing-key.server";
import { createKnownDeviceCookie } from "../app/utils/known-device.server";
import { startWalCheckpointer } from "../db/wal-checkpointer";
import { COLLAB_PATH, CollaborationServer } from "./collab";
import { connectionClosed, guardRequests, healthCheck, hideErrors, memoryFigures, securityHeaders } from "./http-edge";
import { AccessEvents, PersonEvents, PlanEvents, SessionEvents } from "./plan-events";
import { rosterSourcesFrom, type Env } from "./env";
import type { Logger } from "./logger";

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
    ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
    ...(env.MAIL_FROM ? { mailFrom: env.MAIL_FROM } : {}),
  };

  const collaboration = new CollaborationServer({
    db,
    sessionStorage,
    sessionEvents,
    accessEvents,
    logger,
    unloadDelayMs: env.COLLAB_UNLOAD_MS,
    compactEvery: env.COLLAB_COMPACT_EVERY,
    maxPayloadBytes: env.COLLAB_MAX_PAYLOAD,
  });

  const planEvents = new PlanEvents();
  const personEvents = new PersonEvents();
  const rosterSources = rosterSourcesFrom(env);

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
      // The path only: query strings may carry what a person typed.
      logger.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, "request");
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
        signingKey,
        collaboration,
        planEvents,
        personEvents,
        sessionEvents,
        accessEvents,
        clientAddress: req.ip ?? "unknown",
        get connectionClosed() {
          return connectionClosed(res);
        },
        publicUrl: signIn.publicUrl,
        cspNonce: String(res.locals.cspNonce ?? ""),
        signIn,
        rosterSources,
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
