import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSystem, type RunningSystem } from "../../demo/system.js";
import { createMqttLink, type AgentHealthReport, type MqttLink } from "../../agent/mqtt/index.js";
import { openDatabase, type Db } from "../../agent/store/database.js";
import { VippsClient, vippsClientOptions } from "../../agent/vipps/index.js";
import { AGENT_WEBHOOK_EVENTS } from "../../bridge/cli/webhooks.js";
import type { AlertPayload } from "../../fleet/alerts/payload.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { launchChromium, type TestBrowser } from "../helpers/browser.js";
import { REPO_ROOT } from "../helpers/cli.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { FLEET_PASSWORD, FLEET_TOKEN, FLEET_USER, usersFileLine } from "../helpers/fleet.js";
import { freePort, startMosquitto, type MosquittoBroker } from "../helpers/mosquitto.js";
import { linkConfig, linkSecrets } from "../helpers/mqtt-link-fixtures.js";
import { createPtyPair, type PtyPair } from "../helpers/pty-pair.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/scripted-http-server.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startAgentProcess, type AgentProcess } from "./agent-process.js";
import { startFleetProcess, type FleetProcess } from "./fleet-process.js";
import { newBasket } from "./harness.js";

/**
 * The fleet page in a real browser (Debian's chromium, headless, through playwright-core)
 * against real parts on loopback: mosquitto, the Vipps simulator, the bridge, a real
 * `pos-agent run` daemon with the reference register on a pty and a TCP receipt printer, three
 * more tills speaking the agent's own MQTT link, `pos-fleet serve` as a process, and a test
 * receiver for the alert webhook.
 *
 * FLEET_SCREENSHOTS=docs writes docs/fleet.png and docs/fleet-phone.png (how they were made);
 * otherwise the screenshots go to the test's temporary directory.
 */
const KEEPALIVE_SECONDS = 5;
const CUSTOMER = "4712345678";
const WAIT = { timeout: 30_000, interval: 250 };
/** Evaluated in the page: the document's width against the window's (wider = sideways scrolling). */
const WIDTHS = "({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })";
type Width = { scroll: number; view: number };

describe("the fleet page in a real browser", () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: MosquittoBroker;
  let cable: PtyPair;
  let printer: TcpTestPrinter;
  let system: RunningSystem;
  let register: ReferenceRegister;
  let agent: AgentProcess | undefined;
  let receiver: ScriptedServer;
  let fleet: FleetProcess;
  let browser: TestBrowser;
  let page: Page;
  const links: { link: MqttLink; db: Db }[] = [];
  /** Every page and API answer seen, to look for tokens and phone numbers at the end. */
  const seen: string[] = [];
  const customerTokens: string[] = [];
  let helloExchanges = 0;

  const alerts = (): AlertPayload[] =>
    receiver.requestsTo("POST", "/alerts").map((r) => JSON.parse(r.text) as AlertPayload);

  /** Loads `path` until the predicate holds for its HTML (the page has no script: a reload is how it updates). */
  async function until(path: string, check: (html: string) => void, wait = WAIT): Promise<string> {
    let html = "";
    await vi.waitFor(async () => {
      await page.goto(`${fleet.url}${path}`);
      html = await page.content();
      seen.push(html);
      check(html);
    }, wait);
    return html;
  }
  const rowOf = (html: string, till: string): string =>
    new RegExp(`<tr id="till-${till}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? "";

  async function startDaemon(): Promise<void> {
    const before = helloExchanges;
    agent = startAgentProcess(system.configFile, join(dir.path, "agent.log"));
    await vi.waitFor(() => expect(helloExchanges).toBeGreaterThan(before), { timeout: 30_000 });
  }

  function syntheticTill(tillId: string, report: AgentHealthReport): MqttLink {
    const db = openDatabase(join(dir.path, `${tillId}.db`));
    const link = createMqttLink({
      config: linkConfig({
        mqttUrl: broker.url,
        tillId,
        msn: system.salesUnit.msn,
        healthIntervalSeconds: 5,
      }),
      secrets: linkSecrets(),
      db,
      health: () => report,
    });
    links.push({ link, db });
    link.start();
    return link;
  }

  beforeAll(async () => {
    dir = tempDir("pos-fleet-e2e-");
    broker = await startMosquitto();
    cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
    printer = await startTcpTestPrinter("online");
    system = await startSystem({
      directory: dir.path,
      brokerUrl: broker.url,
      mqttProtocol: 5,
      registerPath: cable.a,
      config: {
        register: { heartbeatIntervalMs: 1_000, reopenMinMs: 100, reopenMaxMs: 1_000 },
        printer: { uri: `tcp://127.0.0.1:${printer.port}`, statusTimeoutMs: 2_000, retryIntervalMs: 1_000 },
        mqtt: { keepaliveSeconds: KEEPALIVE_SECONDS, healthIntervalSeconds: 5 },
      },
    });
    register = createReferenceRegister({
      path: cable.b,
      heartbeatIntervalMs: 1_000,
      reopenMinMs: 100,
      reopenMaxMs: 1_000,
    });
    register.link.onStateChange((state) => {
      if (state === "up") helloExchanges++;
    });
    register.start();
    await startDaemon();

    receiver = await startScriptedServer();
    receiver.on("POST", "/alerts", { status: 200 });
    const usersFile = join(dir.path, "fleet-users");
    writeFileSync(usersFile, `${await usersFileLine()}\n`, { mode: 0o600 });
    const unit = system.salesUnit;
    fleet = await startFleetProcess(
      {
        FLEET_MSN: unit.msn,
        FLEET_DATABASE: join(dir.path, "fleet", "fleet.db"),
        MQTT_URL: broker.url,
        MQTT_CLIENT_ID: "pos-fleet-e2e",
        FLEET_USERS_FILE: usersFile,
        FLEET_API_TOKENS: FLEET_TOKEN,
        FLEET_ALERT_WEBHOOK_URL: `${receiver.url}/alerts`,
        FLEET_ALERT_OFFLINE_SECONDS: "1",
        FLEET_ALERT_DEGRADED_SECONDS: "1",
        FLEET_REFRESH_SECONDS: "0",
        VIPPS_BASE_URL: system.sim.url,
        VIPPS_CLIENT_ID: unit.clientId,
        VIPPS_CLIENT_SECRET: unit.clientSecret,
        VIPPS_SUBSCRIPTION_KEY: unit.subscriptionKey,
        BRIDGE_PUBLIC_URL: system.loaded.config.vipps.webhookUrl,
        FLEET_WEBHOOK_CHECK_SECONDS: "1",
        TZ: "Europe/Oslo",
        LOG_LEVEL: "info",
      },
      await freePort(),
      join(dir.path, "fleet.log"),
    );
    browser = await launchChromium();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    for (const { link, db } of links) {
      await link.stop();
      db.close();
    }
    await agent?.stop();
    await register?.stop();
    await system?.stop();
    await receiver?.close();
    await printer?.close();
    await cable?.close();
    await broker?.cleanup();
    dir?.cleanup();
  }, 60_000);

  it("refuses a visitor without credentials: the login form, and 401 from the API", async () => {
    const response = await page.goto(`${fleet.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(response?.status()).toBe(200);
    expect(await page.locator("form.login").isVisible()).toBe(true);
    expect(await page.content()).not.toContain("kasse1");
    const api = await page.request.get(`${fleet.url}/api/tills`);
    expect(api.status()).toBe(401);
    expect(await api.json()).toMatchObject({ error: "FLEET_UNAUTHORIZED" });
    await page.goto(`${fleet.url}/tills/kasse1`);
    expect(new URL(page.url()).pathname).toBe("/login");

    await page.fill('input[name="user"]', FLEET_USER);
    await page.fill('input[name="password"]', "not the password");
    await page.click('button[type="submit"]');
    expect(await page.locator("p.error").textContent()).toBe("Wrong user or password.");
  });

  it("logs in and shows the real till online, beside the others", { timeout: 60_000 }, async () => {
    syntheticTill("kasse2", {
      links: { register: "up", printer: "online", vipps: "ok" },
      degraded: [],
      currentSale: {
        saleId: "S-88",
        saleNo: 88,
        state: "payment_requested",
        amount: { currency: "NOK", value: 24_900 },
        reference: "kasse2-mx81k2ab-1",
        updatedAt: new Date().toISOString(),
      },
    }).publishSaleEvent({
      eventId: "kasse2-mx7z0001-1-failed",
      type: "sale.failed",
      saleId: "S-87",
      reference: "kasse2-mx7z0001-1",
      amount: { currency: "NOK", value: 8_900 },
      occurredAt: new Date().toISOString(),
      reason: "EXPIRED",
    });
    syntheticTill("kasse3", {
      links: { register: "up", printer: "paper_out", vipps: "ok" },
      degraded: ["printer paper out"],
    });
    const kasse4 = syntheticTill("kasse4", { links: { register: "up" }, degraded: [] });
    await vi.waitFor(() => expect(kasse4.state).toBe("connected"), WAIT);
    await kasse4.stop(); // announces offline

    await page.goto(`${fleet.url}/`);
    await page.fill('input[name="user"]', FLEET_USER);
    await page.fill('input[name="password"]', FLEET_PASSWORD);
    await Promise.all([page.waitForURL(`${fleet.url}/`), page.click('button[type="submit"]')]);
    const cookies = await browser.context.cookies();
    expect(cookies.find((c) => c.name === "pos_fleet_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });

    const html = await until("/", (h) => {
      expect(rowOf(h, "kasse1")).toContain('<span class="badge online">online</span>');
      // The retained `online` can arrive before the real till's first health message.
      expect(rowOf(h, "kasse1")).toContain("0.1.0");
      expect(rowOf(h, "kasse2")).toContain("NOK 249.00");
      expect(rowOf(h, "kasse3")).toContain('<span class="badge degraded">degraded</span>');
      expect(rowOf(h, "kasse4")).toContain('<span class="badge offline">offline</span>');
    });
    expect(rowOf(html, "kasse1")).toContain("register: up");
    expect(rowOf(html, "kasse1")).toContain("printer: online");
    expect(rowOf(html, "kasse2")).toContain("EXPIRED");
  });

  it("shows the sale in progress, then the captured sale with its amount", async () => {
    system.sim.control.setCustomer(CUSTOMER, { payment: { action: "approve", afterMs: 6_000 } });
    const basket = newBasket();
    expect(await register.sell(basket)).toEqual({ acked: true });
    expect(await register.pay(basket.saleId)).toEqual({ acked: true });
    customerTokens.push(
      system.sim.control.scan({ msisdn: CUSTOMER, qrContent: system.qrContent }).customerToken,
    );
    // While the customer looks at the app: the health message that followed the change.
    await until("/", (h) => {
      const row = rowOf(h, "kasse1");
      expect(row).toContain("NOK 61.50");
      expect(row).toContain("payment requested");
      expect(row).toContain(basket.saleId);
    });
    const final = await register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: 6150 });
    const tillPage = await until("/tills/kasse1", (h) => {
      const row =
        new RegExp(
          `<tr data-event="[^"]*">(?:(?!</tr>)[\\s\\S])*${final.reference ?? "?"}[\\s\\S]*?</tr>`,
        ).exec(h)?.[0] ?? "";
      expect(row).toContain("captured");
      expect(row).toContain("NOK 61.50");
      expect(row).toContain(basket.saleId);
    });
    expect(tillPage).toMatch(/Captured today<\/dt><dd>NOK 61\.50<br><span class="muted">1 sale<\/span>/);
    await until("/", (h) => expect(rowOf(h, "kasse1")).toMatch(/NOK 61\.50<br><span class="muted">1 sale</));
  });

  it("shows the till degraded while its printer is out of paper, and alerts once, then resolves", async () => {
    printer.state = "paper_out";
    system.sim.control.setCustomer(CUSTOMER, { payment: { action: "approve", afterMs: 500 } });
    const basket = newBasket(12_300);
    await register.sell(basket);
    await register.pay(basket.saleId);
    customerTokens.push(
      system.sim.control.scan({ msisdn: CUSTOMER, qrContent: system.qrContent }).customerToken,
    );
    expect(await register.waitForSale(basket.saleId, undefined, 30_000)).toMatchObject({ state: "captured" });
    await until("/", (h) => {
      const row = rowOf(h, "kasse1");
      expect(row).toContain('<span class="badge degraded">degraded</span>');
      expect(row).toContain("printer paper out");
      expect(row).toContain("printer: paper_out");
    });
    await vi.waitFor(
      () =>
        expect(
          alerts()
            .filter((a) => a.tillId === "kasse1")
            .map((a) => [a.alert, a.state]),
        ).toEqual([["till_degraded", "firing"]]),
      WAIT,
    );
    printer.state = "online";
    await until("/", (h) => expect(rowOf(h, "kasse1")).toContain('<span class="badge online">online</span>'));
    await vi.waitFor(
      () =>
        expect(
          alerts()
            .filter((a) => a.tillId === "kasse1")
            .map((a) => [a.alert, a.state]),
        ).toEqual([
          ["till_degraded", "firing"],
          ["till_degraded", "resolved"],
        ]),
      WAIT,
    );
    await until("/", (h) =>
      expect(rowOf(h, "kasse1")).toMatch(/NOK 184\.50<br><span class="muted">2 sales</),
    );
  });

  it("is usable on a phone (no sideways scrolling) and leaves screenshots of both", async () => {
    const target =
      process.env.FLEET_SCREENSHOTS === "docs" ? join(REPO_ROOT, "docs") : join(dir.path, "screenshots");
    mkdirSync(target, { recursive: true });
    await until("/", (h) => expect(h).toContain("Open alerts"));
    await page.screenshot({ path: join(target, "fleet.png"), fullPage: true });
    const phone = await browser.context.newPage();
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${fleet.url}/`);
      const widths = await phone.evaluate<Width>(WIDTHS);
      expect(widths.scroll).toBeLessThanOrEqual(widths.view);
      // Each till is a card whose cells say what they are.
      expect(await phone.locator("#till-kasse1 td[data-label='Status']").isVisible()).toBe(true);
      expect(await phone.locator("table.tills thead").isVisible()).toBe(false);
      await phone.screenshot({ path: join(target, "fleet-phone.png"), fullPage: true });
      await phone.goto(`${fleet.url}/tills/kasse1`);
      const till = await phone.evaluate<Width>(WIDTHS);
      expect(till.scroll).toBeLessThanOrEqual(till.view);
    } finally {
      await phone.close();
    }
  });

  it(`shows the till offline within its keepalive window (${KEEPALIVE_SECONDS} s) after kill -9, alerts, and resolves when it is back`, async () => {
    const killedAt = performance.now();
    await agent?.crash();
    agent = undefined;
    await until(
      "/",
      (h) => expect(rowOf(h, "kasse1")).toContain('<span class="badge offline">offline</span>'),
      { timeout: KEEPALIVE_SECONDS * 1.5 * 1000, interval: 100 },
    );
    const seenOfflineMs = performance.now() - killedAt;
    expect(seenOfflineMs).toBeLessThan(KEEPALIVE_SECONDS * 1.5 * 1000);
    await vi.waitFor(
      () => expect(alerts().some((a) => a.alert === "till_offline" && a.tillId === "kasse1")).toBe(true),
      WAIT,
    );
    const offline = alerts().find((a) => a.alert === "till_offline" && a.tillId === "kasse1");
    expect(offline).toMatchObject({ state: "firing", msn: system.salesUnit.msn });
    expect(offline?.text).toMatch(/^ALERT: Till kasse1 is offline/);

    await startDaemon();
    await until("/", (h) => expect(rowOf(h, "kasse1")).toContain('<span class="badge online">online</span>'));
    await vi.waitFor(
      () =>
        expect(
          alerts()
            .filter((a) => a.alert === "till_offline" && a.tillId === "kasse1")
            .map((a) => a.state),
        ).toEqual(["firing", "resolved"]),
      WAIT,
    );
    console.info(`fleet e2e: kasse1 shown offline ${Math.round(seenOfflineMs)} ms after kill -9`);
  });

  it("alerts when Vipps no longer holds the check-in webhook registration, and resolves when it is back", async () => {
    const vipps = new VippsClient(vippsClientOptions(system.loaded, {}));
    for (const registration of await vipps.webhooks.list()) await vipps.webhooks.delete(registration.id);
    await vi.waitFor(
      () =>
        expect(
          alerts()
            .filter((a) => a.alert === "checkin_webhook_missing")
            .map((a) => a.state),
        ).toEqual(["firing"]),
      WAIT,
    );
    await until("/alerts", (h) => expect(h).toContain('<strong class="error">missing</strong>'));
    await vipps.webhooks.register({
      url: system.loaded.config.vipps.webhookUrl,
      events: AGENT_WEBHOOK_EVENTS,
    });
    await vi.waitFor(
      () =>
        expect(
          alerts()
            .filter((a) => a.alert === "checkin_webhook_missing")
            .map((a) => a.state),
        ).toEqual(["firing", "resolved"]),
      WAIT,
    );
    await until("/alerts", (h) => expect(h).toContain("registered — last looked at"));
  });

  it("never shows a customer token or phone number, on a page or in the API", async () => {
    const api = await page.request.get(`${fleet.url}/api/tills/kasse1`, {
      headers: { authorization: `Bearer ${FLEET_TOKEN}` },
    });
    seen.push(await api.text(), await (await page.request.get(`${fleet.url}/api/tills`)).text());
    seen.push(JSON.stringify(alerts()));
    expect(customerTokens.length).toBe(2);
    for (const text of seen) {
      for (const secret of [...customerTokens, CUSTOMER]) expect(text.includes(secret)).toBe(false);
    }
  });
});
