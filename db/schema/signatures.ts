import { blob, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { plans } from "./plans";
import { people } from "./roster";

/**
 * A plan as it was locked: the canonical record (RFC 8785 JSON of the pupil's text, the
 * assessments and the threads as they stood), its SHA-256, and the Yjs state. Never changed after
 * it is written; an unlock voids it (with a reason) and the plan goes on as a new version.
 */
export const planVersions = sqliteTable(
  "plan_versions",
  {
    id: text("id").primaryKey(),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    version: integer("version").notNull(),
    record: text("record").notNull(),
    contentHash: text("content_hash").notNull(),
    yjsState: blob("yjs_state", { mode: "buffer" }).notNull(),
    /** Who must sign: JSON [{personId, role}]. */
    requiredSigners: text("required_signers").notNull(),
    /** Printed on the PDF; looks the version up at /verify. */
    verificationCode: text("verification_code").notNull(),
    status: text("status", { enum: ["locked", "signed", "voided"] }).notNull(),
    lockedBy: text("locked_by")
      .notNull()
      .references(() => people.id),
    lockedAt: integer("locked_at", { mode: "timestamp_ms" }).notNull(),
    voidedBy: text("voided_by").references(() => people.id),
    voidedAt: integer("voided_at", { mode: "timestamp_ms" }),
    voidReason: text("void_reason"),
  },
  (t) => [uniqueIndex("plan_versions_plan_version").on(t.planId, t.version), uniqueIndex("plan_versions_code").on(t.verificationCode)],
);

/**
 * A signature on a locked version: who, in what role, how and when, over the version's hash,
 * sealed with the server's Ed25519 key. `statement` is the exact signed JSON (RFC 8785).
 */
export const signatures = sqliteTable(
  "signatures",
  {
    id: text("id").primaryKey(),
    planVersionId: text("plan_version_id")
      .notNull()
      .references(() => planVersions.id),
    signerId: text("signer_id")
      .notNull()
      .references(() => people.id),
    role: text("role", { enum: ["pupil", "guardian", "mentor"] }).notNull(),
    method: text("method", { enum: ["own-device", "shared-device"] }).notNull(),
    /** An optional drawn signature as SVG path data. */
    drawing: text("drawing"),
    signedAt: integer("signed_at", { mode: "timestamp_ms" }).notNull(),
    statement: text("statement").notNull(),
    seal: text("seal").notNull(),
    keyId: text("key_id").notNull(),
  },
  (t) => [uniqueIndex("signatures_version_signer").on(t.planVersionId, t.signerId), index("signatures_version").on(t.planVersionId)],
);

export type PlanVersion = typeof planVersions.$inferSelect;
export type Signature = typeof signatures.$inferSelect;
