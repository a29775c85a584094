import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { controlError } from "./errors.js";

/**
 * Who is on the other end of a control connection, as the kernel recorded it when the client
 * called connect(): SO_PEERCRED (unix(7)). The client cannot choose these values — unlike
 * anything it writes in its request — so they are what the audit log trusts.
 *
 * Node has no getsockopt(). A `perl` child (perl-base is an Essential package of Debian and
 * Raspberry Pi OS, always installed) is handed a duplicate of the connection as its stdin and
 * asks the kernel; it reads nothing from the connection. Reading /proc instead cannot work
 * under the unit's ProtectProc=invisible: the agent does not see the technician's processes.
 *
 * Limits (docs/operations.md, "The control sockets"): the uid is the client's effective uid at
 * connect — under `sudo` that is 0, and sudo's own log says which login ran the command; the
 * pid may belong to another process later (pids are reused).
 */
export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  /** The uid's name in /etc/passwd, when it has one there. */
  readonly user?: string;
}

const SCRIPT =
  'my $c = getsockopt(STDIN, SOL_SOCKET, SO_PEERCRED) or die "getsockopt: $!\\n"; print join(" ", unpack("l3", $c)), "\\n";';

/** The name of a uid in /etc/passwd (the tills' technicians are local users). */
function userName(uid: number): string | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (name !== undefined && id === String(uid)) return name;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Rejects with CONTROL_PEER_UNKNOWN when the kernel's answer cannot be had within `timeoutMs`. */
export function peerCredentials(socket: Socket, timeoutMs = 5_000): Promise<PeerCredentials> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void =>
      reject(controlError("CONTROL_PEER_UNKNOWN", `the requester could not be identified (${why})`));
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn("perl", ["-MSocket", "-e", SCRIPT], { stdio: [socket, "pipe", "pipe"] });
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
      return;
    }
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr?.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.once("error", (error) => {
      clearTimeout(timer);
      fail(`perl: ${error.message}`);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const numbers = /^(\d+) (\d+) (\d+)\n$/.exec(out);
      if (code !== 0 || numbers === null) {
        fail(signal === null ? `perl exited with ${code}: ${err.trim()}` : `perl ${signal}`);
        return;
      }
      const [pid, uid, gid] = numbers.slice(1).map(Number) as [number, number, number];
      const user = userName(uid);
      resolve({ pid, uid, gid, ...(user === undefined ? {} : { user }) });
    });
  });
}
