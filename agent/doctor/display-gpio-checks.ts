import { accessSync, constants, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import { resolveBcmPins } from "../../drivers/gpio/index.js";
import { fail, ok, skip, warn, type Check } from "./check.js";
import { configOf, type DoctorContext } from "./context.js";

/** The customer display's path is writable (without drawing on it: a customer may be looking). */
export const displayCheck: Check<DoctorContext> = {
  id: "display",
  title: "display",
  needs: ["config", "agent"],
  timeoutMs: 3_000,
  run(context) {
    const config = configOf(context);
    const path = config.display.path;
    if (path === "none") return skip("none configured (display.path: none)");
    if (context.agent !== undefined && context.agent.links.display.state === "failed") {
      return fail(
        `the agent cannot draw on ${path}`,
        `ls -l ${path} (group tty, mode 0660); journalctl -u pos-agent -e`,
      );
    }
    let isDevice: boolean;
    try {
      isDevice = statSync(path).isCharacterDevice();
      accessSync(path, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && !path.startsWith("/dev/")) {
        // A preview file is created at the first frame: its directory must take it.
        try {
          accessSync(dirname(path), constants.W_OK);
          return ok(`${path} will be created (a preview file)`);
        } catch {
          return fail(
            `${path} cannot be created`,
            `make ${dirname(path)} writable for the service user, or set display.path`,
          );
        }
      }
      if (code === "ENOENT")
        return fail(`no device ${path}`, "the HDMI console is /dev/tty1; set display.path, or none");
      return fail(
        `${path} is not writable (${code ?? errorMessage(error)})`,
        `the service user needs group tty: ls -l ${path}; id pos-agent`,
      );
    }
    return ok(`${path} writable${isDevice ? " (a terminal device)" : " (a file)"}`);
  },
};

/** GPIO is accessible and every configured BCM pin resolves on this board's header controller. */
export const gpioCheck: Check<DoctorContext> = {
  id: "gpio",
  title: "gpio",
  needs: ["config", "agent"],
  timeoutMs: 3_000,
  run(context) {
    const config = configOf(context);
    if (!config.gpio.enabled) return skip("disabled (gpio.enabled: false)");
    if (context.agent !== undefined) {
      const state = context.agent.links.gpio.state;
      if (state === "ok") return ok("the agent's lights and button work");
      if (state === "disabled")
        return warn(
          "the running agent has GPIO off, the config has it on",
          "restart the agent to apply the config: sudo systemctl restart pos-agent",
        );
    }
    let resolved;
    try {
      resolved = resolveBcmPins(config.gpio.pins, context.sysfsGpioRoot);
    } catch (error) {
      const code = isAgentError(error) ? error.code : "";
      return fail(
        errorMessage(error),
        code === "GPIO_BAD_PIN"
          ? "use BCM numbers 0–27 (pinout.xyz), each pin for one role"
          : "not a Raspberry Pi, or no sysfs GPIO: set gpio.enabled: false",
      );
    }
    try {
      accessSync(join(context.sysfsGpioRoot, "export"), constants.W_OK);
    } catch (error) {
      return fail(
        `${join(context.sysfsGpioRoot, "export")} is not writable (${(error as NodeJS.ErrnoException).code ?? "?"})`,
        "the service user needs group gpio: id pos-agent; ls -l /sys/class/gpio/export",
      );
    }
    const pins = Object.entries(resolved.sysfs)
      .map(
        ([role, n]) =>
          `${role} BCM${String(config.gpio.pins[role as keyof typeof config.gpio.pins])}→${String(n)}`,
      )
      .join(", ");
    const state = context.agent?.links.gpio.state;
    const summary = `${resolved.chip.label} at ${resolved.chip.base}: ${pins || "no pins configured"}`;
    return state === "unavailable"
      ? fail(
          `the agent runs without lights although ${summary}`,
          "journalctl -u pos-agent -e (look for GPIO)",
        )
      : ok(summary);
  },
};
