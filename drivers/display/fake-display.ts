import type { Currency } from "../../lib/money.js";
import type { CustomerDisplay } from "./customer-display.js";
import { displayError } from "./errors.js";
import { renderScreen } from "./render-screen.js";
import type { BrandSetting, Language } from "../../lib/locale/index.js";
import type { Screen } from "./screen.js";

export interface FakeDisplayOptions {
  readonly language?: Language;
  readonly brand?: BrandSetting;
  readonly currency?: Currency;
  readonly rows?: number;
  readonly columns?: number;
  /** Called with every frame drawn (the demo prints them to its terminal). */
  readonly onFrame?: (frame: string, screen: Screen) => void;
}

/**
 * A display without a device: renders each screen exactly as the real one would (so invalid
 * screens are refused the same way) and records the screens and frames.
 */
export class FakeCustomerDisplay implements CustomerDisplay {
  readonly screens: Screen[] = [];
  readonly frames: string[] = [];
  private closed = false;
  private readonly options: Required<Omit<FakeDisplayOptions, "onFrame">> &
    Pick<FakeDisplayOptions, "onFrame">;

  constructor(options: FakeDisplayOptions = {}) {
    this.options = {
      language: options.language ?? "nb",
      brand: options.brand ?? "auto",
      currency: options.currency ?? "NOK",
      rows: options.rows ?? 24,
      columns: options.columns ?? 80,
      onFrame: options.onFrame,
    };
  }

  /** The screen shown last. */
  get current(): Screen | undefined {
    return this.screens.at(-1);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  show(screen: Screen): Promise<void> {
    // A throw inside the executor (closed, or a screen renderScreen refuses) rejects the promise.
    return new Promise((resolve) => {
      if (this.closed) throw displayError("DISPLAY_CLOSED", "the display is closed");
      const frame = renderScreen(screen, this.options);
      this.screens.push(screen);
      this.frames.push(frame);
      this.options.onFrame?.(frame, screen);
      resolve();
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
