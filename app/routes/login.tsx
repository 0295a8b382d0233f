import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError, FormError } from "~/components/form-errors";
import { signIn } from "~/services/sign-in.server";
import { getPerson, safeRedirectPath, startSession } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { readKnownDevice, rememberKnownDevice } from "~/utils/known-device.server";

export const meta: MetaFunction = () => [{ title: "Logga in · Elevledd IUP" }];

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
  const device = await readKnownDevice(request, context);
  const result = await signIn(context.db, { email, password, clientAddress: context.clientAddress, device });
  if (result.status === "throttled") {
    return data(
      submission.reply({ formErrors: [`login.throttled:${result.retryAfterSeconds}`], hideFields: ["password"] }),
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (result.status === "invalid") {
    return data(submission.reply({ formErrors: ["login.invalid"], hideFields: ["password"] }), { status: 401 });
  }
  // From now on this browser is one of the person's known devices: others' failures do not lock it.
  return startSession(context, request, result.personId, safeRedirectPath(redirectTo), [await rememberKnownDevice(request, context, email)]);
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
        <Form method="post" {...getFormProps(form)} noValidate>
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
    </div>
  );
}
