import type { Locale } from "~/i18n";

/**
 * A name in the genitive, as the language writes it before what the person owns. Swedish adds -s
 * except after s, x and z ("Alvas plan", "Elis plan", "Max plan"); English adds 's ("Alva's",
 * "Elis's"). The other languages mark possession with the word order or a particle in the
 * sentence itself ("خطة إليس", "Qorshaha Elis"), so the name stays as it is.
 */
export function genitive(name: string, locale: Locale): string {
  const trimmed = name.trimEnd();
  if (trimmed === "") return name;
  switch (locale) {
    case "sv":
      return /[sxz]$/i.test(trimmed) ? trimmed : `${trimmed}s`;
    case "en":
      return `${trimmed}’s`;
    default:
      return trimmed;
  }
}
