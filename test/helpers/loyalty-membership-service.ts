import type { LoyaltyMember } from "../../agent/loyalty/index.js";
import {
  startScriptedServer,
  type RecordedRequest,
  type Reply,
  type ScriptedServer,
} from "./scripted-http-server.js";

/**
 * A merchant's membership service as docs/loyalty.md specifies it, on real HTTP (loopback,
 * port 0): `POST /members/lookup` and `POST /members/enroll`, bearer token checked, members in
 * a map by MSISDN. `behaviour` makes it fail: `down` answers 503, `hang` never answers,
 * `garbage` answers 200 with a body of the wrong shape.
 */
export interface MembershipService {
  /** The loyalty.httpUrl to configure: `http://127.0.0.1:<port>/members`. */
  readonly url: string;
  readonly server: ScriptedServer;
  readonly members: Map<string, LoyaltyMember>;
  behaviour: "ok" | "down" | "hang" | "garbage";
  /** Parsed bodies of the enroll requests received. */
  enrollBodies(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startMembershipService(token: string): Promise<MembershipService> {
  const server = await startScriptedServer();
  const members = new Map<string, LoyaltyMember>();
  let next = 1;
  const service: MembershipService = {
    url: `${server.url}/members`,
    server,
    members,
    behaviour: "ok",
    enrollBodies: () =>
      server.requestsTo("POST", "/members/enroll").map((r) => JSON.parse(r.text) as Record<string, unknown>),
    close: () => server.close(),
  };
  const guard = (request: RecordedRequest): Reply | undefined => {
    if (service.behaviour === "hang") return { hang: true };
    if (service.behaviour === "down") return { status: 503, json: { error: "maintenance" } };
    if (service.behaviour === "garbage") return { status: 200, json: { member: { tier: 7 } } };
    if (request.headers.authorization !== `Bearer ${token}`)
      return { status: 401, json: { error: "unauthorized" } };
    return undefined;
  };
  server.on("POST", "/members/lookup", (request) => {
    const refused = guard(request);
    if (refused !== undefined) return refused;
    const { msisdn } = JSON.parse(request.text) as { msisdn: string };
    const member = members.get(msisdn);
    return member === undefined
      ? { status: 404, json: { error: "not a member" } }
      : { status: 200, json: { member } };
  });
  server.on("POST", "/members/enroll", (request) => {
    const refused = guard(request);
    if (refused !== undefined) return refused;
    const body = JSON.parse(request.text) as { msisdn: string; claims: { given_name?: string } };
    const member: LoyaltyMember = {
      id: `HTTP-${next++}`,
      tier: "Bronse",
      ...(body.claims.given_name === undefined ? {} : { displayName: body.claims.given_name }),
    };
    members.set(body.msisdn, member);
    return { status: 201, json: { member } };
  });
  return service;
}
