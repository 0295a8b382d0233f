/** The request's form fields; a body that is not a form answers 400 instead of failing with 500. */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("Bad Request: expected a form", { status: 400 });
  }
}
