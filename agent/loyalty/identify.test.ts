import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  startMembershipService,
  type MembershipService,
} from "../../test/helpers/loyalty-membership-service.js";
import { startLoyaltyRig, type LoyaltyRig } from "../../test/helpers/loyalty-rig.js";
import { MemberStore } from "./member-store.js";

/**
 * `identify` over the Vipps simulator on real HTTP: customer-token exchange → lookup in the
 * built-in store or the merchant's membership service. After every test, nothing personal
 * (numbers, tokens, names) is in the captured log of the port and the Vipps client.
 */
const MEMBER = "4791234567";
const STRANGER = "4798765432";
const TOKEN = "membership-bearer-3f9c1d";
const DAY = 86_400_000;

let rig: LoyaltyRig;
let personal: string[];

beforeEach(async () => {
  rig = await startLoyaltyRig();
  personal = [MEMBER, STRANGER, TOKEN];
});
afterEach(async () => {
  const log = rig.logText();
  await rig.close();
  expect(log).not.toBe("");
  for (const value of personal) expect(log, "nothing personal in logs").not.toContain(value);
});

function scan(msisdn: string): string {
  const token = rig.scan(msisdn);
  personal.push(token);
  return token;
}

describe("identify with the built-in backend", () => {
  it("finds a member by the number behind the scan, and that counts as being seen", async () => {
    const store = new MemberStore(rig.db);
    store.write({
      memberId: "K-1001",
      msisdn: MEMBER,
      tier: "Gull",
      displayName: "Åse",
      enrolledAt: 0,
      lastSeenAt: 0,
    });
    const loyalty = rig.loyalty({ mode: "lookup" });
    const result = await loyalty.identify(scan(MEMBER));
    expect(result).toEqual({ kind: "member", member: { id: "K-1001", tier: "Gull", displayName: "Åse" } });
    expect(store.findById("K-1001")?.lastSeenAt).toBe(rig.clock.now());
    expect(rig.logText()).toContain("K-1001");
  });

  it("answers not_member with an opaque handle for anyone else", async () => {
    const loyalty = rig.loyalty({ mode: "enroll" });
    const result = await loyalty.identify(scan(STRANGER));
    expect(result.kind).toBe("not_member");
    expect(JSON.stringify(result)).not.toContain(STRANGER);
    expect(result.kind === "not_member" && result.candidate.handle).toMatch(/^cand-[0-9a-f-]{36}$/);
  });

  it("is unavailable when the customer token cannot be exchanged (unknown, or Vipps failing)", async () => {
    const loyalty = rig.loyalty();
    expect(await loyalty.identify("bm90LWEtdG9rZW4=")).toEqual({
      kind: "unavailable",
      reason: "customer token exchange: VIPPS_BAD_REQUEST (HTTP 400)",
    });
    rig.sim.control.addFault({ endpoint: "qr.exchange.customer", status: 500, times: 1 });
    expect(await loyalty.identify(scan(MEMBER))).toEqual({
      kind: "unavailable",
      reason: "customer token exchange: VIPPS_SERVER_ERROR (HTTP 500)",
    });
  });

  it("is unavailable once closed, and with loyalty off", async () => {
    const off = rig.loyalty({ mode: "off" });
    expect(await off.identify(scan(MEMBER))).toEqual({ kind: "unavailable", reason: "loyalty is off" });
    const closed = rig.loyalty();
    closed.close();
    expect(await closed.identify(scan(MEMBER))).toEqual({
      kind: "unavailable",
      reason: "loyalty is shut down",
    });
  });

  it("prunes members not seen for loyalty.retentionDays", async () => {
    const store = new MemberStore(rig.db);
    const now = rig.clock.now();
    store.write({
      memberId: "OLD",
      msisdn: STRANGER,
      enrolledAt: now - 40 * DAY,
      lastSeenAt: now - 31 * DAY,
    });
    store.write({
      memberId: "RECENT",
      msisdn: MEMBER,
      enrolledAt: now - 40 * DAY,
      lastSeenAt: now - 29 * DAY,
    });
    const loyalty = rig.loyalty({ retentionDays: 30 });
    expect(loyalty.prune()).toBe(1);
    expect(loyalty.prune()).toBe(0);
    expect(store.findById("OLD")).toBeUndefined();
    expect(await loyalty.identify(scan(STRANGER))).toMatchObject({ kind: "not_member" });
    expect(rig.logText()).toMatch(/"removed":1,"retentionDays":30/);
  });
});

describe("identify with the merchant's membership service (HTTP)", () => {
  let service: MembershipService;
  beforeEach(async () => {
    service = await startMembershipService(TOKEN);
  });
  afterEach(async () => {
    await service.close();
  });

  const httpLoyalty = (timeoutMs = 2_000) =>
    rig.loyalty(
      { mode: "enroll", backend: "http", httpUrl: service.url, httpTimeoutMs: timeoutMs },
      { secrets: { loyaltyHttpToken: TOKEN } },
    );

  it("finds a member with the bearer token and answers not_member on 404", async () => {
    service.members.set(MEMBER, { id: "SHOP-77", tier: "Sølv", displayName: "Øyvind" });
    const loyalty = httpLoyalty();
    expect(await loyalty.identify(scan(MEMBER))).toEqual({
      kind: "member",
      member: { id: "SHOP-77", tier: "Sølv", displayName: "Øyvind" },
    });
    expect(await loyalty.identify(scan(STRANGER))).toMatchObject({ kind: "not_member" });
    const lookups = service.server.requestsTo("POST", "/members/lookup");
    expect(lookups.map((r) => JSON.parse(r.text) as unknown)).toEqual([
      { msisdn: MEMBER },
      { msisdn: STRANGER },
    ]);
    expect(lookups[0]?.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
    });
  });

  it("is unavailable when the service is down, answers garbage or refuses the token", async () => {
    const loyalty = httpLoyalty();
    service.behaviour = "down";
    expect(await loyalty.identify(scan(MEMBER))).toEqual({
      kind: "unavailable",
      reason: "http backend lookup: LOYALTY_BACKEND_FAILED",
    });
    service.behaviour = "garbage";
    expect(await loyalty.identify(scan(MEMBER))).toEqual({
      kind: "unavailable",
      reason: "http backend lookup: LOYALTY_BACKEND_BAD_RESPONSE",
    });
    service.behaviour = "ok";
    const wrongToken = rig.loyalty(
      { backend: "http", httpUrl: service.url },
      { secrets: { loyaltyHttpToken: "not-it" } },
    );
    expect(await wrongToken.identify(scan(MEMBER))).toEqual({
      kind: "unavailable",
      reason: "http backend lookup: LOYALTY_BACKEND_FAILED",
    });
    expect(rig.logText()).toMatch(/membership service: HTTP 503|LOYALTY_BACKEND_FAILED/);
  });

  it("is unavailable after loyalty.httpTimeoutMs when the service does not answer", async () => {
    const loyalty = httpLoyalty(1_500);
    service.behaviour = "hang";
    const pending = loyalty.identify(scan(MEMBER));
    await rig.advanceWhenWaiting(1_499);
    expect(rig.clock.pending).toBe(1);
    rig.clock.advance(1);
    expect(await pending).toEqual({
      kind: "unavailable",
      reason: "http backend lookup: LOYALTY_BACKEND_TIMEOUT",
    });
  });

  it("warns at start about a missing bearer token and a plain-http service on another host", () => {
    rig.loyalty({ backend: "http", httpUrl: "http://loyalty.example.com/api/members" });
    expect(rig.logText()).toContain("no loyalty-http-token secret");
    expect(rig.logText()).toMatch(/"host":"loyalty.example.com","msg":"the membership service is plain http/);
  });

  it("is unavailable when nothing listens at httpUrl", async () => {
    const url = service.url;
    await service.close();
    const loyalty = rig.loyalty({ backend: "http", httpUrl: url });
    expect(await loyalty.identify(scan(MEMBER))).toEqual({
      kind: "unavailable",
      reason: "http backend lookup: LOYALTY_BACKEND_FAILED",
    });
    service = await startMembershipService(TOKEN);
  });
});
