import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";

/** The request's form fields; a body that is not a form answers 400 instead of failing with 500. */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("Bad Request: expected a form", { status: 400 });
  }
}

/**
 * A form that may carry files (multipart), each part at most `maxPartBytes`; "tooLarge" when one
 * is bigger (read no further). Any other body is read as an ordinary form.
 */
export async function readUploadForm(request: Request, maxPartBytes: number): Promise<FormData | "tooLarge"> {
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) return readFormData(request);
  try {
    return await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: maxPartBytes }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return "tooLarge";
    throw new Response("Bad Request: expected a form", { status: 400 });
  }
}
