// Test helper: a response body as loosely typed JSON, for field-by-field assertions.

/** Parse a response body as JSON without a static shape (tests assert the shape). */
// biome-ignore lint/suspicious/noExplicitAny: tests check the shape field by field
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
