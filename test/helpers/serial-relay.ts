import { silentLogger, type Logger } from "../../lib/log.js";
import { createSerialTransport, decodeLine, type LinkTransport } from "../../drivers/register/index.js";

/**
 * A man in the middle of the register cable, for fault tests: two serial devices (one end of
 * each of two pty pairs) with every line passed through `filter`, which may forward it,
 * change it (a noisy cable) or drop it (a lost frame).
 */
export type RelayDirection = "toRegister" | "toAgent";

export type RelayFilter = (
  line: { frame: Record<string, unknown> | null; bytes: Uint8Array },
  direction: RelayDirection,
) => Uint8Array | null;

export interface SerialRelay {
  /** Resolves once both devices are open. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

function lines(onLine: (bytes: Uint8Array) => void): (chunk: Uint8Array) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (let lf = pending.indexOf(0x0a); lf >= 0; lf = pending.indexOf(0x0a)) {
      onLine(pending.subarray(0, lf + 1));
      pending = pending.subarray(lf + 1);
    }
  };
}

export function startSerialRelay(options: {
  agentSide: string;
  registerSide: string;
  filter: RelayFilter;
  logger?: Logger;
}): SerialRelay {
  const logger = options.logger ?? silentLogger();
  const open = (path: string): LinkTransport =>
    createSerialTransport({ path, baudRate: 115200, reopenMinMs: 50, reopenMaxMs: 400, logger });
  const agentSide = open(options.agentSide);
  const registerSide = open(options.registerSide);
  let opened = 0;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const wire = (from: LinkTransport, to: LinkTransport, direction: RelayDirection): void => {
    from.start({
      onOpen: () => {
        if (++opened === 2) markReady();
      },
      onClose: () => undefined,
      onData: lines((bytes) => {
        const decoded = decodeLine(bytes.subarray(0, bytes.length - 1));
        const out = options.filter(
          { frame: decoded.kind === "frame" ? decoded.value : null, bytes },
          direction,
        );
        if (out !== null) to.write(out).catch(() => undefined);
      }),
    });
  };
  wire(agentSide, registerSide, "toRegister");
  wire(registerSide, agentSide, "toAgent");
  return {
    ready,
    async stop() {
      await agentSide.stop();
      await registerSide.stop();
    },
  };
}
