import { createHash } from "node:crypto";
import { simError } from "../errors.js";
import type { CustomerBehaviour, CustomerOptions, CustomerProfile, CustomerStatus } from "../options.js";
import { simulatedProfile } from "./profile.js";

/** MSISDN as the ePayment spec defines it: country code + number, digits only (CustomerPhoneNumber). */
export const MSISDN_PATTERN = /^\d{10,15}$/;

const STATUSES: readonly CustomerStatus[] = ["active", "unknown", "blocked", "old_app"];

export function validateBehaviour(value: unknown, what: string): CustomerBehaviour {
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (v.action === "ignore") return { action: "ignore" };
    if (v.action === "approve" || v.action === "decline") {
      if (v.afterMs === undefined) return { action: v.action };
      if (typeof v.afterMs === "number" && Number.isFinite(v.afterMs) && v.afterMs >= 0)
        return { action: v.action, afterMs: v.afterMs };
    }
  }
  throw simError(
    "SIM_BAD_REQUEST",
    `${what}: expected { action: "approve" | "decline", afterMs?: ms ≥ 0 } or { action: "ignore" }`,
  );
}

export function validateCustomerOptions(value: unknown, what: string): CustomerOptions {
  if (typeof value !== "object" || value === null)
    throw simError("SIM_BAD_REQUEST", `${what}: expected an object`);
  const v = value as Record<string, unknown>;
  if (v.status !== undefined && !(STATUSES as readonly unknown[]).includes(v.status)) {
    throw simError("SIM_BAD_REQUEST", `${what}.status: expected one of ${STATUSES.join(", ")}`);
  }
  if (v.profile !== undefined && (typeof v.profile !== "object" || v.profile === null))
    throw simError("SIM_BAD_REQUEST", `${what}.profile: expected an object`);
  return {
    ...(v.status === undefined ? {} : { status: v.status as CustomerStatus }),
    ...(v.payment === undefined ? {} : { payment: validateBehaviour(v.payment, `${what}.payment`) }),
    ...(v.login === undefined ? {} : { login: validateBehaviour(v.login, `${what}.login`) }),
    ...(v.profile === undefined ? {} : { profile: v.profile }),
  };
}

/**
 * The simulated customers: any well-formed MSISDN is an active app user unless configured
 * otherwise. Also owns each customer's automatic behaviour and the stable `sub` per sales unit.
 */
export class CustomerDirectory {
  private readonly customers = new Map<string, CustomerOptions>();
  private defaults: { payment: CustomerBehaviour; login: CustomerBehaviour };

  constructor(
    configured: Readonly<Record<string, CustomerOptions>>,
    defaults: { payment: CustomerBehaviour; login: CustomerBehaviour },
  ) {
    this.defaults = {
      payment: validateBehaviour(defaults.payment, "defaultBehaviour.payment"),
      login: validateBehaviour(defaults.login, "defaultBehaviour.login"),
    };
    for (const [msisdn, options] of Object.entries(configured)) this.configure(msisdn, options);
  }

  configure(msisdn: string, options: CustomerOptions): void {
    if (!MSISDN_PATTERN.test(msisdn))
      throw simError("SIM_BAD_REQUEST", "an MSISDN is 10–15 digits (country code + number, no +)");
    const valid = validateCustomerOptions(options, `customers[${msisdn.slice(-2)}]`);
    this.customers.set(msisdn, { ...this.customers.get(msisdn), ...valid });
  }

  setDefaultBehaviour(behaviour: { payment?: CustomerBehaviour; login?: CustomerBehaviour }): void {
    this.defaults = {
      payment:
        behaviour.payment === undefined
          ? this.defaults.payment
          : validateBehaviour(behaviour.payment, "payment"),
      login:
        behaviour.login === undefined ? this.defaults.login : validateBehaviour(behaviour.login, "login"),
    };
  }

  status(msisdn: string): CustomerStatus {
    if (!MSISDN_PATTERN.test(msisdn)) return "unknown";
    return this.customers.get(msisdn)?.status ?? "active";
  }

  paymentBehaviour(msisdn: string): CustomerBehaviour {
    return this.customers.get(msisdn)?.payment ?? this.defaults.payment;
  }

  loginBehaviour(msisdn: string): CustomerBehaviour {
    return this.customers.get(msisdn)?.login ?? this.defaults.login;
  }

  profile(msisdn: string): CustomerProfile {
    return simulatedProfile(msisdn, this.customers.get(msisdn)?.profile);
  }

  /** Stable per sales unit and user (Login `sub`), shaped like Vipps' UUIDs. */
  sub(msn: string, msisdn: string): string {
    const h = createHash("sha256").update(`vipps-simulator:sub:${msn}:${msisdn}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
