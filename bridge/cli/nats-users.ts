import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { EXIT } from "../../lib/exit-codes.js";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import { natsUsersConf } from "../nats-users.js";
import type { CliContext } from "./context.js";

/**
 * `pos-bridge nats-users <fleet.json>`: the users.conf of a NATS cluster (deploy/nats/) for a
 * fleet, written to stdout. The input is what a provisioning system knows — the bridge's
 * password and every till's and back office's (plaintext or a bcrypt hash, which nats-server
 * also accepts); a problem anywhere writes nothing and exits 78.
 */
const fleetSchema = z.strictObject({
  topicPrefix: z.string().optional(),
  bridgePassword: z.string(),
  tills: z.array(z.strictObject({ msn: z.string(), tillId: z.string(), password: z.string() })),
  backOffices: z.array(z.strictObject({ msn: z.string(), password: z.string() })).optional(),
});

export function registerNatsUsersCommand(program: Command, ctx: CliContext): void {
  program
    .command("nats-users")
    .description(
      "write the users.conf of a NATS cluster (deploy/nats) for the bridge, tills and back offices",
    )
    .argument(
      "<fleet.json>",
      '{ "bridgePassword", "tills": [{ "msn", "tillId", "password" }], "backOffices"?: [{ "msn", "password" }] }',
    )
    .action((file: string) => {
      const refuse = (problems: readonly string[]): void => {
        ctx.stderr.write(`pos-bridge nats-users: ${file}: ${problems.length} problem(s), nothing written:\n`);
        for (const problem of problems) ctx.stderr.write(`  ${problem}\n`);
        ctx.exitCode = EXIT.CONFIG;
      };
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        refuse([errorMessage(error)]);
        return;
      }
      const parsed = fleetSchema.safeParse(raw);
      if (!parsed.success) {
        refuse(parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "(file)"}: ${i.message}`));
        return;
      }
      let conf: string;
      try {
        conf = natsUsersConf(parsed.data);
      } catch (error) {
        if (!isAgentError(error, "BRIDGE_CONFIG_INVALID")) throw error;
        refuse((error.details.problems as string[] | undefined) ?? [error.message]);
        return;
      }
      ctx.stdout.write(conf);
      ctx.exitCode = EXIT.OK;
    });
}
