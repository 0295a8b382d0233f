import type { AppLoadContext } from "@remix-run/node";
import { yXmlFragmentToProsemirrorJSON } from "@tiptap/y-tiptap";
import { getPreviousPlan } from "../../db/queries/plans";
import { canOnPlan, type PlanGate } from "~/policies/plan.server";
import type { RecordNode } from "~/utils/record-text";
import { listVersions } from "./plan-signing.server";

/**
 * Next term from this one: last term's goals and what the pupil, the school and the guardians
 * promised, shown read-only beside this term's *Mina mål*. Read from the previous plan as it was
 * signed when it was (the signed version's record), otherwise from its stored document; nothing is
 * written to either plan.
 */

/** The sections carried forward, in the plan's order. */
export const carriedSections = ["goals", "pupilActions", "schoolActions", "guardianActions"] as const;
export type CarriedSection = (typeof carriedSections)[number];

export interface PreviousTerm {
  term: { kind: "HT" | "VT"; year: number };
  /** signed: the text as it was signed; otherwise the plan's text as it stands (locked or a draft). */
  state: "signed" | "locked" | "draft";
  sections: Array<{ kind: CarriedSection; text: RecordNode[] }>;
}

const hasText = (nodes: RecordNode[]): boolean => nodes.some((node) => (node.text ?? "").trim() !== "" || hasText(node.content ?? []));

/** Last term's goals and promises for a reader of this plan who may read that one too; null when there are none. */
export function getPreviousTerm(context: Pick<AppLoadContext, "db" | "collaboration">, gate: PlanGate): PreviousTerm | null {
  const previous = getPreviousPlan(context.db, gate.plan);
  if (!previous || !canOnPlan(gate.relations, previous, "read")) return null;
  const signed = listVersions(context.db, previous.id).find((version) => version.status === "signed");
  let sections: PreviousTerm["sections"];
  if (signed) {
    const record = JSON.parse(signed.record) as { sections?: Array<{ kind?: unknown; text?: unknown }> };
    sections = carriedSections.map((kind) => {
      const text = record.sections?.find((section) => section.kind === kind)?.text;
      return { kind, text: Array.isArray(text) ? (text as RecordNode[]) : [] };
    });
  } else {
    // The plan's shared document as stored (read through the collaboration server, which holds it
    // if someone has it open); only read, never changed.
    sections = context.collaboration.readDocument(previous.id, previous.pupilId, (doc) =>
      carriedSections.map((kind) => ({ kind, text: ((yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(kind)) as { content?: RecordNode[] }).content ?? []) })),
    );
  }
  if (!sections.some((section) => hasText(section.text))) return null;
  return { term: previous.term, state: signed ? "signed" : previous.status === "draft" ? "draft" : "locked", sections };
}
