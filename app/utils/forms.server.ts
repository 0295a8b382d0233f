/** The largest ordinary form (a comment, an omdöme, a drawn signature, with room to spare). */
export const MAX_FORM_BYTES = 256 * 1024;

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * The request's form fields. Anything else is refused with a 4xx and a plain message, before the
 * body is read: not a form (415), no length given (411), too large (413), malformed (400).
 * (The server's edge already refuses bodies without a length or above 4 MB for every route.)
 */
export async function readFormData(request: Request, options: { maxBytes?: number } = {}): Promise<FormData> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type)) throw new Response("Unsupported Media Type: expected a form", { status: 415 });
  const length = request.headers.get("Content-Length");
  if (length === null && request.body !== null) throw new Response("Length Required", { status: 411 });
  if (Number(length ?? 0) > (options.maxBytes ?? MAX_FORM_BYTES)) throw new Response("Payload Too Large", { status: 413 });
  try {
    return await request.formData();
  } catch {
    throw new Response("Bad Request: the form could not be read", { status: 400 });
  }
}
