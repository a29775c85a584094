#!/bin/sh
# Prints a udev rule giving a plugged-in device the stable name the agent expects
# (/dev/pos-register or /dev/pos-printer), matched by USB vendor, product and serial number —
# or by USB port when the device has no serial number (most CH340 cables).
#
#   udev-rule.sh register /dev/ttyUSB0
#   udev-rule.sh printer  /dev/usb/lp0        # or a serial printer's /dev/ttyUSB1
#   udev-rule.sh register /dev/ttyUSB0 | sudo tee -a /etc/udev/rules.d/99-pos-agent.rules
#
# Reads `udevadm info --attribute-walk` ($UDEVADM overrides the command). Exit codes:
# 0 rule printed, 64 usage, 65 the device is not a USB tty/printer, 69 udevadm failed.
set -eu

usage() {
  echo "usage: $0 register|printer DEVICE   (e.g. $0 register /dev/ttyUSB0)" >&2
  exit 64
}

[ $# -eq 2 ] || usage
role=$1
device=$2
case "$role" in
  register) name=pos-register ;;
  printer) name=pos-printer ;;
  *) usage ;;
esac

udevadm_cmd=${UDEVADM:-udevadm}
if ! walk=$($udevadm_cmd info --attribute-walk --name="$device" 2>&1); then
  echo "udev-rule.sh: udevadm cannot find $device: $walk" >&2
  exit 69
fi

# From the device's own block: its subsystem and kernel name. From the first parent block
# that has ATTRS{idVendor} (the USB device itself): KERNELS (its port path), vendor,
# product, serial. udev only matches ATTRS keys that all come from one parent, so they must
# be taken from the same block.
fields=$(printf '%s\n' "$walk" | awk '
  function value(line) { sub(/^[^=]*=="/, "", line); sub(/"$/, "", line); return line }
  /looking at device/ { block = "device"; next }
  /looking at parent device/ {
    if (vendor != "") exit
    block = "parent"; kernels = ""; product = ""; serial = ""; next
  }
  block == "device" && /^ *SUBSYSTEM==/ { subsystem = value($0) }
  block == "device" && /^ *KERNEL==/ { kernel = value($0) }
  block == "parent" && /^ *KERNELS==/ { kernels = value($0) }
  block == "parent" && /^ *ATTRS\{idVendor\}==/ { vendor = value($0) }
  block == "parent" && /^ *ATTRS\{idProduct\}==/ { product = value($0) }
  block == "parent" && /^ *ATTRS\{serial\}==/ { serial = value($0) }
  END { printf "%s\n%s\n%s\n%s\n%s\n%s\n", subsystem, kernel, kernels, vendor, product, serial }
')

subsystem=$(printf '%s\n' "$fields" | sed -n 1p)
kernel=$(printf '%s\n' "$fields" | sed -n 2p)
kernels=$(printf '%s\n' "$fields" | sed -n 3p)
vendor=$(printf '%s\n' "$fields" | sed -n 4p)
product=$(printf '%s\n' "$fields" | sed -n 5p)
serial=$(printf '%s\n' "$fields" | sed -n 6p)

if [ -z "$vendor" ] || [ -z "$product" ]; then
  echo "udev-rule.sh: $device is not a USB device (no idVendor/idProduct); use its /dev/serial/by-path/… name instead" >&2
  exit 65
fi
# Values end up between double quotes in a udev rule: refuse anything that could break out.
for v in "$kernels" "$vendor" "$product" "$serial"; do
  case "$v" in
    *'"'* | *'\'* | *'
'*)
      echo "udev-rule.sh: unexpected characters in a udev attribute of $device" >&2
      exit 65
      ;;
  esac
done

case "$subsystem" in
  tty)
    match="SUBSYSTEM==\"tty\""
    perms="GROUP=\"dialout\", MODE=\"0660\", ENV{ID_MM_DEVICE_IGNORE}=\"1\""
    ;;
  usbmisc)
    if [ "$role" != printer ]; then
      echo "udev-rule.sh: $device ($kernel) is a USB printer, not a serial port" >&2
      exit 65
    fi
    match="SUBSYSTEM==\"usbmisc\", KERNEL==\"lp[0-9]*\""
    perms="GROUP=\"lp\", MODE=\"0660\""
    ;;
  *)
    echo "udev-rule.sh: $device is in subsystem '$subsystem'; expected a serial port (tty) or a USB printer (usbmisc)" >&2
    exit 65
    ;;
esac

if [ -n "$serial" ]; then
  echo "# $name: $device, USB $vendor:$product serial $serial"
  echo "$match, ATTRS{idVendor}==\"$vendor\", ATTRS{idProduct}==\"$product\", ATTRS{serial}==\"$serial\", SYMLINK+=\"$name\", $perms"
else
  echo "udev-rule.sh: $device has no USB serial number; the rule matches USB port $kernels — always plug it into the same port" >&2
  echo "# $name: $device, USB $vendor:$product at port $kernels (no serial number)"
  echo "$match, KERNELS==\"$kernels\", ATTRS{idVendor}==\"$vendor\", ATTRS{idProduct}==\"$product\", SYMLINK+=\"$name\", $perms"
fi
