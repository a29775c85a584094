import type { IncomingMessage } from "node:http";
import { AgentError } from "../lib/errors.js";
import type { BridgeErrorCode } from "./settings.js";

/**
 * Reads a request body of at most `limit` bytes, exactly as received (the HMAC covers the raw
 * bytes). Rejects with `BRIDGE_BODY_TOO_LARGE` as soon as the declared or actual size passes the
 * limit, without buffering the rest.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      if (error === undefined) resolve(Buffer.concat(chunks, size));
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish();
    const onError = (error: Error): void => finish(error);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function tooLarge(limit: number): AgentError<BridgeErrorCode> {
  return new AgentError<BridgeErrorCode>("BRIDGE_BODY_TOO_LARGE", `request body larger than ${limit} bytes`, {
    details: { limit },
  });
}
