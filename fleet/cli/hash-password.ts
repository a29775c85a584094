import type { Command } from "commander";
import { EXIT } from "../../lib/exit-codes.js";
import { hashPassword } from "../auth/password.js";
import { USER_NAME_PATTERN } from "../auth/users-file.js";
import type { FleetCliContext } from "./context.js";

/** Shorter passwords are refused: the page shows a merchant's takings to whoever logs in. */
const MIN_PASSWORD_LENGTH = 12;

/** Reads one line; on a terminal without echo (raw mode), so the password is not shown. */
async function readPassword(ctx: FleetCliContext): Promise<string> {
  const input = ctx.stdin as NodeJS.ReadStream;
  if (input.isTTY === true && typeof input.setRawMode === "function") {
    ctx.stderr.write("Password (not shown): ");
    input.setRawMode(true);
    try {
      let typed = "";
      for await (const chunk of input as AsyncIterable<Buffer>) {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") return typed;
          if (ch === "\u0003") throw new Error("interrupted");
          if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
          else typed += ch;
        }
      }
      return typed;
    } finally {
      input.setRawMode(false);
      ctx.stderr.write("\n");
    }
  }
  let text = "";
  for await (const chunk of input as AsyncIterable<Buffer | string>) text += chunk.toString();
  return text.replace(/\r?\n$/, "");
}

/**
 * `pos-fleet hash-password <user>`: reads the password from standard input and prints the
 * users-file line `user:scrypt$…` for FLEET_USERS_FILE. Nothing else is printed to stdout, so
 * `pos-fleet hash-password alice >> users` works.
 */
export function registerHashPasswordCommand(program: Command, ctx: FleetCliContext): void {
  program
    .command("hash-password <user>")
    .description("read a password from standard input and print the line to add to FLEET_USERS_FILE")
    .action(async (user: string) => {
      if (!USER_NAME_PATTERN.test(user)) {
        ctx.stderr.write("pos-fleet: a user name is 1–64 of A–Z a–z 0–9 . _ @ -\n");
        ctx.exitCode = EXIT.USAGE;
        return;
      }
      const password = await readPassword(ctx);
      if ([...password].length < MIN_PASSWORD_LENGTH) {
        ctx.stderr.write(`pos-fleet: the password must have at least ${MIN_PASSWORD_LENGTH} characters\n`);
        ctx.exitCode = EXIT.USAGE;
        return;
      }
      ctx.stdout.write(`${user}:${await hashPassword(password)}\n`);
      ctx.exitCode = EXIT.OK;
    });
}
