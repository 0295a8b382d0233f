/**
 * `npm run signing-key:rotate`: makes a new plan-signing key and retires the current one (its
 * private half is erased; its public half stays published so old signatures keep verifying).
 * Reads DATABASE_PATH and SIGNING_KEY_SECRET like the server; restart the server afterwards.
 */
import { openDatabase } from "../db/client";
import { rotateSigningKey } from "../app/services/signing-key.server";
import { readEnv } from "./env";
import { createLogger } from "./logger";

const env = readEnv();
const logger = createLogger(env.LOG_LEVEL);
try {
  const db = await openDatabase(env.DATABASE_PATH);
  const { kid, retired } = rotateSigningKey(db, { secret: env.SIGNING_KEY_SECRET, previous: env.SIGNING_KEY_SECRET_PREVIOUS });
  db.$client.close();
  logger.info({ kid, retired }, "rotated the plan-signing key; restart the server to seal with the new key");
} catch (error) {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, "could not rotate the signing key");
  process.exitCode = 1;
}
