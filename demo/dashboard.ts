import {
  MIN_COLUMNS,
  MIN_ROWS,
  qrFits,
  renderScreen,
  type RenderOptions,
  type Screen,
} from "../drivers/display/index.js";
import type { Language } from "../lib/locale/index.js";
import type { Currency } from "../lib/money.js";
import { terminalSafe } from "../lib/terminal-text.js";
import type { ScreenPort } from "../agent/runtime/ports.js";

/** The customer display's size when the terminal has room to spare. */
const DISPLAY_ROWS = 26;
const DISPLAY_COLUMNS = 64;
/** Story lines kept, and shown under the display when there is room for all of them. */
const STORY_LINES = 12;
/** The printed receipt is 42 columns; beside the story only when at least this much of it fits. */
const RECEIPT_MIN_COLUMNS = 32;
const STORY_COLUMNS = { min: 36, max: 60 };

/**
 * The demo's terminal: on a TTY, the customer display (drawn exactly as on the till's screen),
 * and under it what is happening and the last receipt, redrawn on every change. Everything fits
 * the terminal (nothing scrolls the display away): while the customer is expected to scan, the
 * display gets the rows its QR needs — 20 of an 80×24 terminal for a 38-byte `qrContent` — and
 * the story is cut to the rows that are left. Without a TTY (CI, a pipe) it prints the story as
 * plain lines.
 */
export class Dashboard implements ScreenPort {
  private frame = "";
  private frameRows = 0;
  /** The display shows the till's QR: the story then gets the full width, the last receipt waits. */
  private expecting = false;
  private readonly story: string[] = [];
  private receipt: string[] = [];

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly display: { language: Language; currency: Currency },
  ) {}

  get interactive(): boolean {
    return this.out.isTTY === true && this.size().rows >= MIN_ROWS && this.size().columns >= MIN_COLUMNS;
  }

  show(screen: Screen): Promise<void> {
    if (this.interactive) {
      const options = this.displaySize(screen);
      this.frameRows = options.rows;
      this.expecting = "qrContent" in screen;
      this.frame = renderScreen(screen, options);
      this.redraw();
    }
    return Promise.resolve();
  }

  /** One line of the story: who did what. */
  say(who: string, what: string): void {
    // One line of printable text whatever it quotes (a member's tier, a refusal's reason): a
    // newline or an escape sequence on the last row would scroll the display's QR away.
    const line = terminalSafe(`${who.padEnd(9)} ${what}`);
    this.story.push(line);
    if (this.story.length > STORY_LINES) this.story.shift();
    if (this.interactive) this.redraw();
    else this.out.write(`${line}\n`);
  }

  printed(text: string): void {
    this.receipt = text.split("\n").map(terminalSafe);
    if (this.interactive) this.redraw();
    else this.out.write(`${text.replace(/^/gm, "          | ")}\n`);
  }

  private size(): { rows: number; columns: number } {
    return { rows: this.out.rows || 24, columns: this.out.columns || 80 };
  }

  /**
   * As large as leaves the whole story room, up to DISPLAY_ROWS; when a QR must be shown and does
   * not fit that, the fewest rows in which it does (the story gives way) — at the display's width,
   * else at the terminal's — else the whole terminal.
   */
  private displaySize(screen: Screen): RenderOptions {
    const { rows, columns } = this.size();
    const options = {
      language: this.display.language,
      brand: "auto" as const,
      currency: this.display.currency,
      columns: Math.min(columns, DISPLAY_COLUMNS),
    };
    const roomy = Math.max(MIN_ROWS, Math.min(DISPLAY_ROWS, rows - 1 - STORY_LINES));
    if (!("qrContent" in screen) || qrFits(screen, { ...options, rows: roomy }))
      return { ...options, rows: roomy };
    // A longer QR (a per-sale payment's URL) may need the terminal's whole width beside its text.
    for (const width of new Set([options.columns, columns]))
      for (let r = roomy + 1; r <= rows; r++)
        if (qrFits(screen, { ...options, columns: width, rows: r }))
          return { ...options, columns: width, rows: r };
    return { ...options, rows };
  }

  private redraw(): void {
    const { rows, columns } = this.size();
    // Under the frame (a full-screen drawing that starts by clearing), one blank row, then the
    // story and the receipt side by side — each line placed with a cursor move, never a
    // newline, so a full terminal cannot scroll the display up.
    const free = Math.max(0, rows - this.frameRows - 1);
    const storyWidth = Math.max(STORY_COLUMNS.min, Math.min(STORY_COLUMNS.max, columns - 44));
    const withReceipt = !this.expecting && columns - storyWidth - 2 >= RECEIPT_MIN_COLUMNS;
    const story = this.story.slice(Math.max(0, this.story.length - free));
    const lines: string[] = [];
    for (let i = 0; i < free; i++) {
      const told = story[i] ?? "";
      const receipt = withReceipt ? (this.receipt[i] ?? "") : "";
      lines.push(receipt === "" ? told : `${told.padEnd(storyWidth).slice(0, storyWidth)}  ${receipt}`);
    }
    const below = lines
      .map((line, i) => `\u001b[${this.frameRows + 2 + i};1H\u001b[2K${[...line].slice(0, columns).join("")}`)
      .join("");
    // The frame hid the cursor and turned off autowrap: restore both afterwards.
    this.out.write(`${this.frame}${below}\u001b[?7h\u001b[?25h`);
  }
}
