import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";

/** The largest ordinary form (a comment, an omdöme, a drawn signature, with room to spare). */
export const MAX_FORM_BYTES = 256 * 1024;

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** Refuses what is not a form of a known, bounded length, before the body is read. */
function checkFormRequest(request: Request, maxBytes: number): "tooLarge" | null {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) throw new Response("Unsupported Media Type: expected a form", { status: 415 });
  const length = request.headers.get("Content-Length");
  if (length === null && request.body !== null) throw new Response("Length Required", { status: 411 });
  return Number(length ?? 0) > maxBytes ? "tooLarge" : null;
}

/**
 * The request's form fields. Anything else is refused with a 4xx and a plain message, before the
 * body is read: not a form (415), no length given (411), too large (413), malformed (400).
 * (The server's edge already refuses bodies without a length, and above its limit, for every route.)
 */
export async function readFormData(request: Request, options: { maxBytes?: number } = {}): Promise<FormData> {
  if (checkFormRequest(request, options.maxBytes ?? MAX_FORM_BYTES)) throw new Response("Payload Too Large", { status: 413 });
  try {
    return await request.formData();
  } catch {
    throw new Response("Bad Request: the form could not be read", { status: 400 });
  }
}

/**
 * A form that may carry files (multipart), at most `maxBytes` in all and in any part; "tooLarge"
 * when it is bigger (read no further). Otherwise refused as readFormData refuses.
 */
export async function readUploadForm(request: Request, maxBytes: number): Promise<FormData | "tooLarge"> {
  if (checkFormRequest(request, maxBytes)) return "tooLarge";
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) return readFormData(request, { maxBytes });
  try {
    return await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: maxBytes }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return "tooLarge";
    throw new Response("Bad Request: the form could not be read", { status: 400 });
  }
}
