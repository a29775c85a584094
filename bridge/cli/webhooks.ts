import type { Command } from "commander";
import { EXIT } from "../../lib/exit-codes.js";
import { PAYMENT_EVENT_NAMES } from "../../agent/mqtt/index.js";
import { VippsClient, isVippsError } from "../../agent/vipps/index.js";
import { errorMessage } from "../../lib/errors.js";
import { CHECK_IN_EVENT, paymentEventType } from "../../lib/mqtt-contract/index.js";
import type { CliContext } from "./context.js";
import { parseVippsEnv, type VippsCredentials } from "../../lib/vipps-env.js";

/**
 * `pos-bridge register-webhook | list-webhooks | delete-webhook <id>`: the one-off provisioning
 * of the sales unit's webhook registration at Vipps (docs/vipps-api.md §5.1), through the agent's Vipps
 * client, with credentials from the environment (lib/vipps-env.ts).
 */

/** Every event the agent acts on: the check-in and each ePayment event it understands. */
export const AGENT_WEBHOOK_EVENTS: readonly string[] = [
  CHECK_IN_EVENT,
  ...PAYMENT_EVENT_NAMES.map(paymentEventType),
];

function clientFor(credentials: VippsCredentials): VippsClient {
  return new VippsClient({
    ...credentials,
    system: { name: "pos-bridge", version: process.env.npm_package_version ?? "0.1.0" },
    timeoutMs: 10_000,
    maxRetries: 2,
  });
}

/** Runs `action` with a client, or reports the environment's problems / the call's failure. */
async function withClient(
  ctx: CliContext,
  what: string,
  action: (client: VippsClient, credentials: VippsCredentials) => Promise<void>,
): Promise<void> {
  const { credentials, problems } = parseVippsEnv(ctx.env);
  if (credentials === undefined) {
    ctx.stderr.write(
      `pos-bridge: invalid environment, ${problems.length} problem(s):\n${problems.map((p) => `  ${p}\n`).join("")}`,
    );
    ctx.exitCode = EXIT.CONFIG;
    return;
  }
  try {
    await action(clientFor(credentials), credentials);
    ctx.exitCode = EXIT.OK;
  } catch (error) {
    if (!isVippsError(error)) throw error;
    const facts = [
      error.code,
      error.status === undefined ? undefined : `HTTP ${error.status}`,
      error.traceId === undefined ? undefined : `trace ${error.traceId}`,
    ];
    ctx.stderr.write(
      `pos-bridge: ${what} failed: ${errorMessage(error)} (${facts.filter((f) => f !== undefined).join(", ")})\n`,
    );
    const unknownOutcome =
      error.code === "VIPPS_TIMEOUT" || error.code === "VIPPS_NETWORK" || error.code === "VIPPS_SERVER_ERROR";
    if (unknownOutcome && what === "register-webhook") {
      ctx.stderr.write(
        "  The outcome is unknown: run `pos-bridge list-webhooks` and delete any registration whose secret you did not get before registering again.\n",
      );
    }
    ctx.exitCode =
      error.code === "VIPPS_INVALID_ARGUMENT"
        ? EXIT.USAGE
        : unknownOutcome || error.code === "VIPPS_RATE_LIMITED"
          ? EXIT.UNAVAILABLE
          : EXIT.FAILURE;
  }
}

export function registerWebhookCommands(program: Command, ctx: CliContext): void {
  program
    .command("register-webhook")
    .description(
      "register the bridge's public URL at Vipps for check-ins and every ePayment event the agent uses; prints the secret once",
    )
    .option("--url <url>", "the bridge's public https:// URL (default: $BRIDGE_PUBLIC_URL)")
    .option("--json", "print { id, secret, url, events } as JSON")
    .action(async (options: { url?: string; json?: boolean }) => {
      const url = options.url ?? ctx.env.BRIDGE_PUBLIC_URL?.trim();
      if (url === undefined || url === "") {
        ctx.stderr.write(
          "pos-bridge: register-webhook needs --url or BRIDGE_PUBLIC_URL (the URL Vipps will POST to)\n",
        );
        ctx.exitCode = EXIT.USAGE;
        return;
      }
      await withClient(ctx, "register-webhook", async (client, credentials) => {
        const registered = await client.webhooks.register({ url, events: AGENT_WEBHOOK_EVENTS });
        if (options.json === true) {
          ctx.stdout.write(
            `${JSON.stringify({ id: registered.id, secret: registered.secret, url, events: AGENT_WEBHOOK_EVENTS })}\n`,
          );
          return;
        }
        ctx.stdout.write(
          [
            `Registered webhook ${registered.id} for MSN ${credentials.msn}`,
            `  url:    ${url}`,
            `  events: ${AGENT_WEBHOOK_EVENTS.join(", ")}`,
            "",
            "Secret — Vipps shows it only this once:",
            `  ${registered.secret}`,
            "",
            "Store it now, in both places:",
            `  1. The bridge: add \`${credentials.msn}:<secret>\` (the secret bound to this MSN) to`,
            "     VIPPS_WEBHOOK_SECRETS (comma- or newline-separated, keep any secret still in use), or",
            "     as a line of the file named by VIPPS_WEBHOOK_SECRETS_FILE; then restart every replica.",
            "  2. Every till of this MSN: add it as a line of the `vipps-webhook-secret` secret file",
            "     (in secrets.directory, or the systemd credential of that name); the tills accept",
            "     every line, so add the new secret before removing an old one.",
            "",
          ].join("\n"),
        );
      });
    });

  program
    .command("list-webhooks")
    .description("list the sales unit's webhook registrations at Vipps (secrets are never shown again)")
    .option("--json", "print the registrations as JSON")
    .action(async (options: { json?: boolean }) => {
      await withClient(ctx, "list-webhooks", async (client, credentials) => {
        const registrations = await client.webhooks.list();
        if (options.json === true) {
          ctx.stdout.write(`${JSON.stringify(registrations)}\n`);
          return;
        }
        if (registrations.length === 0) {
          ctx.stdout.write(`No webhook registrations for MSN ${credentials.msn}.\n`);
          return;
        }
        ctx.stdout.write(`Webhook registrations for MSN ${credentials.msn}:\n`);
        for (const r of registrations)
          ctx.stdout.write(`  ${r.id}  ${r.url}\n      ${r.events.join(", ")}\n`);
      });
    });

  program
    .command("delete-webhook <id>")
    .description("delete a webhook registration at Vipps")
    .action(async (id: string) => {
      await withClient(ctx, "delete-webhook", async (client) => {
        await client.webhooks.delete(id);
        ctx.stdout.write(
          `Deleted webhook ${id}.\n` +
            "Its secret can leave VIPPS_WEBHOOK_SECRETS and the tills' vipps-webhook-secret files once no delivery\n" +
            "signed with it is still being retried (Vipps retries failed deliveries for up to 7 days).\n",
        );
      });
    });
}
