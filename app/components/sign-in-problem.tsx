import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { CallbackError } from "~/services/oidc.server";

export type SignInProblemCode = CallbackError | "noProvider";

/** Why a sign-in through a provider did not sign anyone in, and what to do next. */
export function SignInProblem({ error, provider }: { error: SignInProblemCode; provider: string }) {
  const { t } = useTranslation();
  return (
    <div className="page page-narrow">
      <div className="card login-card">
        <h1>{t(`signInProblem.${error}Title`)}</h1>
        <p>{t(`signInProblem.${error}Text`, { provider })}</p>
        {error === "noMatch" ? <p>{t("signInProblem.noMatchHelp", { provider })}</p> : null}
        <p>
          <Link to="/login" className="button-primary">
            {t("signInProblem.backToLogin")}
          </Link>
        </p>
      </div>
    </div>
  );
}

/** The provider's name as the pages say it: its configured name, or the role's default. */
export function useProviderName(provider: { id: "staff" | "guardian"; name?: string | undefined } | null): string {
  const { t } = useTranslation();
  if (!provider) return t("login.providerName.staff");
  return provider.name ?? t(`login.providerName.${provider.id}`);
}
