import { z } from "zod/v4";

/**
 * The parts of SS12000 v2.1 (its OpenAPI description) the roster import reads: organisations,
 * persons with their enrolments and responsibles, groups with their memberships, duties with
 * their assignment roles, activities and syllabuses. Each object is checked for the fields the
 * standard requires and that we use; everything else passes through untouched.
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date");
const reference = z.object({ id: z.string().min(1), securityMarking: z.string().optional().nullable() }).passthrough();

export const OrganisationSchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string().min(1),
    organisationType: z.string().min(1),
    schoolUnitCode: z.string().optional().nullable(),
    municipalityCode: z.string().optional().nullable(),
    parentOrganisation: reference.optional().nullable(),
  })
  .passthrough();

export const PersonSchema = z
  .object({
    id: z.string().min(1),
    givenName: z.string().min(1),
    familyName: z.string().min(1),
    birthDate: date.optional().nullable(),
    securityMarking: z.string().optional().nullable(),
    eduPersonPrincipalNames: z.array(z.string()).optional().nullable(),
    externalIdentifiers: z
      .array(z.object({ value: z.string(), context: z.string(), globallyUnique: z.boolean().optional() }).passthrough())
      .optional()
      .nullable(),
    emails: z.array(z.object({ value: z.string(), type: z.string().optional().nullable() }).passthrough()).optional().nullable(),
    addresses: z
      .array(
        z
          .object({
            type: z.string().optional().nullable(),
            streetAddress: z.string().optional().nullable(),
            postalCode: z.string().optional().nullable(),
            locality: z.string().optional().nullable(),
          })
          .passthrough(),
      )
      .optional()
      .nullable(),
    enrolments: z
      .array(
        z
          .object({
            enroledAt: reference,
            schoolYear: z.number().int().min(0).max(10).optional().nullable(),
            schoolType: z.string(),
            startDate: date,
            endDate: date.optional().nullable(),
            cancelled: z.boolean().optional().nullable(),
          })
          .passthrough(),
      )
      .optional()
      .nullable(),
    responsibles: z.array(z.object({ person: reference, relationType: z.string().optional().nullable() }).passthrough()).optional().nullable(),
  })
  .passthrough();

const membership = z.object({ person: reference, startDate: date.optional().nullable(), endDate: date.optional().nullable() }).passthrough();
const assignmentRole = z
  .object({ assignmentRoleType: z.string(), startDate: date.optional().nullable(), endDate: date.optional().nullable() })
  .passthrough();

export const GroupSchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string().min(1),
    groupType: z.string().min(1),
    startDate: date,
    endDate: date.optional().nullable(),
    organisation: reference,
    groupMemberships: z.array(membership).optional().nullable(),
    _embedded: z
      .object({ assignmentRoles: z.array(assignmentRole.extend({ duty: reference })).optional().nullable() })
      .passthrough()
      .optional()
      .nullable(),
  })
  .passthrough();

export const DutySchema = z
  .object({
    id: z.string().min(1),
    person: reference.optional().nullable(),
    dutyAt: reference,
    dutyRole: z.string().min(1),
    startDate: date,
    endDate: date.optional().nullable(),
    assignmentRole: z.array(assignmentRole.extend({ group: reference })).optional().nullable(),
  })
  .passthrough();

export const ActivitySchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string().min(1),
    activityType: z.string().optional().nullable(),
    startDate: date,
    endDate: date.optional().nullable(),
    organisation: reference,
    groups: z.array(reference).min(1),
    teachers: z
      .array(z.object({ duty: reference, startDate: date.optional().nullable(), endDate: date.optional().nullable() }).passthrough())
      .optional()
      .nullable(),
    syllabus: reference.optional().nullable(),
  })
  .passthrough();

export const SyllabusSchema = z
  .object({
    id: z.string().min(1),
    subjectCode: z.string().min(1),
    subjectName: z.string().min(1),
    subjectDesignation: z.string().optional().nullable(),
    languageCode: z.string().optional().nullable(),
  })
  .passthrough();

export type Organisation = z.infer<typeof OrganisationSchema>;
export type Person = z.infer<typeof PersonSchema>;
export type Group = z.infer<typeof GroupSchema>;
export type Duty = z.infer<typeof DutySchema>;
export type Activity = z.infer<typeof ActivitySchema>;
export type Syllabus = z.infer<typeof SyllabusSchema>;

/** The endpoints the import reads, each with the schema of its objects. */
export const collections = {
  organisations: OrganisationSchema,
  persons: PersonSchema,
  groups: GroupSchema,
  duties: DutySchema,
  activities: ActivitySchema,
  syllabuses: SyllabusSchema,
} as const;
export type CollectionName = keyof typeof collections;
export const collectionNames = Object.keys(collections) as CollectionName[];

/** Everything read from a source, endpoint by endpoint. */
export interface Ss12000Data {
  organisations: Organisation[];
  persons: Person[];
  groups: Group[];
  duties: Duty[];
  activities: Activity[];
  syllabuses: Syllabus[];
}

export const emptyData = (): Ss12000Data => ({ organisations: [], persons: [], groups: [], duties: [], activities: [], syllabuses: [] });

/** SS12000 code lists the import maps (Code_SecurityMarking, Code_RelationType, Code_GroupType, Code_DutyRole). */
export const NO_SECURITY_MARKING = "Ingen";
export const GUARDIAN_RELATION = "Vårdnadshavare";
export const groupTypes: Record<string, "class" | "mentor" | "teaching"> = { Klass: "class", Mentor: "mentor", Undervisning: "teaching" };
/** Duty roles that administer the school in the app (the set-up, imports, talk days). */
export const adminDutyRoles = new Set(["Rektor", "Skoladministratör"]);
export const MENTOR_ASSIGNMENT = "Mentor";
export const SCHOOL_UNIT = "Skolenhet";
/** Activities that are teaching (others, such as mentor time, give no teaching duty). */
export const TEACHING_ACTIVITY = "Undervisning";
