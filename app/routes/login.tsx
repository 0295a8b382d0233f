import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError, FormError } from "~/components/form-errors";
import { LanguageChoice } from "~/components/language-menu";
import { ethiopicFontPreloads } from "~/utils/fonts";
import { signIn } from "~/services/sign-in.server";
import { getPerson, safeRedirectPath, startSession } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import type { PageHandle } from "~/utils/page-title";
import { readKnownDevice, rememberKnownDevice } from "~/utils/known-device.server";

export const handle: PageHandle = { titleKey: "pageTitles.login" };

// The list of languages names Tigrinya in its own script.
export const links: LinksFunction = () => ethiopicFontPreloads;

/** Messages are i18n keys; the page translates them. */
const SignInSchema = z.object({
  email: z
    .string({ required_error: "validation.emailRequired" })
    .trim()
    .max(254, "validation.tooLong")
    .email("validation.emailInvalid"),
  password: z.string({ required_error: "validation.passwordRequired" }).max(1024, "validation.tooLong"),
  redirectTo: z.string().optional(),
});

/** Passes the action's Retry-After on to the document response. */
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getPerson(request, context)) throw redirect("/");
  return {
    providers: context.signIn.providers.map((p) => ({ id: p.id, ...(p.name ? { name: p.name } : {}) })),
    // The form is shown only when it serves someone.
    password: context.signIn.passwordRoles.length > 0,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: SignInSchema });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  if (context.signIn.passwordRoles.length === 0) {
    return data(submission.reply({ formErrors: ["login.passwordUnavailable"], hideFields: ["password"] }), { status: 403 });
  }
  const { email, password, redirectTo } = submission.value;
  const device = await readKnownDevice(request, context);
  const result = await signIn(context.db, {
    email,
    password,
    clientAddress: context.clientAddress,
    device,
    passwordRoles: context.signIn.passwordRoles,
  });
  if (result.status === "throttled") {
    return data(
      submission.reply({ formErrors: [`login.throttled:${result.retryAfterSeconds}`], hideFields: ["password"] }),
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (result.status === "invalid") {
    return data(submission.reply({ formErrors: ["login.invalid"], hideFields: ["password"] }), { status: 401 });
  }
  if (result.status === "passwordOff") {
    return data(submission.reply({ formErrors: ["login.passwordOff"], hideFields: ["password"] }), { status: 403 });
  }
  // From now on this browser is one of the person's known devices: others' failures do not lock it.
  return startSession(context, request, result.personId, safeRedirectPath(redirectTo), { method: "password", setCookies: [await rememberKnownDevice(request, context, email)] });
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { providers, password } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
  });
  const submitting = navigation.state === "submitting" && navigation.formAction === "/login";
  const redirectTo = searchParams.get("redirectTo") ?? "/";

  return (
    <div className="page page-narrow">
      <div className="card login-card">
        <h1>{t("login.title")}</h1>
        <p className="muted">{t("login.intro")}</p>
        {providers.length > 0 ? (
          <ul className="plain-list provider-list">
            {providers.map((provider) => (
              <li key={provider.id}>
                {/* A plain form: the answer is a redirect to the provider, another site. */}
                <form method="post" action={`/auth/${provider.id}`}>
                  <input type="hidden" name="redirectTo" value={redirectTo} />
                  <button type="submit" className="button-primary button-block provider-button" aria-describedby={`provider-hint-${provider.id}`}>
                    {provider.name ? t("login.providerButtonNamed", { name: provider.name }) : t(`login.providerButton.${provider.id}`)}
                  </button>
                  <p id={`provider-hint-${provider.id}`} className="small muted provider-hint">
                    {t(`login.providerHint.${provider.id}`)}
                  </p>
                </form>
              </li>
            ))}
          </ul>
        ) : null}
        {password ? (
          <>
            {providers.length > 0 ? (
              <h2 className="login-divider">
                <span>{t("login.or")}</span>
              </h2>
            ) : null}
            <Form method="post" {...getFormProps(form)} noValidate>
              <FormError id={form.errorId} errors={form.errors} />
              <input type="hidden" name="redirectTo" value={redirectTo} />
              <div className="field">
                <label htmlFor={fields.email.id}>{t("login.email")}</label>
                <input
                  {...getInputProps(fields.email, { type: "email" })}
                  autoComplete="username"
                  autoFocus={providers.length === 0}
                  key={fields.email.key}
                />
                <FieldError id={fields.email.errorId} errors={fields.email.errors} />
              </div>
              <div className="field">
                <label htmlFor={fields.password.id}>{t("login.password")}</label>
                <input
                  {...getInputProps(fields.password, { type: "password" })}
                  autoComplete="current-password"
                  key={fields.password.key}
                />
                <FieldError id={fields.password.errorId} errors={fields.password.errors} />
              </div>
              <button type="submit" className={providers.length > 0 ? "button-secondary button-block" : "button-primary button-block"} disabled={submitting}>
                {submitting ? t("login.submitting") : t("login.submit")}
              </button>
            </Form>
            <p className="login-forgot">
              <Link to="/password/forgot">{t("login.forgot")}</Link>
            </p>
            <p className="muted small">{t("login.demoHint")}</p>
          </>
        ) : null}
      </div>
      <LanguageChoice />
    </div>
  );
}
