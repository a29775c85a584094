import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import {
  startMembershipService,
  type MembershipService,
} from "../../test/helpers/loyalty-membership-service.js";
import { startLoyaltyRig, type LoyaltyRig } from "../../test/helpers/loyalty-rig.js";
import { BINDING_MESSAGE_PATTERN } from "./binding-message.js";
import { MemberStore } from "./member-store.js";
import type { EnrollmentCandidate, LoyaltyPort } from "./port.js";

/**
 * `enroll` over the Vipps simulator on real HTTP: merchant-initiated Login (CIBA) for a
 * non-member, polled on a ManualClock, then userinfo → the backend. After every test, nothing
 * personal (number, customer token, names, email, sub) is in the captured log.
 */
const CUSTOMER = "4741234567";
const TOKEN = "membership-bearer-8e2a";
const PROFILE = { givenName: "Åse", familyName: "Ærlig-Øvrebø", email: "ase.aerlig@example.com" };

let rig: LoyaltyRig;
let personal: string[];
let bindings: string[];
let controller: AbortController;

beforeEach(async () => {
  rig = await startLoyaltyRig();
  rig.sim.control.setCustomer(CUSTOMER, { profile: PROFILE });
  personal = [CUSTOMER, PROFILE.givenName, PROFILE.familyName, PROFILE.email, TOKEN];
  bindings = [];
  controller = new AbortController();
});
afterEach(async () => {
  const log = rig.logText();
  await rig.close();
  for (const value of personal) expect(log, "nothing personal in logs").not.toContain(value);
});

async function candidateFor(loyalty: LoyaltyPort, msisdn = CUSTOMER): Promise<EnrollmentCandidate> {
  const token = rig.scan(msisdn);
  personal.push(token);
  const identified = await loyalty.identify(token);
  if (identified.kind !== "not_member") throw new Error(`expected not_member, got ${identified.kind}`);
  return identified.candidate;
}

function enroll(loyalty: LoyaltyPort, candidate: EnrollmentCandidate) {
  return loyalty.enroll(candidate, (b) => bindings.push(b), controller.signal);
}

describe("enroll with the built-in backend", () => {
  it("asks the customer through Vipps Login, then stores the sub and the consented claims", async () => {
    const loyalty = rig.loyalty({ scopes: ["openid", "name", "email"], loginExpirySeconds: 90 });
    const pending = enroll(loyalty, await candidateFor(loyalty));
    await rig.advanceWhenWaiting(5_000); // first poll: authorization_pending …
    await rig.whenWaiting(); // … and waiting for the next turn
    const login = rig.latestLogin();
    expect(login).toMatchObject({
      msisdn: CUSTOMER,
      scopes: ["openid", "name", "email"],
      bindingMessage: bindings[0],
    });
    expect(login.expiresAt - login.createdAt).toBe(90_000);
    expect(bindings).toHaveLength(1);
    expect(bindings[0]).toMatch(BINDING_MESSAGE_PATTERN);
    rig.sim.control.approveLogin(login.authReqId);
    await rig.advanceWhenWaiting(5_000);
    const result = await pending;

    const stored = new MemberStore(rig.db).findByMsisdn(CUSTOMER);
    expect(stored?.sub).toMatch(/.+/);
    personal.push(stored?.sub ?? "");
    expect(result).toEqual({ kind: "enrolled", member: { id: stored?.memberId, displayName: "Åse" } });
    expect(stored?.claims).toEqual({
      name: "Åse Ærlig-Øvrebø",
      given_name: "Åse",
      family_name: "Ærlig-Øvrebø",
      email: PROFILE.email,
      email_verified: true,
    });
    expect(stored?.consentedAt).toBe(rig.clock.now());
    // Next visit: a member.
    expect(await loyalty.identify(rig.scan(CUSTOMER))).toEqual({
      kind: "member",
      member: { id: stored?.memberId, displayName: "Åse" },
    });
  });

  it("declined in the app → declined, nobody enrolled", async () => {
    const loyalty = rig.loyalty();
    const pending = enroll(loyalty, await candidateFor(loyalty));
    await rig.advanceWhenWaiting(5_000);
    await rig.whenWaiting();
    rig.sim.control.declineLogin(rig.latestLogin().authReqId);
    await rig.advanceWhenWaiting(5_000);
    expect(await pending).toEqual({ kind: "declined" });
    expect(new MemberStore(rig.db).count()).toBe(0);
  });

  it("not answered within loyalty.loginExpirySeconds → expired", async () => {
    const loyalty = rig.loyalty({ loginExpirySeconds: 60 });
    const started = rig.clock.now();
    const result = await rig.drive(enroll(loyalty, await candidateFor(loyalty)), 5_000);
    expect(result).toEqual({ kind: "expired" });
    expect(rig.clock.now() - started).toBe(60_000);
    expect(rig.sim.control.requests().filter((r) => r.endpoint === "login.token")).toHaveLength(12);
  });

  it("honours slow_down: the poll interval grows by 5 s and stays there", async () => {
    // The port's own clock runs 2 s ahead of the simulator's on the first poll, so Vipps sees it
    // polling too fast and answers slow_down.
    const portClock = new ManualClock(rig.clock.now());
    const loyalty = rig.loyalty({}, { clock: portClock });
    const pending = enroll(loyalty, await candidateFor(loyalty));
    const step = async (portMs: number, simMs: number): Promise<void> => {
      await waitUntil(() => portClock.pending > 0);
      rig.clock.advance(simMs);
      portClock.advance(portMs);
    };
    await step(5_000, 3_000); // slow_down
    await waitUntil(() => portClock.pending > 0);
    portClock.advance(9_999);
    expect(portClock.pending, "still waiting 10 s after slow_down").toBe(1);
    rig.clock.advance(9_999);
    await step(1, 1); // 10 s after the slow_down: authorization_pending
    await waitUntil(() => portClock.pending > 0);
    rig.sim.control.approveLogin(rig.latestLogin().authReqId);
    await step(10_000, 10_000);
    expect(await pending).toMatchObject({ kind: "enrolled" });
    expect(rig.latestLogin().intervalSeconds, "only one slow_down").toBe(10);
    expect(rig.logText()).toMatch(/"intervalSeconds":10,"msg":"Vipps Login asked us to poll slower"/);
    personal.push(new MemberStore(rig.db).findByMsisdn(CUSTOMER)?.sub ?? "");
  });

  it("polls on after a failed poll or two; three failures in a row → unavailable", async () => {
    const loyalty = rig.loyalty();
    const pending = enroll(loyalty, await candidateFor(loyalty));
    rig.sim.control.addFault({ endpoint: "login.token", status: 500, times: 2 });
    await rig.advanceWhenWaiting(5_000); // 500
    await rig.advanceWhenWaiting(5_000); // 500
    await rig.advanceWhenWaiting(5_000); // authorization_pending
    await rig.whenWaiting();
    rig.sim.control.approveLogin(rig.latestLogin().authReqId);
    await rig.advanceWhenWaiting(5_000);
    expect(await pending).toMatchObject({ kind: "enrolled" });
    personal.push(new MemberStore(rig.db).findByMsisdn(CUSTOMER)?.sub ?? "");

    const other = "4741234569";
    personal.push(other);
    const failing = enroll(loyalty, await candidateFor(loyalty, other));
    rig.sim.control.addFault({ endpoint: "login.token", status: 503, times: 3 });
    expect(await rig.drive(failing, 5_000)).toEqual({
      kind: "unavailable",
      reason: "login poll: VIPPS_SERVER_ERROR (HTTP 503)",
    });
  });

  it("an app too old, or a blocked account → old_app / invalid_user, without a login", async () => {
    const loyalty = rig.loyalty();
    const old = await candidateFor(loyalty);
    rig.sim.control.setCustomer(CUSTOMER, { status: "old_app" });
    expect(await enroll(loyalty, old)).toEqual({ kind: "old_app" });
    const blocked = "4741234568";
    personal.push(blocked);
    const candidate = await candidateFor(loyalty, blocked);
    rig.sim.control.setCustomer(blocked, { status: "blocked" });
    expect(await enroll(loyalty, candidate)).toEqual({ kind: "invalid_user" });
    expect(bindings).toEqual([]);
    expect(rig.sim.control.logins()).toEqual([]);
  });

  it("aborted mid-login → aborted at once; the poll timer is gone", async () => {
    const loyalty = rig.loyalty();
    const pending = enroll(loyalty, await candidateFor(loyalty));
    await rig.advanceWhenWaiting(5_000);
    await rig.whenWaiting();
    controller.abort();
    expect(await pending).toEqual({ kind: "aborted" });
    expect(rig.clock.pending).toBe(0);
    expect(new MemberStore(rig.db).count()).toBe(0);
  });

  it("closing the port ends a login in progress → aborted", async () => {
    const loyalty = rig.loyalty();
    const pending = enroll(loyalty, await candidateFor(loyalty));
    await rig.advanceWhenWaiting(5_000);
    await rig.whenWaiting();
    loyalty.close();
    expect(await pending).toEqual({ kind: "aborted" });
    expect(rig.clock.pending).toBe(0);
  });

  it("aborted while Vipps has not answered the login start → aborted", async () => {
    const loyalty = rig.loyalty();
    const candidate = await candidateFor(loyalty);
    rig.sim.control.addFault({ endpoint: "login.ciba", latencyMs: 60_000, times: 1 });
    const pending = enroll(loyalty, candidate);
    await rig.whenWaiting(); // the simulator holds the request
    controller.abort();
    expect(await pending).toEqual({ kind: "aborted" });
    expect(bindings).toEqual([]);
    rig.clock.advance(60_000);
  });

  it("a handle is good once; unknown handles and lookup-only mode lead nowhere", async () => {
    const loyalty = rig.loyalty();
    const candidate = await candidateFor(loyalty);
    rig.sim.control.setCustomer(CUSTOMER, { status: "old_app" });
    expect(await enroll(loyalty, candidate)).toEqual({ kind: "old_app" });
    expect(await enroll(loyalty, candidate)).toMatchObject({
      kind: "unavailable",
      reason: expect.stringContaining("unknown or expired") as unknown,
    });
    const lookupOnly = rig.loyalty({ mode: "lookup" });
    expect(await enroll(lookupOnly, await candidateFor(lookupOnly))).toMatchObject({ kind: "unavailable" });
    const aborted = new AbortController();
    aborted.abort();
    expect(await loyalty.enroll(await candidateFor(loyalty), () => undefined, aborted.signal)).toEqual({
      kind: "aborted",
    });
  });
});

describe("enroll with the merchant's membership service (HTTP)", () => {
  let service: MembershipService;
  beforeEach(async () => {
    service = await startMembershipService(TOKEN);
  });
  afterEach(async () => {
    await service.close();
  });

  it("posts the number, sub, consented claims and consent time to /enroll", async () => {
    const loyalty = rig.loyalty(
      { backend: "http", httpUrl: service.url, scopes: ["openid", "name"] },
      { secrets: { loyaltyHttpToken: TOKEN } },
    );
    const pending = enroll(loyalty, await candidateFor(loyalty));
    await rig.advanceWhenWaiting(5_000);
    await rig.whenWaiting();
    rig.sim.control.approveLogin(rig.latestLogin().authReqId);
    await rig.advanceWhenWaiting(5_000);
    expect(await pending).toEqual({
      kind: "enrolled",
      member: { id: "HTTP-1", tier: "Bronse", displayName: "Åse" },
    });
    const [body] = service.enrollBodies();
    expect(body).toEqual({
      msisdn: CUSTOMER,
      sub: expect.stringMatching(/.+/) as unknown,
      claims: { name: "Åse Ærlig-Øvrebø", given_name: "Åse", family_name: "Ærlig-Øvrebø" },
      consentedAt: new Date(rig.clock.now()).toISOString(),
    });
    personal.push(String(body?.sub));
  });

  it("approved but the service is down → unavailable", async () => {
    const loyalty = rig.loyalty(
      { backend: "http", httpUrl: service.url },
      { secrets: { loyaltyHttpToken: TOKEN } },
    );
    const pending = enroll(loyalty, await candidateFor(loyalty));
    await rig.advanceWhenWaiting(5_000);
    await rig.whenWaiting();
    rig.sim.control.approveLogin(rig.latestLogin().authReqId);
    service.behaviour = "down";
    await rig.advanceWhenWaiting(5_000);
    expect(await pending).toEqual({
      kind: "unavailable",
      reason: "http backend enroll: LOYALTY_BACKEND_FAILED",
    });
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 15_000, interval: 5 });
}
