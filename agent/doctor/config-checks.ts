import { statSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, readConfigFile } from "../../config/load.js";
import { readSecrets, SECRET_FILES, secretsDirectory } from "../../config/secrets.js";
import { fail, ok, type Check } from "./check.js";
import { configOf, type DoctorContext } from "./context.js";

export const configCheck: Check<DoctorContext> = {
  id: "config",
  title: "config",
  exclusive: true,
  timeoutMs: 5_000,
  run(context) {
    try {
      const { config, file } = readConfigFile(context.configFile);
      context.config = config;
      return ok(
        `${file} valid (till ${config.till.id}, MSN ${config.vipps.msn}, ${config.vipps.environment === "production" ? "production" : "test"} environment)`,
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return fail(
        `${context.configFile}: ${error.problems.join("; ")}`,
        error.code === "CONFIG_UNREADABLE"
          ? "give the right --config, or install the example: /etc/pos-agent/pos-agent.yaml"
          : "fix each line listed (pos-agent config check shows them one per line)",
      );
    }
  },
};

/**
 * Every secret the config needs is readable, and no secret file is readable by group or others
 * (mode 0600 or 0400). Outside systemd the secrets are read from `secrets.directory`.
 */
export const secretsCheck: Check<DoctorContext> = {
  id: "secrets",
  title: "secrets",
  needs: ["config"],
  timeoutMs: 5_000,
  run(context) {
    const config = configOf(context);
    const directory = secretsDirectory(config.secrets.directory, context.env);
    const result = readSecrets(directory, {
      mqttPassword: config.mqtt.username !== undefined,
      loyaltyHttpToken: false,
    });
    if (result.secrets === undefined) {
      const denied = result.problems.some((p) => p.includes("EACCES"));
      return fail(
        result.problems.map((p) => p.replace(/^secrets: /, "")).join("; "),
        denied
          ? "the secrets are root's (0600): run the doctor with sudo"
          : `create each missing file: sudo sh -c 'umask 077; cat > ${directory}/<name>' (docs/operations.md, "Secrets")`,
      );
    }
    const loose: string[] = [];
    const owners = new Set<number>();
    for (const name of Object.values(SECRET_FILES)) {
      try {
        const stat = statSync(join(directory, name));
        owners.add(stat.uid);
        if ((stat.mode & 0o077) !== 0) loose.push(`${name} (${(stat.mode & 0o777).toString(8)})`);
      } catch {
        // Optional secrets may be absent; required ones were checked above.
      }
    }
    if (loose.length > 0) {
      return fail(
        `readable by group or others: ${loose.join(", ")}`,
        `sudo chmod 600 ${loose.map((l) => join(directory, l.split(" ")[0] ?? "")).join(" ")}`,
      );
    }
    context.loaded = { file: context.configFile, config, secrets: result.secrets };
    const owner = [...owners].map((uid) => (uid === 0 ? "root" : `uid ${uid}`)).join(", ");
    return ok(`readable in ${directory}, mode 0600, owner ${owner}`);
  },
};
