import { notFound } from "~/utils/auth.server";

/** Any address no other route claims. */
export function loader() {
  throw notFound();
}

export default function NotFound() {
  return null;
}
