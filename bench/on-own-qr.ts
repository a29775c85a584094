import { controlRequest } from "../agent/control/index.js";

/**
 * Waits until the till shows its own QR (identification `callback`). Right after a start, with
 * the default `checkout.identification: auto`, the till offers a per-sale QR until its MQTT link
 * is up and a bridge's heartbeat is seen (docs/architecture.md, "When the cloud is down"); the
 * bench's customer scans the till's QR and measures that path, so it sells only from then on.
 */
export async function untilOnOwnQr(
  current: () => Promise<string | undefined> | string | undefined,
): Promise<void> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const now = await Promise.resolve()
      .then(current)
      .catch(() => undefined);
    if (now === "callback") return;
    if (performance.now() > deadline)
      throw new Error(`the till is not on its own QR after 20 s (identification: ${now ?? "unknown"})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The identification of the daemon behind a control socket (`pos-agent status`). */
export async function daemonIdentification(socketPath: string): Promise<string | undefined> {
  const status = await controlRequest(socketPath, { method: "status" }, { timeoutMs: 5_000 });
  return status.identification?.current;
}
