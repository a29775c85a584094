import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/cli.js";
import { tempDir } from "../../test/helpers/temp-dir.js";

/**
 * systemd/udev-rule.sh turns `udevadm info --attribute-walk` into a rule. CI has no USB
 * devices, so `udevadm` is replaced (through the script's $UDEVADM) by a stand-in that
 * prints walks in udevadm 252's format, modelled on a Raspberry Pi 4's USB tree (the
 * attribute values are examples, not a recording).
 */

const SCRIPT = join(REPO_ROOT, "systemd", "udev-rule.sh");
const PI4_USB = "/devices/platform/scb/fd500000.pcie/pci0000:00/0000:00:00.0/0000:01:00.0/usb1";

const HEADER = `
Udevadm info starts with the device specified by the devpath and then
walks up the chain of parent devices. It prints for every device
found, all possible attributes in the udev rules key format.
A rule to match, can be composed by the attributes of the device
and the attributes from one single parent device.
`;

/** The root hub and the Pi's PCIe controller: they have serial-looking attributes too. */
const PI4_PARENTS = `
  looking at parent device '${PI4_USB}/1-1':
    KERNELS=="1-1"
    SUBSYSTEMS=="usb"
    DRIVERS=="usb"
    ATTRS{idProduct}=="3431"
    ATTRS{idVendor}=="2109"
    ATTRS{product}=="USB2.0 Hub"

  looking at parent device '${PI4_USB}':
    KERNELS=="usb1"
    SUBSYSTEMS=="usb"
    DRIVERS=="usb"
    ATTRS{idProduct}=="0002"
    ATTRS{idVendor}=="1d6b"
    ATTRS{serial}=="0000:01:00.0"

  looking at parent device '/devices/platform/scb/fd500000.pcie':
    KERNELS=="fd500000.pcie"
    SUBSYSTEMS=="platform"
    DRIVERS=="brcm-pcie"
`;

const FTDI = `${HEADER}
  looking at device '${PI4_USB}/1-1/1-1.3/1-1.3:1.0/ttyUSB0/tty/ttyUSB0':
    KERNEL=="ttyUSB0"
    SUBSYSTEM=="tty"
    DRIVER==""
    ATTR{power/control}=="auto"

  looking at parent device '${PI4_USB}/1-1/1-1.3/1-1.3:1.0/ttyUSB0':
    KERNELS=="ttyUSB0"
    SUBSYSTEMS=="usb-serial"
    DRIVERS=="ftdi_sio"
    ATTRS{latency_timer}=="16"
    ATTRS{port_number}=="0"

  looking at parent device '${PI4_USB}/1-1/1-1.3/1-1.3:1.0':
    KERNELS=="1-1.3:1.0"
    SUBSYSTEMS=="usb"
    DRIVERS=="ftdi_sio"
    ATTRS{bInterfaceClass}=="ff"
    ATTRS{interface}=="FT232R USB UART"

  looking at parent device '${PI4_USB}/1-1/1-1.3':
    KERNELS=="1-1.3"
    SUBSYSTEMS=="usb"
    DRIVERS=="usb"
    ATTRS{bMaxPower}=="90mA"
    ATTRS{idProduct}=="6001"
    ATTRS{idVendor}=="0403"
    ATTRS{manufacturer}=="FTDI"
    ATTRS{product}=="FT232R USB UART"
    ATTRS{serial}=="A10KZP1Z"
    ATTRS{speed}=="12"
${PI4_PARENTS}`;

const CH340 = `${HEADER}
  looking at device '${PI4_USB}/1-1/1-1.4/1-1.4:1.0/ttyUSB1/tty/ttyUSB1':
    KERNEL=="ttyUSB1"
    SUBSYSTEM=="tty"
    DRIVER==""

  looking at parent device '${PI4_USB}/1-1/1-1.4/1-1.4:1.0/ttyUSB1':
    KERNELS=="ttyUSB1"
    SUBSYSTEMS=="usb-serial"
    DRIVERS=="ch341-uart"
    ATTRS{port_number}=="0"

  looking at parent device '${PI4_USB}/1-1/1-1.4/1-1.4:1.0':
    KERNELS=="1-1.4:1.0"
    SUBSYSTEMS=="usb"
    DRIVERS=="ch341"
    ATTRS{bInterfaceClass}=="ff"

  looking at parent device '${PI4_USB}/1-1/1-1.4':
    KERNELS=="1-1.4"
    SUBSYSTEMS=="usb"
    DRIVERS=="usb"
    ATTRS{idProduct}=="7523"
    ATTRS{idVendor}=="1a86"
    ATTRS{product}=="USB Serial"
${PI4_PARENTS}`;

const EPSON = `${HEADER}
  looking at device '${PI4_USB}/1-1/1-1.2/1-1.2:1.0/usbmisc/lp0':
    KERNEL=="lp0"
    SUBSYSTEM=="usbmisc"
    DRIVER==""

  looking at parent device '${PI4_USB}/1-1/1-1.2/1-1.2:1.0':
    KERNELS=="1-1.2:1.0"
    SUBSYSTEMS=="usb"
    DRIVERS=="usblp"
    ATTRS{bInterfaceClass}=="07"
    ATTRS{ieee1284_id}=="MFG:EPSON;CMD:ESCPOS;MDL:TM-T20III;CLS:PRINTER;"

  looking at parent device '${PI4_USB}/1-1/1-1.2':
    KERNELS=="1-1.2"
    SUBSYSTEMS=="usb"
    DRIVERS=="usb"
    ATTRS{idProduct}=="0e28"
    ATTRS{idVendor}=="04b8"
    ATTRS{manufacturer}=="EPSON"
    ATTRS{product}=="TM-T20III"
    ATTRS{serial}=="X5ZF012345"
${PI4_PARENTS}`;

const PL011 = `${HEADER}
  looking at device '/devices/platform/soc/fe201000.serial/tty/ttyAMA0':
    KERNEL=="ttyAMA0"
    SUBSYSTEM=="tty"
    DRIVER==""

  looking at parent device '/devices/platform/soc/fe201000.serial':
    KERNELS=="fe201000.serial"
    SUBSYSTEMS=="amba"
    DRIVERS=="uart-pl011"
`;

describe("udev-rule.sh", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir("pos-agent-udev-");
  });
  afterEach(() => dir.cleanup());

  /** Runs the script with a udevadm that prints `walk` for exactly `device`. */
  function run(
    args: string[],
    device: string,
    walk: string | undefined,
  ): { code: number | null; stdout: string; stderr: string } {
    const walkFile = join(dir.path, "walk.txt");
    writeFileSync(walkFile, walk ?? "");
    const udevadm = join(dir.path, "udevadm");
    writeFileSync(
      udevadm,
      [
        "#!/bin/sh",
        `if [ "$*" != "info --attribute-walk --name=${device}" ]; then echo "unexpected arguments: $*" >&2; exit 2; fi`,
        walk === undefined
          ? `echo "Unknown device \\"${device}\\": No such device" >&2; exit 1`
          : `cat '${walkFile}'`,
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const result = spawnSync("sh", [SCRIPT, ...args], {
      encoding: "utf8",
      env: { ...process.env, UDEVADM: udevadm },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it("names a register by vendor, product and serial number", () => {
    const result = run(["register", "/dev/ttyUSB0"], "/dev/ttyUSB0", FTDI);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "# pos-register: /dev/ttyUSB0, USB 0403:6001 serial A10KZP1Z\n" +
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ATTRS{serial}=="A10KZP1Z", ' +
        'SYMLINK+="pos-register", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"\n',
    );
  });

  it("falls back to the USB port for an adapter without a serial number, and says so", () => {
    const result = run(["register", "/dev/ttyUSB1"], "/dev/ttyUSB1", CH340);
    expect(result.code).toBe(0);
    // Not the root hub's "serial" (0000:01:00.0) from another block: udev needs one parent.
    expect(result.stdout).not.toContain("0000:01:00.0");
    expect(result.stdout).toBe(
      "# pos-register: /dev/ttyUSB1, USB 1a86:7523 at port 1-1.4 (no serial number)\n" +
        'SUBSYSTEM=="tty", KERNELS=="1-1.4", ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523", ' +
        'SYMLINK+="pos-register", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"\n',
    );
    expect(result.stderr).toMatch(/no USB serial number; the rule matches USB port 1-1\.4/);
  });

  it("names a USB printer in group lp", () => {
    const result = run(["printer", "/dev/usb/lp0"], "/dev/usb/lp0", EPSON);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "# pos-printer: /dev/usb/lp0, USB 04b8:0e28 serial X5ZF012345\n" +
        'SUBSYSTEM=="usbmisc", KERNEL=="lp[0-9]*", ATTRS{idVendor}=="04b8", ATTRS{idProduct}=="0e28", ATTRS{serial}=="X5ZF012345", ' +
        'SYMLINK+="pos-printer", GROUP="lp", MODE="0660"\n',
    );
  });

  it("names a serial receipt printer like a serial port", () => {
    const result = run(["printer", "/dev/ttyUSB0"], "/dev/ttyUSB0", FTDI);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SYMLINK+="pos-printer", GROUP="dialout"');
  });

  it("refuses a device that is not on USB", () => {
    const result = run(["register", "/dev/ttyAMA0"], "/dev/ttyAMA0", PL011);
    expect(result.code).toBe(65);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/not a USB device/);
  });

  it("refuses a printer given as the register", () => {
    const result = run(["register", "/dev/usb/lp0"], "/dev/usb/lp0", EPSON);
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/is a USB printer, not a serial port/);
  });

  it("refuses attribute values that would break out of the rule's quotes", () => {
    const result = run(
      ["register", "/dev/ttyUSB0"],
      "/dev/ttyUSB0",
      FTDI.replace('serial}=="A10KZP1Z"', 'serial}=="A1", RUN+="/bin/evil"'),
    );
    expect(result.code).toBe(65);
    expect(result.stdout).toBe("");
  });

  it("reports a device udevadm does not know", () => {
    const result = run(["register", "/dev/ttyUSB9"], "/dev/ttyUSB9", undefined);
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(/udevadm cannot find \/dev\/ttyUSB9: Unknown device/);
  });

  it.each([[[]], [["register"]], [["display", "/dev/tty1"]], [["register", "/dev/ttyUSB0", "extra"]]])(
    "answers %j with usage",
    (args) => {
      const result = run(args, "/dev/ttyUSB0", FTDI);
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(/^usage: /);
    },
  );
});
