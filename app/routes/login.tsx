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
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError, FormError } from "~/components/form-errors";
import { LanguageChoice } from "~/components/language-menu";
import { ethiopicFontPreloads } from "~/utils/fonts";
import { settleLocaleAtSignIn } from "~/services/person-locale.server";
import { signIn } from "~/services/sign-in.server";
import { getPerson, safeRedirectPath, startSession } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { getLocale, localeCookie, localePickedCookie, wasLocalePicked } from "~/utils/i18n.server";
import type { PageHandle } from "~/utils/page-title";

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
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: SignInSchema });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const { email, password, redirectTo } = submission.value;
  const result = await signIn(context.db, { email, password, clientAddress: context.clientAddress });
  if (result.status === "throttled") {
    return data(
      submission.reply({ formErrors: [`login.throttled:${result.retryAfterSeconds}`], hideFields: ["password"] }),
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (result.status === "invalid") {
    return data(submission.reply({ formErrors: ["login.invalid"], hideFields: ["password"] }), { status: 401 });
  }
  const picked = (await wasLocalePicked(request)) ? await getLocale(request) : null;
  const locale = settleLocaleAtSignIn(context.db, result.personId, picked);
  const response = await startSession(context, request, result.personId, safeRedirectPath(redirectTo));
  if (locale) response.headers.append("Set-Cookie", await localeCookie.serialize(locale));
  if (picked) response.headers.append("Set-Cookie", await localePickedCookie.serialize("", { maxAge: 0 }));
  return response;
}

export default function LoginPage() {
  const { t } = useTranslation();
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

  return (
    <div className="page page-narrow">
      <div className="card login-card">
        <h1>{t("login.title")}</h1>
        <p className="muted">{t("login.intro")}</p>
        {/* A full page load after sign-in: the account's language may differ from this page's, and the browser holds one language's texts. */}
        <Form method="post" {...getFormProps(form)} noValidate reloadDocument>
          <FormError id={form.errorId} errors={form.errors} />
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
          <div className="field">
            <label htmlFor={fields.email.id}>{t("login.email")}</label>
            <input
              {...getInputProps(fields.email, { type: "email" })}
              autoComplete="username"
              autoFocus
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
          <button type="submit" className="button-primary button-block" disabled={submitting}>
            {submitting ? t("login.submitting") : t("login.submit")}
          </button>
        </Form>
        <p className="muted small">{t("login.demoHint")}</p>
      </div>
      <LanguageChoice />
    </div>
  );
}
