import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { stringify } from "yaml";
import type { ConfigInput } from "../../config/schema.js";
import { SECRET_FILES } from "../../config/secrets.js";
import { EXIT } from "../../lib/exit-codes.js";
import { capturedIo, type CapturedIo, type CliIo } from "../../agent/cli/support/cli-io.js";

/**
 * In-process runs of the technician's commands (doctor, status, setup, report, reprint, refund,
 * config get/set) with their output captured, plus a config file and secrets to run them on.
 * The built `pos-agent` is exercised separately with test/helpers/cli.ts.
 */
export async function runCommand(
  register: (program: Command, io: CliIo) => void,
  args: readonly string[],
  ioOptions: Parameters<typeof capturedIo>[0] = {},
): Promise<CapturedIo> {
  const io = capturedIo(ioOptions);
  const program = new Command("pos-agent")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  register(program, io);
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    io.setExitCode(error.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  }
  return io;
}

export type SectionOverrides = Partial<{ [K in keyof ConfigInput]: Partial<ConfigInput[K]> }>;

/**
 * Writes `<dir>/pos-agent.yaml` and the three required secrets (mode 0600) and returns the
 * config file's path. The storage and socket live in `dir` too.
 */
export function writeAgentConfig(
  dir: string,
  overrides: SectionOverrides = {},
  secrets: Partial<Record<keyof typeof SECRET_FILES, string>> = {},
): string {
  mkdirSync(join(dir, "secrets"), { recursive: true, mode: 0o700 });
  const values = {
    clientSecret: "client-secret",
    subscriptionKey: "subscription-key",
    webhookSecrets: "webhook-secret",
    ...secrets,
  };
  for (const [key, value] of Object.entries(values)) {
    writeFileSync(join(dir, "secrets", SECRET_FILES[key as keyof typeof SECRET_FILES]), `${value}\n`, {
      mode: 0o600,
    });
  }
  const input: ConfigInput = {
    vipps: {
      clientId: "client-id",
      msn: "123456",
      currency: "NOK",
      webhookUrl: "https://bridge.example.com/vipps/webhook",
      ...overrides.vipps,
    },
    till: { id: "kasse1", locationDescription: "Kasse 1", ...overrides.till },
    mqtt: { url: "mqtt://127.0.0.1:1", ...overrides.mqtt },
    register: { path: join(dir, "no-register"), ...overrides.register },
    printer: { ...overrides.printer },
    display: { ...overrides.display },
    gpio: { ...overrides.gpio },
    storage: { directory: join(dir, "state"), ...overrides.storage },
    loyalty: { ...overrides.loyalty },
    checkout: { ...overrides.checkout },
    log: { ...overrides.log },
    control: { socketPath: join(dir, "control.sock"), ...overrides.control },
    secrets: { directory: "secrets", ...overrides.secrets },
  };
  const file = join(dir, "pos-agent.yaml");
  writeFileSync(file, stringify(input));
  return file;
}
