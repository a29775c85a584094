import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * A real AF_UNIX datagram socket standing in for systemd's `$NOTIFY_SOCKET`, served by a small
 * python3 listener (Node cannot bind datagram unix sockets). Every datagram is recorded as
 * text. Like PID 1, the listener closes the file descriptor a `BARRIER=1` message carries, so
 * `systemd-notify` returns at once instead of waiting for its 5 s timeout.
 */
export interface NotifySocket {
  /** The socket path, for `NOTIFY_SOCKET`. */
  readonly path: string;
  /** Every datagram received, in order, including `BARRIER=1`. */
  readonly datagrams: readonly string[];
  /** The datagrams without systemd-notify's `BARRIER=1` handshakes. */
  notifications(): string[];
  close(): Promise<void>;
}

const LISTENER = String.raw`
import array, json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"listening": True}), flush=True)
while True:
    data, ancillary, _flags, _addr = s.recvmsg(65536, socket.CMSG_SPACE(64 * 4))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print(json.dumps({"datagram": data.decode("utf-8", "replace")}), flush=True)
`;

/** Binds `<dir>/notify.sock` and resolves once the listener is receiving. */
export function startNotifySocket(dir: string): Promise<NotifySocket> {
  const path = join(dir, "notify.sock");
  const datagrams: string[] = [];
  const child: ChildProcess = spawn("python3", ["-u", "-c", LISTENER, path], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));

  const closed = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await closed;
  };

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const event = JSON.parse(line) as { listening?: boolean; datagram?: string };
      if (event.listening === true) {
        resolve({
          path,
          datagrams,
          notifications: () => datagrams.filter((d) => d !== "BARRIER=1"),
          close,
        });
      } else if (event.datagram !== undefined) {
        datagrams.push(event.datagram);
      }
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`notify listener exited (${code}) before listening: ${stderr}`)),
    );
  });
}
