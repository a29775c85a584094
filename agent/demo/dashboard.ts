import { renderScreen, type Screen } from "../../drivers/display/index.js";
import type { Currency } from "../../lib/money.js";
import type { ScreenPort } from "../runtime/ports.js";

/** Room the customer display gets: enough for a QR a phone can scan off a laptop screen. */
const DISPLAY_ROWS = 26;
const DISPLAY_COLUMNS = 64;
const STORY_LINES = 12;

/**
 * The demo's terminal: on a TTY, the customer display (drawn exactly as on the till's screen),
 * and under it what is happening and the last receipt, redrawn on every change. Without a TTY
 * (CI, a pipe) it prints the story as plain lines.
 */
export class Dashboard implements ScreenPort {
  private frame = "";
  private frameRows = 0;
  private readonly story: string[] = [];
  private receipt = "";

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly display: { language: "nb" | "da" | "fi" | "en"; currency: Currency },
  ) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  show(screen: Screen): Promise<void> {
    if (this.interactive) {
      const rows = Math.max(16, Math.min(DISPLAY_ROWS, (this.out.rows || 40) - STORY_LINES - 4));
      const columns = Math.max(32, Math.min(DISPLAY_COLUMNS, this.out.columns || 80));
      this.frameRows = rows;
      this.frame = renderScreen(screen, {
        rows,
        columns,
        language: this.display.language,
        brand: "auto",
        currency: this.display.currency,
      });
      this.redraw();
    }
    return Promise.resolve();
  }

  /** One line of the story: who did what. */
  say(who: string, what: string): void {
    const line = `${who.padEnd(9)} ${what}`;
    this.story.push(line);
    if (this.story.length > STORY_LINES) this.story.shift();
    if (this.interactive) this.redraw();
    else this.out.write(`${line}\n`);
  }

  printed(text: string): void {
    this.receipt = text;
    if (this.interactive) this.redraw();
    else this.out.write(`${text.replace(/^/gm, "          | ")}\n`);
  }

  private redraw(): void {
    // The frame is a full-screen drawing (it starts by clearing); the story and the receipt
    // follow below it, side by side when there is room.
    const receiptLines = this.receipt.split("\n");
    const lines = this.story.map((s, i) => `${s.padEnd(60).slice(0, 60)}  ${receiptLines[i] ?? ""}`);
    for (let i = this.story.length; i < receiptLines.length && i < STORY_LINES + 20; i++)
      lines.push(`${"".padEnd(60)}  ${receiptLines[i] ?? ""}`);
    // Below the frame (which hid the cursor and turned off wrapping): clear, write, restore.
    this.out.write(
      `${this.frame}\u001b[${this.frameRows + 2};1H\u001b[J${lines.join("\n")}\n\u001b[?7h\u001b[?25h`,
    );
  }
}
