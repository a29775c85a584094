/**
 * The one error type of the project. Every failure that crosses a module boundary is an
 * `AgentError` with a stable, upper-snake-case `code`; the code (never the message text) is
 * what callers branch on, what tests assert and what the register or the technician sees.
 *
 * Each area owns its codes (e.g. `VippsErrorCode` in agent/vipps, `RegisterErrorCode` in
 * drivers/register) and narrows the type parameter, so no central list has to be edited.
 */
export class AgentError<C extends string = string> extends Error {
  override readonly name = "AgentError";
  readonly code: C;
  /** Structured, log-safe context. Never put secrets, tokens or phone numbers here. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: C,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** A log-friendly plain object (pino serialises it without the stack noise of `cause`). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, ...this.details };
  }
}

export function isAgentError<C extends string>(
  value: unknown,
  code?: C | readonly C[],
): value is AgentError<C> {
  if (!(value instanceof AgentError)) return false;
  if (code === undefined) return true;
  return Array.isArray(code) ? code.includes(value.code) : value.code === code;
}

/** For `switch` statements over unions: a compile error if a member is not handled. */
export function assertNever(value: never, what = "value"): never {
  throw new AgentError("INTERNAL", `unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Best-effort message of any thrown value, for logs and CLI output. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
