import type { AppLoadContext } from "@remix-run/node";
import {
  getPersonRoles,
  listClassAccounts,
  listClasses,
  listStaffAccounts,
  passwordServes,
  type AccountRow,
} from "../../db/queries/accounts";
import type { SignedInPerson } from "../../db/queries/roster";
import { findRelations } from "~/policies/relations.server";
import { maySeeIdentity } from "~/policies/school.server";
import { canInSchool } from "~/policies/school.server";

type Context = Pick<AppLoadContext, "db" | "signIn" | "mail">;

export interface AccountListRow extends Omit<AccountRow, "linkExpiresAt" | "protectedIdentity"> {
  linkExpiresAt: string | null;
  /** A protected family the admin does not work with: listed without a name, last. */
  masked: boolean;
  /** Password sign-in is on for every role the person has. */
  passwordOn: boolean;
  /** An invitation can be sent: password sign-in serves them and they have an address. */
  canInvite: boolean;
}

function withInvitability(context: Context, rows: AccountRow[], isMasked: (row: AccountRow) => boolean = () => false): AccountListRow[] {
  return rows
    .map((row) => {
      const masked = isMasked(row);
      const { protectedIdentity: _marking, ...visible } = row;
      const passwordOn = passwordServes(getPersonRoles(context.db, row.id), context.signIn.passwordRoles);
      return {
        ...visible,
        ...(masked ? { givenName: "", familyName: "" } : {}),
        masked,
        linkExpiresAt: row.linkExpiresAt?.toISOString() ?? null,
        passwordOn,
        canInvite: passwordOn && row.hasEmail,
      };
    })
    // A masked row goes last: its place among the names would hint at the name.
    .sort((a, b) => Number(a.masked) - Number(b.masked));
}

/** The admin's page on sign-in: the ways in, the staff and (for one chosen class) pupils and
 * guardians with their password state. Null for anyone but the school's admins. */
export function getAccountsPage(context: Context, admin: SignedInPerson, classId: string | null, now = new Date()) {
  if (!canInSchool({ person: admin, schoolId: admin.schoolId }, "administer")) return null;
  const classes = listClasses(context.db, admin.schoolId);
  const chosen = classId ? classes.find((c) => c.id === classId) ?? null : null;
  const members = chosen ? listClassAccounts(context.db, admin.schoolId, chosen.id, now) : null;
  return {
    methods: {
      providers: context.signIn.providers.map((p) => ({ id: p.id, ...(p.name ? { name: p.name } : {}), roles: [...p.roles] })),
      passwordRoles: [...context.signIn.passwordRoles],
    },
    mailBySmtp: context.mail.delivery === "smtp",
    staff: withInvitability(context, listStaffAccounts(context.db, admin.schoolId, now)),
    classes,
    chosen: chosen && members ? { ...chosen, ...maskedMembers(context, admin, members) } : null,
  };
}

/** A protected family is named only to those who work with the pupil (the school policy): for an
 * admin, its pupil and guardians are rows without names. */
function maskedMembers(context: Context, admin: SignedInPerson, members: NonNullable<ReturnType<typeof listClassAccounts>>) {
  const hiddenPupils = new Set(
    members.pupils.filter((p) => p.protectedIdentity && !maySeeIdentity(findRelations(context.db, admin.id, p.id))).map((p) => p.id),
  );
  return {
    pupils: withInvitability(context, members.pupils, (row) => hiddenPupils.has(row.id)),
    guardians: withInvitability(context, members.guardians, (row) => members.guardians.find((g) => g.id === row.id)!.childIds.some((id) => hiddenPupils.has(id))),
  };
}
