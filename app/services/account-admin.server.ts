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
import { administersOwnSchool } from "./school-admin.server";

type Context = Pick<AppLoadContext, "db" | "signIn">;

export interface AccountListRow extends Omit<AccountRow, "linkExpiresAt"> {
  linkExpiresAt: string | null;
  /** Password sign-in is on for every role the person has. */
  passwordOn: boolean;
  /** An invitation can be sent: password sign-in serves them and they have an address. */
  canInvite: boolean;
}

function withInvitability(context: Context, rows: AccountRow[]): AccountListRow[] {
  return rows.map((row) => {
    const passwordOn = passwordServes(getPersonRoles(context.db, row.id), context.signIn.passwordRoles);
    return { ...row, linkExpiresAt: row.linkExpiresAt?.toISOString() ?? null, passwordOn, canInvite: passwordOn && row.hasEmail };
  });
}

/** The admin's page on sign-in: the ways in, the staff and (for one chosen class) pupils and
 * guardians with their password state. Null for anyone but the school's admins. */
export function getAccountsPage(context: Context, admin: SignedInPerson, classId: string | null, now = new Date()) {
  if (!administersOwnSchool(context.db, admin)) return null;
  const classes = listClasses(context.db, admin.schoolId);
  const chosen = classId ? classes.find((c) => c.id === classId) ?? null : null;
  const members = chosen ? listClassAccounts(context.db, admin.schoolId, chosen.id, now) : null;
  return {
    methods: {
      providers: context.signIn.providers.map((p) => ({ id: p.id, ...(p.name ? { name: p.name } : {}), roles: [...p.roles] })),
      passwordRoles: [...context.signIn.passwordRoles],
    },
    mailBySmtp: Boolean(context.signIn.smtpUrl),
    staff: withInvitability(context, listStaffAccounts(context.db, admin.schoolId, now)),
    classes,
    chosen: chosen && members ? { ...chosen, pupils: withInvitability(context, members.pupils), guardians: withInvitability(context, members.guardians) } : null,
  };
}
