import { z } from "zod";
import { BRAND_SETTINGS, LANGUAGES } from "../lib/locale/index.js";
import { TILL_ID_PATTERN } from "../lib/mqtt-contract/topics.js";

/**
 * The one configuration schema. The `Config` type is derived from it, the loader validates
 * against it, and `pos-agent.example.yaml` documents every key it has. Unknown keys are
 * refused everywhere so a misspelt key is an error, not a silently ignored setting.
 *
 * Secrets are not in here: they are files (see `secrets.ts`).
 */

const int = (min: number, max: number) =>
  z
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

const bcmPin = int(0, 27).optional();

const vipps = z.strictObject({
  /** `test` = apitest.vipps.no, `production` = api.vipps.no; `baseUrl` overrides both. */
  environment: z.enum(["test", "production"], { error: "expected test or production" }).default("test"),
  baseUrl: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
  clientId: z.string().min(1, { error: "expected the sales unit's client_id" }),
  msn: z.string().regex(/^\d{4,7}$/, { error: "expected 4–7 digits" }),
  /** The sales unit's market: NOK (Vipps, Norway), DKK (MobilePay, Denmark), EUR (MobilePay, Finland). */
  currency: z.enum(["NOK", "DKK", "EUR"], { error: "expected NOK, DKK or EUR" }),
  /** The webhook URL registered at Vipps (the bridge's public URL): part of every signature. */
  webhookUrl: z.url({ protocol: /^https?$/, error: "expected the registered webhook URL" }),
  systemName: z.string().min(1).max(30, { error: "at most 30 characters" }).default("vipps-pos-agent"),
  systemVersion: z.string().min(1).max(30, { error: "at most 30 characters" }).default("0.1.0"),
  pluginName: z.string().min(1).max(30, { error: "at most 30 characters" }).optional(),
  pluginVersion: z.string().min(1).max(30, { error: "at most 30 characters" }).optional(),
  requestTimeoutMs: int(1000, 60_000).default(10_000),
  maxRetries: int(0, 10).default(4),
});

const till = z.strictObject({
  /** Also the `merchantQrId` of this till's callback QR and the prefix of every payment reference. */
  id: z.string().regex(TILL_ID_PATTERN, { error: "expected 2–20 letters or digits (A–Z, a–z, 0–9)" }),
  /** Shown in the app after the scan (QR API `locationDescription`). */
  locationDescription: z.string().min(1).max(36, { error: "at most 36 characters" }),
});

const brokerUrl = z.url({
  protocol: /^(mqtts?|wss?)$/,
  error: "expected an mqtt://, mqtts://, ws:// or wss:// URL",
});

const mqtt = z
  .strictObject({
    /** The broker. */
    url: brokerUrl.optional(),
    /** Instead of `url`: the nodes of one broker cluster, tried in this order (agent/mqtt/connection.ts). */
    urls: z
      .array(brokerUrl)
      .min(1, { error: "expected at least one URL" })
      .max(16, { error: "at most 16 URLs" })
      .optional(),
    protocolVersion: z
      .union([z.literal(4), z.literal(5)], { error: "expected 4 (MQTT 3.1.1) or 5" })
      .default(5),
    username: z.string().min(1).optional(),
    /** Fixed per till so the broker keeps its persistent session; default the username, else `pos-agent-<msn>-<till>`. */
    clientId: z.string().min(1).max(128).optional(),
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, {
        error: "expected topic levels of letters, digits, _ or -",
      })
      .default("vipps-pos"),
    keepaliveSeconds: int(5, 600).default(30),
    /** MQTT 5 session expiry; Vipps retries webhooks for 7 days, so the default keeps a session that long. */
    sessionExpirySeconds: int(60, 4_294_967_294).default(604_800),
    reconnectMinMs: int(100, 60_000).default(1_000),
    reconnectMaxMs: int(1_000, 600_000).default(60_000),
    healthIntervalSeconds: int(5, 3_600).default(60),
    tls: z
      .strictObject({
        caFile: z.string().min(1).optional(),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .prefault({}),
  })
  .refine((m) => (m.url === undefined) !== (m.urls === undefined), {
    error: "set url (one broker) or urls (the nodes of a cluster), exactly one of them",
    path: ["url"],
  });

const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] as const;
const baudRate = z.int().refine((v) => (BAUD_RATES as readonly number[]).includes(v), {
  error: `expected one of ${BAUD_RATES.join(", ")}`,
});

const register = z.strictObject({
  /** A stable path: a udev symlink or /dev/serial/by-id/…, never ttyUSBn (they swap on reboot). */
  path: z.string().min(1).default("/dev/pos-register"),
  baudRate: baudRate.default(115200),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(["none", "even", "odd"]).default("none"),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  rtscts: z.boolean().default(false),
  ackTimeoutMs: int(100, 10_000).default(1_000),
  maxRetransmits: int(1, 10).default(3),
  /** A `ping` after this much silence reveals a vanished device (serialport may never emit `close`). */
  heartbeatIntervalMs: int(1_000, 60_000).default(5_000),
  reopenMinMs: int(100, 10_000).default(500),
  reopenMaxMs: int(1_000, 300_000).default(30_000),
});

const printer = z.strictObject({
  /** `usb:/dev/usb/lp0`, `serial:/dev/pos-printer?baud=19200`, `tcp://10.0.0.5:9100`, or `none`. */
  uri: z
    .string()
    .regex(/^(none|usb:\/.+|serial:\/.+|tcp:\/\/[^/:]+(:\d{1,5})?\/?)$/, {
      error: "expected usb:/dev/…, serial:/dev/…[?baud=N], tcp://host[:port] or none",
    })
    .default("none"),
  /** A printer model id of @point-of-sale/receipt-printer-encoder (chooses code pages and commands). */
  model: z.string().min(1).default("epson-tm-t88vi"),
  columns: int(24, 64).default(42),
  statusTimeoutMs: int(100, 10_000).default(1_000),
  retryIntervalMs: int(1_000, 600_000).default(15_000),
  header: z.array(z.string().max(64)).max(10).default([]),
  footer: z.array(z.string().max(64)).max(10).default([]),
  /** Print a status ticket (version, IP, till, links, QR) when the agent starts. */
  statusTicketAtBoot: z.boolean().default(false),
});

const display = z.strictObject({
  /** A TTY (`/dev/tty1`), any writable file, or `none`. */
  path: z.string().min(1).default("none"),
  language: z.enum(LANGUAGES, { error: "expected nb, da, fi or en" }).default("nb"),
  /** Override the size read from the TTY (characters). */
  rows: int(10, 500).optional(),
  columns: int(20, 1000).optional(),
  /** `auto`: Vipps for NOK sales units, MobilePay for DKK and EUR. */
  brand: z.enum(BRAND_SETTINGS).default("auto"),
});

const gpio = z.strictObject({
  enabled: z.boolean().default(false),
  /** BCM (Broadcom) numbers as printed on pinout diagrams; resolved to sysfs numbers at start. */
  pins: z
    .strictObject({ ready: bcmPin, busy: bcmPin, error: bcmPin, buzzer: bcmPin, button: bcmPin })
    .prefault({}),
  buttonAction: z.enum(["reprint", "cancel"]).default("reprint"),
  debounceMs: int(5, 1_000).default(50),
});

const storage = z.strictObject({
  /** Journal directory; systemd's StateDirectory (/var/lib/pos-agent) in production. */
  directory: z.string().min(1).default("/var/lib/pos-agent"),
  /** Finished sales older than this are pruned from the journal. */
  retentionDays: int(7, 3_650).default(400),
});

const loyalty = z
  .strictObject({
    mode: z.enum(["off", "lookup", "enroll"], { error: "expected off, lookup or enroll" }).default("off"),
    backend: z.enum(["builtin", "http"]).default("builtin"),
    httpUrl: z.url({ protocol: /^https?$/ }).optional(),
    httpTimeoutMs: int(100, 10_000).default(2_000),
    /** Login scopes asked for at enrollment; `openid` is always included. */
    scopes: z
      .array(z.enum(["openid", "name", "phoneNumber", "email", "address", "birthDate", "delegatedConsents"]))
      .min(1)
      .default(["openid", "name", "phoneNumber"]),
    /** How long the register may take to send a member-priced basket after `customer_identified`. */
    memberBasketWindowMs: int(0, 120_000).default(15_000),
    /** How long the customer has to approve the Login request in the app (CIBA requested_expiry). */
    loginExpirySeconds: int(60, 600).default(120),
    /** Members not seen for this long are deleted from the built-in store. */
    retentionDays: int(1, 3_650).default(730),
  })
  .refine((l) => l.backend !== "http" || l.httpUrl !== undefined, {
    error: "httpUrl is required when backend is http",
    path: ["httpUrl"],
  });

const checkout = z
  .strictObject({
    /** Wait this long for the authorization webhook before polling the payment. */
    webhookGraceMs: int(0, 60_000).default(5_000),
    pollIntervalMs: int(1_000, 30_000).default(2_000),
    /** Check-ins older than this are dropped (the customer token lives 15 minutes). */
    checkinMaxAgeSeconds: int(60, 900).default(900),
    /** When a cashier cancel loses the race to the customer's approval (6060): keep or release the money. */
    cancelRace: z.enum(["capture", "release"]).default("release"),
    /**
     * How a customer is found for a `pay` that names none: the till's own QR and the check-in
     * webhook (callback), a QR made for each payment (per-sale), or callback while check-ins can
     * reach the till and per-sale otherwise (auto).
     */
    identification: z.enum(["callback", "per-sale", "auto"]).default("auto"),
    /** Shown in the app; `{location}` and `{saleId}` are replaced. 3–100 characters after replacement. */
    paymentDescription: z.string().min(3).max(100).default("{location} {saleId}"),
    /** Waiting for a scan this long, the display and the register ask for it again (notice NO_SCAN). */
    scanReminderSeconds: int(10, 600).default(60),
    /** Waiting for a scan this long, the sale ends `failed` NO_SCAN. */
    scanTimeoutSeconds: int(30, 3_600).default(300),
    /** Open (never paid) baskets kept; beyond it the oldest is dropped, the register told. */
    maxOpenBaskets: int(1, 10_000).default(100),
    /** An open basket the register has not touched for this long is dropped, the register told. */
    openBasketMaxAgeHours: int(1, 8_760).default(24),
    /**
     * A held sale (docs/register-protocol.md §7.13): the register and the technician are warned
     * this long before the till acts on its deadline.
     */
    holdWarnHours: int(1, 240).default(48),
    /**
     * What the till does with a hold nobody captured or released by its deadline: release (the
     * default: never take money the register did not confirm) or capture the held basket.
     */
    holdDeadlineAction: z.enum(["capture", "release"]).default("release"),
  })
  .refine((c) => c.scanReminderSeconds < c.scanTimeoutSeconds, {
    error: "must be less than scanTimeoutSeconds",
    path: ["scanReminderSeconds"],
  });

export const configSchema = z.strictObject({
  vipps,
  till,
  mqtt,
  register: register.prefault({}),
  printer: printer.prefault({}),
  display: display.prefault({}),
  gpio: gpio.prefault({}),
  storage: storage.prefault({}),
  loyalty: loyalty.prefault({}),
  checkout: checkout.prefault({}),
  log: z
    .strictObject({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info") })
    .prefault({}),
  control: z
    .strictObject({
      /** status, reprint, refreshQr, print: the service's group (docs/operations.md, "The control sockets"). */
      socketPath: z.string().min(1).default("/run/pos-agent/control.sock"),
      /** refund (money-moving requests); default refund.sock beside socketPath. */
      refundSocketPath: z.string().min(1).optional(),
      /** The group that may use the refund socket. */
      refundGroup: z
        .string()
        .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: "expected a group name (a-z, 0-9, _ and -)" })
        .default("pos-agent-refund"),
    })
    .prefault({}),
  /** Directory of secret files; relative to the config file. `$CREDENTIALS_DIRECTORY` wins when set. */
  secrets: z.strictObject({ directory: z.string().min(1).default("secrets") }).prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
