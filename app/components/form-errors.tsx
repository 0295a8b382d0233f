import { useTranslation } from "react-i18next";
import { translateError } from "~/utils/errors";

/** Errors of one field, announced to screen readers and tied to the input by aria-describedby. */
export function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  const { t } = useTranslation();
  return (
    <div id={id} className="field-error" aria-live="polite">
      {errors?.map((e) => <p key={e}>{translateError(t, e)}</p>)}
    </div>
  );
}

/** Errors of the whole form (e.g. a wrong password), shown above the fields. */
export function FormError({ id, errors }: { id: string; errors: string[] | undefined }) {
  const { t } = useTranslation();
  if (!errors?.length) return <div id={id} aria-live="assertive" />;
  return (
    <div id={id} className="alert alert-error" role="alert">
      {errors.map((e) => (
        <p key={e}>{translateError(t, e)}</p>
      ))}
    </div>
  );
}
