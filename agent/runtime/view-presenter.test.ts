import { describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { silentLogger } from "../../lib/log.js";
import { basket, SETTINGS, T0, TillHarness } from "../checkout/testing/harness.js";
import type { Screen } from "../../drivers/display/index.js";
import { RecordingLights, RecordingScreen } from "./testing/fakes.js";
import { RESULT_SCREEN_MS } from "./view.js";
import { ViewPresenter } from "./view-presenter.js";
import type { Identification } from "../checkout/io.js";

const QR = "https://qr.vipps.no/28/2/01/031/4712345678";

function setup(
  options: {
    qrContent?: string;
    screen?: RecordingScreen;
    settings?: typeof SETTINGS;
    identification?: () => Identification;
  } = {},
) {
  const clock = new ManualClock(T0);
  const harness = new TillHarness(options.settings);
  const screen = options.screen ?? new RecordingScreen();
  const lights = new RecordingLights();
  let registerUp = true;
  const presenter = new ViewPresenter({
    screen,
    lights,
    clock,
    logger: silentLogger(),
    till: () => harness.till,
    registerUp: () => registerUp,
    ...(options.qrContent === undefined ? {} : { qrContent: options.qrContent }),
    ...(options.identification === undefined ? {} : { identification: options.identification }),
  });
  return { clock, harness, screen, lights, presenter, setRegisterUp: (up: boolean) => (registerUp = up) };
}

describe("ViewPresenter: the till's state on the display and the lights", () => {
  it("writes a screen only when it changed", () => {
    const { presenter, screen, lights } = setup({ qrContent: QR });
    presenter.present();
    presenter.present();
    expect(screen.screens).toEqual([{ kind: "idle", qrContent: QR }]);
    expect(lights.states).toEqual(["ready"]);
  });

  it("is out of service until the QR is known; setQrContent brings the idle screen", () => {
    const { presenter, screen } = setup();
    presenter.present();
    expect(screen.current).toEqual({ kind: "out_of_service" });
    presenter.setQrContent(QR);
    expect(screen.current).toEqual({ kind: "idle", qrContent: QR });
  });

  it("hides the till's QR while the till pays by per-sale QR (a scan of it would not reach the till)", () => {
    let identification: Identification = "per-sale";
    const { presenter, screen, harness } = setup({ qrContent: QR, identification: () => identification });
    presenter.present();
    expect(screen.current).toEqual({ kind: "idle" });
    // A sale paid while check-ins reached the till, still waiting for its scan when they stop.
    harness.send({ type: "basket", basket: basket("S1") });
    harness.send({ type: "pay", saleId: "S1", total: 4900 });
    presenter.present();
    expect(screen.current).toEqual({ kind: "amount", amount: { currency: "NOK", value: 4900 } });
    identification = "callback";
    presenter.present();
    expect(screen.current).toEqual({
      kind: "amount",
      amount: { currency: "NOK", value: 4900 },
      qrContent: QR,
    });
  });

  it("is out of service while the register is down", () => {
    const { presenter, screen, setRegisterUp } = setup({ qrContent: QR });
    setRegisterUp(false);
    presenter.present();
    expect(screen.current).toEqual({ kind: "out_of_service" });
  });

  it("shows a finished sale's result, then the idle screen by itself after RESULT_SCREEN_MS", () => {
    const { presenter, screen, harness, clock } = setup({ qrContent: QR });
    harness.captured("S1");
    presenter.saleFinished(harness.sale("S1"), clock.now());
    presenter.present();
    expect(screen.current).toMatchObject({ kind: "paid", amount: { value: 4900 } });
    clock.advance(RESULT_SCREEN_MS - 1);
    expect(screen.current).toMatchObject({ kind: "paid" });
    clock.advance(1);
    expect(screen.current).toEqual({ kind: "idle", qrContent: QR });
  });

  it("shows the active sale's member's first name; a finished sale's name is forgotten", () => {
    const lookup = { ...SETTINGS, loyalty: "lookup" as const };
    const { presenter, harness, screen, clock } = setup({ qrContent: QR, settings: lookup });
    const member = (saleId: string): void => {
      harness.send({ type: "basket", basket: basket(saleId) });
      harness.send({ type: "pay", saleId, total: 4900 });
      harness.send({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: harness.now } });
      harness.send({
        type: "loyalty_identified",
        saleId,
        result: { kind: "member", member: { id: "M-1", tier: "gold" } },
      });
    };
    presenter.rememberMemberName("S1", "Kari");
    member("S1");
    presenter.present();
    expect(screen.current).toEqual({ kind: "member", memberName: "Kari", tier: "gold" });
    presenter.saleFinished(harness.sale("S1"), clock.now());
    presenter.present();
    expect(screen.current).toEqual({ kind: "member", tier: "gold" });
  });

  it("reports a failing display write until one succeeds", async () => {
    let fail = true;
    const screen = new RecordingScreen();
    const flaky = Object.assign(screen, {
      show(s: Screen): Promise<void> {
        screen.screens.push(s);
        return fail ? Promise.reject(new Error("EIO")) : Promise.resolve();
      },
    });
    const { presenter } = setup({ screen: flaky });
    presenter.present(); // out of service
    await Promise.resolve();
    await Promise.resolve();
    expect(presenter.displayFailed).toBe(true);
    fail = false;
    presenter.setQrContent(QR);
    await Promise.resolve();
    await Promise.resolve();
    expect(presenter.displayFailed).toBe(false);
  });

  it("sets no timer once stopped", () => {
    const { presenter, harness, clock } = setup({ qrContent: QR });
    harness.captured("S1");
    presenter.saleFinished(harness.sale("S1"), clock.now());
    presenter.stop();
    presenter.present();
    expect(clock.pending).toBe(0);
  });
});
