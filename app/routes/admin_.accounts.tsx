import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { getAccountsPage, type AccountListRow } from "~/services/account-admin.server";
import { sendPasswordInvitations } from "~/services/password-links.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime, formatList, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.accounts" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const page = getAccountsPage(context, person, new URL(request.url).searchParams.get("class"));
  if (!page) throw notFound();
  return page;
}

/** Sends invitation links: to one person, or to everyone a list offers. */
export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  const form = await readFormData(request);
  const InviteSchema = z.object({
    intent: z.literal("invite"),
    personIds: z.array(z.string().min(1).max(40)).min(1).max(5000),
  });
  const parsed = InviteSchema.safeParse({ intent: form.get("intent"), personIds: form.getAll("personId") });
  if (!parsed.success) return data({ ok: false as const }, { status: 400 });
  const result = sendPasswordInvitations(context, person, parsed.data.personIds);
  if (!result.ok) throw notFound();
  return { ok: true as const, sent: result.sent, skipped: result.skipped };
}

export default function AccountsPage() {
  const { t } = useTranslation();
  const { methods, mailBySmtp, staff, classes, chosen } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const locale = useLocale();
  const roleList = (roles: readonly ("staff" | "pupil" | "guardian")[]) => formatList(roles.map((r) => t(`accounts.roleNames.${r}`)), locale);
  return (
    <div className="page">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to="/admin">{t("nav.admin")}</Link>
      </nav>
      <h1>{t("accounts.title")}</h1>
      <p className="lead">{t("accounts.intro")}</p>

      <section className="card" aria-labelledby="methods-heading">
        <h2 id="methods-heading">{t("accounts.methodsHeading")}</h2>
        <ul className="plain-list">
          {methods.providers.map((p) => (
            <li key={p.id}>
              {t("accounts.providerServes", {
                name: p.name ? t("login.providerButtonNamed", { name: p.name }) : t(`login.providerButton.${p.id}`),
                roles: roleList(p.roles),
              })}
            </li>
          ))}
          {methods.providers.length === 0 ? <li>{t("accounts.noProviders")}</li> : null}
          <li>{methods.passwordRoles.length > 0 ? t("accounts.passwordFor", { roles: roleList(methods.passwordRoles) }) : t("accounts.passwordForNone")}</li>
        </ul>
      </section>

      <div role="status" aria-live="polite">
        {result?.ok ? (
          <div className="alert">
            <p>{t("accounts.sent", { count: result.sent })}</p>
            {result.skipped > 0 ? <p>{t("accounts.skipped", { count: result.skipped })}</p> : null}
            {!mailBySmtp && result.sent > 0 ? (
              <p>
                {t("accounts.outboxHint")} <Link to="/admin/outbox">{t("accounts.openOutbox")}</Link>
              </p>
            ) : null}
          </div>
        ) : null}
      </div>

      <section className="card" aria-labelledby="staff-accounts">
        <h2 id="staff-accounts">{t("accounts.staffHeading")}</h2>
        <AccountTable rows={staff} />
      </section>

      <section className="card accounts-class" aria-labelledby="class-accounts">
        <h2 id="class-accounts">{t("accounts.classHeading")}</h2>
        <Form method="get" className="class-picker">
          <label htmlFor="class">{t("accounts.chooseClass")}</label>
          <select id="class" name="class" defaultValue={chosen?.id ?? ""}>
            <option value="" disabled>
              –
            </option>
            {classes.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="submit" className="button-secondary button-small">
            {t("accounts.showClass")}
          </button>
        </Form>
        {chosen ? (
          <>
            <h3>{t("accounts.pupilsHeading", { className: chosen.name })}</h3>
            <AccountTable rows={chosen.pupils} maskedName={t("accounts.maskedPupil")} />
            <h3>{t("accounts.guardiansHeading", { className: chosen.name })}</h3>
            <AccountTable rows={chosen.guardians} maskedName={t("accounts.maskedGuardian")} />
          </>
        ) : null}
      </section>
    </div>
  );
}

/** `maskedName` is what a masked row (a protected family) is called instead of a name. */
function AccountTable({ rows, maskedName = "" }: { rows: AccountListRow[]; maskedName?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const withoutPassword = rows.filter((r) => r.canInvite && !r.hasPassword);
  const nameOf = (row: AccountListRow) => (row.masked ? maskedName : fullName(row));
  if (rows.length === 0) return <p className="muted">{t("accounts.nobody")}</p>;
  return (
    <>
      <div className="table-scroll">
        <table className="account-table">
          <thead>
            <tr>
              <th scope="col">{t("accounts.name")}</th>
              <th scope="col">{t("accounts.state")}</th>
              <th scope="col">{t("accounts.action")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{nameOf(row)}</th>
                <td>
                  {!row.passwordOn
                    ? t("accounts.passwordOff")
                    : [
                        row.hasPassword ? t("accounts.hasPassword") : t("accounts.noPassword"),
                        row.linkExpiresAt ? t("accounts.linkPending", { time: formatDateTime(new Date(row.linkExpiresAt), locale) }) : null,
                        row.hasEmail ? null : t("accounts.noEmail"),
                      ]
                        .filter(Boolean)
                        .join(" · ")}
                </td>
                <td>
                  {row.canInvite ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="invite" />
                      <input type="hidden" name="personId" value={row.id} />
                      <button
                        type="submit"
                        className="button-secondary button-small"
                        disabled={busy}
                        aria-label={
                          row.hasPassword || row.linkExpiresAt
                            ? t("accounts.inviteAgainTo", { name: nameOf(row) })
                            : t("accounts.inviteTo", { name: nameOf(row) })
                        }
                      >
                        {row.hasPassword || row.linkExpiresAt ? t("accounts.inviteAgain") : t("accounts.invite")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {withoutPassword.length > 1 ? (
        <Form method="post" className="bulk-invite">
          <input type="hidden" name="intent" value="invite" />
          {withoutPassword.map((row) => (
            <input key={row.id} type="hidden" name="personId" value={row.id} />
          ))}
          <button type="submit" className="button-primary button-small" disabled={busy}>
            {t("accounts.inviteAll", { count: withoutPassword.length })}
          </button>
        </Form>
      ) : null}
    </>
  );
}
