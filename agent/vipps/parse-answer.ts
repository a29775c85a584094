import type { z } from "zod";
import { VippsError } from "./errors.js";
import type { CallResult, CallSpec } from "./http-engine.js";

/**
 * Checks a 2xx answer against its schema. The problem list names paths and issue kinds only,
 * never values (a value could be a phone number or a token).
 */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  result: CallResult,
  spec: Pick<CallSpec, "operation" | "endpoint">,
): z.output<S> {
  const fail = (why: string): VippsError =>
    new VippsError(
      "VIPPS_BAD_RESPONSE",
      `${spec.operation}: unexpected answer to HTTP ${result.status}: ${why}`,
      {
        operation: spec.operation,
        endpoint: spec.endpoint,
        status: result.status,
        attempts: result.attempts,
      },
    );
  if (result.json === undefined) throw fail(result.text.trim() === "" ? "empty body" : "body is not JSON");
  const parsed = schema.safeParse(result.json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join(".") || "(body)"} ${i.code}`);
    throw fail(issues.join(", "));
  }
  return parsed.data;
}
