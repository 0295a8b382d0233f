import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError, FormError } from "~/components/form-errors";
import { LanguageChoice } from "~/components/language-menu";
import { ethiopicFontPreloads } from "~/utils/fonts";
import { requestPasswordReset } from "~/services/password-links.server";
import { notFound } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.forgotPassword" };

// Reached before signing in, like the sign-in page: the list of languages names Tigrinya in its own script.
export const links: LinksFunction = () => ethiopicFontPreloads;

const ForgotSchema = z.object({
  email: z
    .string({ required_error: "validation.emailRequired" })
    .trim()
    .max(254, "validation.tooLong")
    .email("validation.emailInvalid"),
});

export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

/** Only where someone signs in with a password. */
export function loader({ context }: LoaderFunctionArgs) {
  if (context.signIn.passwordRoles.length === 0) throw notFound();
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (context.signIn.passwordRoles.length === 0) throw notFound();
  const submission = parseWithZod(await readFormData(request), { schema: ForgotSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  const outcome = requestPasswordReset(context, { email: submission.value.email, clientAddress: context.clientAddress });
  if (!outcome.ok) {
    return data(
      { result: submission.reply({ formErrors: [`password.throttled:${outcome.retryAfterSeconds}`] }), sent: false },
      { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  // The same answer whether or not the address belongs to anyone.
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: answer?.result,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotSchema }),
  });
  return (
    <div className="page page-narrow">
      <div className="card login-card">
        <h1>{t("password.forgotTitle")}</h1>
        {answer?.sent ? (
          <div className="alert" role="status">
            <p>{t("password.forgotSent")}</p>
          </div>
        ) : (
          <>
            <p>{t("password.forgotIntro")}</p>
            <Form method="post" {...getFormProps(form)} noValidate>
              <FormError id={form.errorId} errors={form.errors} />
              <div className="field">
                <label htmlFor={fields.email.id}>{t("login.email")}</label>
                <input {...getInputProps(fields.email, { type: "email" })} autoComplete="email" autoFocus key={fields.email.key} />
                <FieldError id={fields.email.errorId} errors={fields.email.errors} />
              </div>
              <button type="submit" className="button-primary button-block" disabled={navigation.state === "submitting"}>
                {t("password.forgotSubmit")}
              </button>
            </Form>
          </>
        )}
        <p className="login-forgot">
          <Link to="/login">{t("signInProblem.backToLogin")}</Link>
        </p>
      </div>
      <LanguageChoice />
    </div>
  );
}
