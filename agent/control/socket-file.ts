import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname } from "node:path";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { controlError } from "./errors.js";

/**
 * The control sockets' files: a path made ready to listen on, and the file's permissions —
 * which are the sockets' authentication (connect(2) needs write permission on the file).
 */

/** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/** Refuses a path in use; removes a stale socket file; creates the directory in development. */
export async function prepareSocketPath(socketPath: string): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw controlError(
      "CONTROL_BAD_SOCKET_PATH",
      `${socketPath} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit of a unix socket path`,
    );
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch {
    // Under systemd RuntimeDirectory= made it (0750); elsewhere make it, group-accessible too.
    mkdirSync(dirname(socketPath), { recursive: true, mode: 0o750 });
    return;
  }
  if (!isSocket)
    throw controlError(
      "CONTROL_BAD_SOCKET_PATH",
      `${socketPath} exists and is not a socket; not replacing it`,
    );
  const answer = await probe(socketPath);
  if (answer !== "refused") {
    throw controlError(
      "CONTROL_SOCKET_IN_USE",
      `another process answers on ${socketPath} (${answer}): is a second agent running?`,
    );
  }
  unlinkSync(socketPath);
}

/** `refused`: a stale file nobody listens on. Anything else means the socket is (or may be) alive. */
function probe(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    socket.once("connect", () => {
      socket.destroy();
      resolve("listening");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      resolve(error.code === "ECONNREFUSED" || error.code === "ENOENT" ? "refused" : (error.code ?? "error"));
    });
  });
}

/** A group's id from /etc/group (systemd-sysusers creates the service's groups there). */
export function groupId(name: string): number | undefined {
  try {
    for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
      const [group, , gid] = line.split(":");
      if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export interface SocketAccess {
  /** Mode of the socket file; default 0660 (set explicitly: the unit's UMask=0077 would leave 0600). */
  readonly mode?: number;
  /**
   * The group that may connect, when not the agent's own: the file is given to it (the agent
   * must be a member). When that cannot be done the file is left to its owner alone (0600):
   * never open to the agent's own group by mistake.
   */
  readonly group?: string;
}

/** Sets the socket file's permissions; returns its inode (to remove only our own file later). */
export function secureSocketFile(socketPath: string, access: SocketAccess, log: Logger): number {
  try {
    chmodSync(socketPath, access.group === undefined ? (access.mode ?? 0o660) : 0o600);
    if (access.group !== undefined) {
      const gid = groupId(access.group);
      if (gid === undefined) {
        log.warn(
          { socketPath, group: access.group },
          "the socket's group does not exist: only the agent's user and root may use the socket",
        );
      } else {
        try {
          chownSync(socketPath, -1, gid);
          chmodSync(socketPath, access.mode ?? 0o660);
        } catch (error) {
          log.warn(
            { socketPath, group: access.group, err: errorMessage(error) },
            "cannot give the socket to its group (is the agent's user a member?): only the agent's user and root may use the socket",
          );
        }
      }
    }
    return lstatSync(socketPath).ino;
  } catch (error) {
    throw controlError(
      "CONTROL_BAD_SOCKET_PATH",
      `cannot set the mode of ${socketPath}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}
