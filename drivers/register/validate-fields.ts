import { parseCalendarDate } from "../../lib/calendar-date.js";
import type { RegisterErrorCode } from "./messages.js";
import { SALE_ID_PATTERN } from "./protocol.js";

/**
 * Field checks shared by both directions' validators. Each returns null when the field is fine,
 * or the refusal to send. BAD_FIELD messages always start with the field's path
 * (`lines[3].unitPrice: …`), as the protocol requires.
 */

export interface Invalid {
  readonly ok: false;
  readonly code: RegisterErrorCode;
  readonly message: string;
}
export type Validation<T> = { readonly ok: true; readonly message: T } | Invalid;

export type Fields = Readonly<Record<string, unknown>>;

export function invalid(code: RegisterErrorCode, message: string): Invalid {
  return { ok: false, code, message };
}

export function badField(path: string, expectation: string): Invalid {
  return invalid("BAD_FIELD", `${path}: ${expectation}`);
}

export function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Minor units: a non-negative safe integer. */
export function checkAmount(value: unknown, path: string, optional = false): Invalid | null {
  if (value === undefined && optional) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    return badField(path, "expected a non-negative integer in minor units");
  }
  return null;
}

export function checkId(value: unknown, path: string, optional = false): Invalid | null {
  if (value === undefined && optional) return null;
  if (typeof value !== "string" || !SALE_ID_PATTERN.test(value))
    return badField(path, "expected 1–32 of A–Z, a–z, 0–9, -");
  return null;
}

/** A non-empty string of at most `max` UTF-16 units (the frame limit bounds the rest). */
export function checkText(value: unknown, path: string, max: number, optional = false): Invalid | null {
  if (value === undefined && optional) return null;
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    return badField(path, `expected a text of 1–${max} characters`);
  }
  return null;
}

export function checkBoolean(value: unknown, path: string): Invalid | null {
  return typeof value === "boolean" ? null : badField(path, "expected true or false");
}

export function checkInteger(value: unknown, path: string, min: number, max: number): Invalid | null {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return badField(path, `expected an integer from ${min} to ${max}`);
  }
  return null;
}

/** A real calendar day as YYYY-MM-DD. */
export function checkDate(value: unknown, path: string, optional = false): Invalid | null {
  if (value === undefined && optional) return null;
  return parseCalendarDate(value) === undefined ? badField(path, "expected a real day as YYYY-MM-DD") : null;
}

/** The first problem of a list of checks, in order. */
export function firstProblem(...checks: readonly (() => Invalid | null)[]): Invalid | null {
  for (const check of checks) {
    const problem = check();
    if (problem !== null) return problem;
  }
  return null;
}
