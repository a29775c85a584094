import { describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import type { Screen } from "./index.js";
import { FakeCustomerDisplay, renderScreen } from "./index.js";

describe("FakeCustomerDisplay", () => {
  it("records screens and the frames the real display would draw", async () => {
    const frames: string[] = [];
    const display = new FakeCustomerDisplay({
      language: "da",
      currency: "DKK",
      onFrame: (frame) => frames.push(frame),
    });
    const screen: Screen = { kind: "waiting", amount: { currency: "DKK", value: 2_500 } };
    await display.show(screen);
    expect(display.current).toEqual(screen);
    expect(display.frames).toEqual([
      renderScreen(screen, { rows: 24, columns: 80, language: "da", brand: "auto", currency: "DKK" }),
    ]);
    expect(frames).toEqual(display.frames);
  });

  it("refuses bad screens like the real one and records nothing", async () => {
    const display = new FakeCustomerDisplay();
    const error: unknown = await display
      .show({ kind: "not_paid", reason: "NOPE" } as unknown as Screen)
      .catch((e: unknown) => e);
    expect(isAgentError(error, "DISPLAY_BAD_SCREEN")).toBe(true);
    expect(display.screens).toEqual([]);
  });

  it("refuses to draw after close", async () => {
    const display = new FakeCustomerDisplay();
    await display.close();
    const error: unknown = await display.show({ kind: "out_of_service" }).catch((e: unknown) => e);
    expect(isAgentError(error, "DISPLAY_CLOSED")).toBe(true);
    expect(display.isClosed).toBe(true);
  });
});
