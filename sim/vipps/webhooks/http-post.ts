import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Clock } from "../../../lib/clock.js";

export interface PostOutcome {
  /** The HTTP status, when an answer arrived in time. */
  readonly status?: number;
  /** Why there was no usable answer (network error, timeout). */
  readonly error?: string;
}

/**
 * One delivery attempt: POST `body` to `url` with `headers`; `timeoutMs` on `clock` bounds the
 * whole exchange (Vipps: 10 s). Redirects are not followed (Vipps refuses redirecting URLs).
 * A fresh connection per attempt, so nothing lingers after the simulator closes.
 */
export function postOnce(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, {
      method: "POST",
      agent: false,
      headers: { ...headers, "content-length": String(body.length), connection: "close" },
    });
    const timer = clock.setTimeout(() => {
      finish({ error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    const onAbort = (): void => {
      finish({ error: "simulator closed" });
      req.destroy();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => finish({ status: res.statusCode ?? 0 }));
      res.on("error", (error) => finish({ error: error.message }));
    });
    req.on("error", (error) => finish({ error: error.message }));
    req.end(body);
  });
}
