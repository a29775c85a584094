import type { LoadedConfig } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import type { Clock } from "../../lib/clock.js";
import type { AgentStatus } from "../control/index.js";
import type { VippsClient, VippsClientOptions } from "../vipps/index.js";

/** What the doctor's checks may touch, injectable so tests can point it at fakes of the machine. */
export interface DoctorEnvironment {
  readonly configFile: string;
  /** For $CREDENTIALS_DIRECTORY. */
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  /** systemd-timesyncd's "synchronised since boot" flag file. */
  readonly timesyncFlag: string;
  /** Runs a program (timedatectl); resolves with its exit code and output, or why it could not run. */
  readonly exec: (
    file: string,
    args: readonly string[],
    timeoutMs: number,
  ) => Promise<{ code: number | null; stdout: string } | { error: string }>;
  /** This CLI as a command line (node and its script), for asking it something in a child. */
  readonly cli: readonly string[];
  /** /sys/class/gpio. */
  readonly sysfsGpioRoot: string;
  /** Wraps the Vipps client's network exchange (see VippsClientOptions.exchange). */
  readonly vippsExchange?: VippsClientOptions["exchange"];
}

/** The environment plus what earlier checks found out, for the checks that need it. */
export interface DoctorContext extends DoctorEnvironment {
  /** Aborted when the doctor is done: for clients that outlive one check (the Vipps client). */
  readonly done: AbortSignal;
  /** The config without secrets (config check). */
  config?: Config;
  /** The config with its secrets (secrets check). */
  loaded?: LoadedConfig;
  /** The running agent's status, when it answered (agent check). */
  agent?: AgentStatus;
  /** Whether the agent runs, as far as the agent check could tell. */
  agentRuns?: "yes" | "no" | "cannot tell";
  /** Set by the token check, used by the QR check. */
  vipps?: VippsClient;
  /** The journal's cached qrContent (journal check). */
  cachedQr?: string;
}

/** The config, for checks that declared `needs: ["config"]`. */
export function configOf(context: DoctorContext): Config {
  if (context.config === undefined) throw new Error("doctor: the config check has not run");
  return context.config;
}

export function loadedOf(context: DoctorContext): LoadedConfig {
  if (context.loaded === undefined) throw new Error("doctor: the secrets check has not run");
  return context.loaded;
}
