import { envReader } from "./env-reader.js";

/**
 * The sales unit's API credentials for `pos-bridge`'s webhook commands and `pos-fleet`'s check
 * of the webhook registration, from the environment:
 * VIPPS_BASE_URL (wins) or VIPPS_ENV (`test` = apitest.vipps.no, default; `production` =
 * api.vipps.no), VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET(_FILE), VIPPS_SUBSCRIPTION_KEY(_FILE),
 * VIPPS_MSN. Every problem is reported at once.
 */
export interface VippsCredentials {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionKey: string;
  readonly msn: string;
}

const VIPPS_BASE_URLS = {
  test: "https://apitest.vipps.no",
  production: "https://api.vipps.no",
} as const;

export function parseVippsEnv(env: NodeJS.ProcessEnv): {
  credentials?: VippsCredentials;
  problems: string[];
} {
  const r = envReader(env);
  let baseUrl: string | undefined;
  if (r.get("VIPPS_BASE_URL") !== undefined) {
    baseUrl = r.url("VIPPS_BASE_URL", /^https?:$/, "an http(s) URL")?.href.replace(/\/+$/, "");
  } else {
    const name = r.get("VIPPS_ENV") ?? "test";
    if (name === "test" || name === "production") baseUrl = VIPPS_BASE_URLS[name];
    else r.problems.push(`VIPPS_ENV: expected test or production, got "${name}"`);
  }
  const clientId = r.get("VIPPS_CLIENT_ID");
  if (clientId === undefined) r.problems.push("VIPPS_CLIENT_ID: required (the sales unit's client_id)");
  // An empty file (a systemd credential left at its empty default) means "not set".
  const clientSecret = r.secret("VIPPS_CLIENT_SECRET") || undefined;
  if (clientSecret === undefined && !r.problems.some((p) => p.startsWith("VIPPS_CLIENT_SECRET"))) {
    r.problems.push("VIPPS_CLIENT_SECRET: required (or VIPPS_CLIENT_SECRET_FILE)");
  }
  const subscriptionKey = r.secret("VIPPS_SUBSCRIPTION_KEY") || undefined;
  if (subscriptionKey === undefined && !r.problems.some((p) => p.startsWith("VIPPS_SUBSCRIPTION_KEY"))) {
    r.problems.push(
      "VIPPS_SUBSCRIPTION_KEY: required (Ocp-Apim-Subscription-Key; or VIPPS_SUBSCRIPTION_KEY_FILE)",
    );
  }
  const msn = r.get("VIPPS_MSN");
  if (msn === undefined || !/^\d{4,7}$/.test(msn))
    r.problems.push(
      `VIPPS_MSN: expected the Merchant Serial Number, 4–7 digits${msn === undefined ? "" : `, got "${msn}"`}`,
    );
  if (
    r.problems.length > 0 ||
    baseUrl === undefined ||
    clientId === undefined ||
    clientSecret === undefined ||
    subscriptionKey === undefined ||
    msn === undefined
  ) {
    return { problems: r.problems };
  }
  return {
    problems: [],
    credentials: {
      baseUrl,
      clientId,
      clientSecret: clientSecret.trim(),
      subscriptionKey: subscriptionKey.trim(),
      msn,
    },
  };
}
