import type { AppLoadContext } from "@remix-run/node";
import { getImportRun, getSchoolForImport, listAppliedRuns } from "../../../db/queries/roster-import";
import type { SignedInPerson } from "../../../db/queries/roster";
import { schoolYearStartYear, stockholmToday } from "../../../db/school-calendar";
import type { Failure } from "~/utils/action-result.server";
import { csvTemplate, csvTerms, readCsvRoster } from "./csv.server";
import { applyImport, prepareImport } from "./import.server";
import { MASKED_PERSON, type ImportChanges } from "./plan.server";
import { announceRightsChanged } from "./rights-changed.server";
import type { RosterProblem } from "./roster";
import { fetchSs12000, Ss12000FetchError } from "./ss12000-client.server";
import { readSs12000Files } from "./ss12000-files.server";
import { mapSs12000 } from "./ss12000-map.server";
import type { Ss12000Data } from "./ss12000-model";

/** What the import pages and their actions do, for an admin the school policy let in (requireSchoolAdmin). */

type ImportFailure = Failure<"importProblems" | "validation" | "importUnavailable" | "notFound" | "importChanged"> & { problems?: RosterProblem[]; runId?: string };

/** Largest upload taken (a whole municipality's school unit is a few megabytes of JSON). */
export const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;

/** The import page: where the roster can come from, the dry run waiting, the imports applied. */
export function getImportPage(db: AppLoadContext["db"], admin: SignedInPerson, sources: AppLoadContext["rosterSources"]) {
  const school = getSchoolForImport(db, admin.schoolId);
  return {
    school: { name: school?.name ?? "", connected: boundToSs12000(school?.sourceId) },
    apiConfigured: sources.ss12000 !== null,
    runs: listAppliedRuns(db, admin.schoolId).map((r) => ({
      id: r.id,
      source: r.source,
      appliedAt: r.appliedAt?.toISOString() ?? null,
      writes: r.writes ?? 0,
      by: r.actorGiven ? `${r.actorGiven} ${r.actorFamily}` : null,
      counts: (JSON.parse(r.changes) as ImportChanges).counts,
    })),
  };
}

/** Whether the school's source is an SS12000 school unit (a CSV school's id starts with "csv:"). */
const boundToSs12000 = (sourceId: string | null | undefined): sourceId is string => sourceId != null && !sourceId.startsWith("csv:");

function toRoster(db: AppLoadContext["db"], admin: SignedInPerson, sources: AppLoadContext["rosterSources"], data: Ss12000Data) {
  const sourceId = getSchoolForImport(db, admin.schoolId)?.sourceId;
  return mapSs12000(data, { schoolUnitId: boundToSs12000(sourceId) ? sourceId : null, today: stockholmToday(), externalIdContext: sources.externalIdContext });
}

/** Reads uploaded files (SS12000 JSON, or one CSV) and keeps their dry run. */
export function performUploadImport(
  db: AppLoadContext["db"],
  admin: SignedInPerson,
  sources: AppLoadContext["rosterSources"],
  files: Array<{ name: string; text: string }>,
): { ok: true; runId: string } | ImportFailure {
  if (files.length === 0) return { ok: false, error: "validation", problems: [{ where: "", problem: "noFiles" }] };
  const csv = files.filter((f) => f.name.toLowerCase().endsWith(".csv"));
  if (csv.length > 0) {
    if (files.length > 1) return { ok: false, error: "validation", problems: [{ where: "", problem: "oneCsv" }] };
    const stored = getSchoolForImport(db, admin.schoolId);
    const school = { sourceId: stored?.sourceId ?? `csv:${admin.schoolId}`, name: stored?.name ?? "", municipality: stored?.municipality ?? "" };
    const read = readCsvRoster(csv[0]!.text, school, csvTerms(stored?.terms ?? [], schoolYearStartYear(stockholmToday())));
    if (!read.ok) return { ok: false, error: "importProblems", problems: read.problems };
    return dryRun(db, admin, "csv", read.roster);
  }
  const read = readSs12000Files(files);
  if (!read.ok) return { ok: false, error: "importProblems", problems: read.problems };
  const mapped = toRoster(db, admin, sources, read.data);
  if (!mapped.ok) return { ok: false, error: "importProblems", problems: mapped.problems };
  return dryRun(db, admin, "ss12000-file", mapped.roster);
}

/** Reads the school's roster from its SS12000 API and keeps the dry run. */
export async function performFetchImport(db: AppLoadContext["db"], admin: SignedInPerson, sources: AppLoadContext["rosterSources"]): Promise<{ ok: true; runId: string } | ImportFailure> {
  const sourceId = getSchoolForImport(db, admin.schoolId)?.sourceId;
  if (!sources.ss12000 || !boundToSs12000(sourceId)) return { ok: false, error: "importUnavailable", problems: [{ where: "", problem: sources.ss12000 ? "notConnected" : "apiNotConfigured" }] };
  let fetched;
  try {
    fetched = await fetchSs12000(sources.ss12000, sourceId);
  } catch (error) {
    if (error instanceof Ss12000FetchError) return { ok: false, error: "importUnavailable", problems: [{ where: "", problem: error.problem, values: { detail: error.detail } }] };
    throw error;
  }
  if (fetched.problems.length > 0) return { ok: false, error: "importProblems", problems: fetched.problems };
  const mapped = toRoster(db, admin, sources, fetched.data);
  if (!mapped.ok) return { ok: false, error: "importProblems", problems: mapped.problems };
  return dryRun(db, admin, "ss12000-api", mapped.roster);
}

function dryRun(db: AppLoadContext["db"], admin: SignedInPerson, source: "csv" | "ss12000-file" | "ss12000-api", roster: Parameters<typeof prepareImport>[1]["roster"]): { ok: true; runId: string } | ImportFailure {
  const prepared = prepareImport(db, { schoolId: admin.schoolId, actorId: admin.id, source, roster });
  return prepared.ok ? { ok: true, runId: prepared.runId } : { ok: false, error: "importProblems", problems: prepared.problems };
}

/**
 * A run's page: a dry run waiting to be applied, or an applied import with who and when. People
 * with protected identity are shown to the admin as a masked row (as everywhere else): no name,
 * and which fields change but not to what.
 */
export function getImportRunPage(db: AppLoadContext["db"], admin: SignedInPerson, runId: string) {
  const run = getImportRun(db, runId);
  if (!run || run.schoolId !== admin.schoolId) return null;
  const changes = JSON.parse(run.changes) as ImportChanges;
  return {
    run: { id: run.id, status: run.status, source: run.source, createdAt: run.createdAt.toISOString(), appliedAt: run.appliedAt?.toISOString() ?? null, writes: run.writes },
    changes: maskProtected(changes),
  };
}

function maskProtected(changes: ImportChanges): ImportChanges {
  return {
    ...changes,
    people: changes.people.map((p) =>
      p.protected
        ? {
            ...p,
            sourceId: "",
            personId: null,
            givenName: "",
            familyName: "",
            // Which fields change, not to what; that the person is protected is what the masked row says anyway.
            fields: p.fields.map((f) =>
              "added" in f ? { field: f.field, added: f.added.map(() => MASKED_PERSON), removed: f.removed.map(() => MASKED_PERSON) } : "from" in f && f.field !== "protectedIdentity" ? { field: f.field, from: null, to: null } : f,
            ),
          }
        : p,
    ),
  };
}

/** Applies a dry run and tells the running server whose rights on which pupils changed. */
export function performApplyImport(context: Pick<AppLoadContext, "db" | "accessEvents" | "planEvents">, admin: SignedInPerson, runId: string): { ok: true; writes: number } | ImportFailure {
  const applied = applyImport(context.db, { schoolId: admin.schoolId, runId });
  if (!applied.ok) {
    if (applied.error === "importChanged") return { ok: false, error: "importChanged", runId: applied.runId };
    if (applied.error === "importProblems") return { ok: false, error: "importProblems", problems: applied.problems };
    return { ok: false, error: "notFound" };
  }
  announceRightsChanged(context, applied.affectedPupilIds);
  return { ok: true, writes: applied.writes };
}

/** The CSV template, with a byte-order mark so that spreadsheet programs read it as UTF-8. */
export function csvTemplateFile(): string {
  return `\uFEFF${csvTemplate()}`;
}
