import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError, FormError } from "~/components/form-errors";
import { LanguageChoice } from "~/components/language-menu";
import { ethiopicFontPreloads } from "~/utils/fonts";
import { getPasswordLink, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, setPasswordWithLink } from "~/services/password-links.server";
import { startSession } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.setPassword" };

// Opened from a mail on any device, before signing in: the languages in full view, as on the sign-in page.
export const links: LinksFunction = () => ethiopicFontPreloads;

// The link's token is in this page's address: the edge's `Referrer-Policy: same-origin` keeps it
// from travelling to any other site. (Not `no-referrer` here: the form's own posts, sent before the
// page is hydrated or without JavaScript, would then say `Origin: null` and be refused.)

/** Built from the limits the loader sends, so the browser checks the same rules as the server. */
function setPasswordSchema(min: number, max: number) {
  return z
    .object({
      token: z.string().max(100),
      password: z
        .string({ required_error: "password.required" })
        .min(min, `password.tooShort:${min}`)
        .max(max, `password.tooLong:${max}`),
      repeat: z.string({ required_error: "password.mismatch" }),
    })
    .refine((v) => v.password === v.repeat, { path: ["repeat"], message: "password.mismatch" });
}

export function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const link = getPasswordLink(context, token);
  const limits = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH };
  if (!link) return data({ link: null, token: "", limits }, { status: 410, headers: { "Cache-Control": "no-store" } });
  return data({ link, token, limits }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readFormData(request), { schema: setPasswordSchema(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH) });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password", "repeat"] }), invalidLink: false }, { status: 400 });
  }
  const personId = await setPasswordWithLink(context, submission.value.token, submission.value.password);
  if (!personId) return data({ result: submission.reply({ hideFields: ["password", "repeat"] }), invalidLink: true }, { status: 410 });
  // The person's other sessions ended with the change; this device is signed in afresh.
  return startSession(context, request, personId, "/", { method: "link" });
}

export default function SetPasswordPage() {
  const { t } = useTranslation();
  const { link, token, limits } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: answer?.result,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: setPasswordSchema(limits.min, limits.max) }),
  });

  if (!link || answer?.invalidLink) {
    return (
      <div className="page page-narrow">
        <div className="card login-card">
          <h1>{t("password.linkInvalidTitle")}</h1>
          <p>{t("password.linkInvalidText")}</p>
          <p>
            <Link to="/password/forgot" className="button-primary">
              {t("password.requestNew")}
            </Link>
          </p>
          <p className="login-forgot">
            <Link to="/login">{t("signInProblem.backToLogin")}</Link>
          </p>
        </div>
        <LanguageChoice />
      </div>
    );
  }
  return (
    <div className="page page-narrow">
      <div className="card login-card">
        <h1>{link.purpose === "invitation" ? t("password.setTitleInvitation") : t("password.setTitleReset")}</h1>
        {link.email ? <p className="muted">{t("password.setFor", { email: link.email })}</p> : null}
        <p id="password-rules">{t("password.setIntro", { min: limits.min })}</p>
        <Form method="post" {...getFormProps(form)} noValidate>
          <FormError id={form.errorId} errors={form.errors} />
          <input type="hidden" name="token" value={token} />
          {/* For password managers: which account the new password belongs to. */}
          {link.email ? <input type="text" name="username" value={link.email} autoComplete="username" readOnly hidden /> : null}
          <div className="field">
            <label htmlFor={fields.password.id}>{t("password.newPassword")}</label>
            <input
              {...getInputProps(fields.password, { type: "password" })}
              autoComplete="new-password"
              aria-describedby={`password-rules ${fields.password.errorId}`}
              autoFocus
              key={fields.password.key}
            />
            <FieldError id={fields.password.errorId} errors={fields.password.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.repeat.id}>{t("password.repeatPassword")}</label>
            <input {...getInputProps(fields.repeat, { type: "password" })} autoComplete="new-password" key={fields.repeat.key} />
            <FieldError id={fields.repeat.errorId} errors={fields.repeat.errors} />
          </div>
          <button type="submit" className="button-primary button-block" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? t("password.submitting") : t("password.submit")}
          </button>
        </Form>
      </div>
      <LanguageChoice />
    </div>
  );
}
