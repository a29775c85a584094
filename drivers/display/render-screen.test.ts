import qrcodeTerminal from "qrcode-terminal";
import { describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import type { Currency } from "../../lib/money.js";
import {
  bitmapRows,
  containsBlock,
  decodeQrPixels,
  rasterise,
  replayFrame,
  screenText,
  type TerminalScreen,
} from "../../test/helpers/terminal-screen.js";
import { formatAmount, formatMinorUnits, type Language } from "../../lib/locale/index.js";
import type { RenderOptions, Screen } from "./index.js";
import {
  DISPLAY_TEXTS,
  LARGE_FONT,
  NOT_PAID_REASONS,
  SMALL_FONT,
  bigTextBitmap,
  QR_QUIET_ZONE,
  qrFits,
  qrMatrix,
  renderScreen,
} from "./index.js";

const QR = "https://qr.vipps.no/28/2/01/031/4712345678?v=1";
const LANGUAGES: Language[] = ["nb", "da", "fi", "en"];
const CURRENCY_OF: Record<Language, Currency> = { nb: "NOK", da: "DKK", fi: "EUR", en: "NOK" };
const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 240, rows: 67 },
] as const;

function draw(
  screen: Screen,
  options: Partial<RenderOptions> & { columns: number; rows: number },
): TerminalScreen {
  const full: RenderOptions = { language: "nb", brand: "auto", currency: "NOK", ...options };
  return replayFrame(renderScreen(screen, full), full.rows, full.columns);
}

function scan(screen: TerminalScreen) {
  return decodeQrPixels(rasterise(screen));
}

/**
 * How many whole modules of light surround the decoded symbol on every side, measured on the
 * rasterised pixels from jsQR's corner points (each ring must be light all the way round).
 */
function quietZoneModules(screen: TerminalScreen): number {
  const image = rasterise(screen);
  const result = decodeQrPixels(image);
  if (result === null) return -1;
  const { topLeftCorner: tl, topRightCorner: tr, bottomLeftCorner: bl } = result.location;
  const module = (tr.x - tl.x) / (17 + 4 * result.version);
  const light = (x: number, y: number): boolean => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= image.width || yi >= image.height) return false;
    const o = (yi * image.width + xi) * 4;
    return (image.data[o] ?? 0) + (image.data[o + 1] ?? 0) + (image.data[o + 2] ?? 0) > 3 * 128;
  };
  let rings = 0;
  for (; rings < 12; rings++) {
    const inner = rings * module + 1;
    const outer = (rings + 1) * module - 1;
    let ok = true;
    for (let d = inner; d <= outer && ok; d += 1) {
      for (let x = tl.x - d; x <= tr.x + d && ok; x += 1) ok = light(x, tl.y - d) && light(x, bl.y + d);
      for (let y = tl.y - d; y <= bl.y + d && ok; y += 1) ok = light(tl.x - d, y) && light(tr.x + d, y);
    }
    if (!ok) break;
  }
  return rings;
}

/** All visible text with block glyphs removed and whitespace collapsed, so wrapped sentences read whole. */
function flat(screen: TerminalScreen): string {
  return screenText(screen)
    .map((row) => row.replace(/[\u2580\u2584\u2588]/g, " "))
    .join(" ")
    .replace(/\s+/g, " ");
}

/** True when `text` is on screen in large characters (either font, any scale). */
function showsLarge(screen: TerminalScreen, text: string): boolean {
  const rows = screenText(screen);
  for (const font of [LARGE_FONT, SMALL_FONT]) {
    if (![...text].every((c) => font.glyphs.has(c))) continue;
    for (let scale = 1; scale <= 8; scale++)
      if (containsBlock(rows, bitmapRows(bigTextBitmap(font, text, scale)))) return true;
  }
  return false;
}

describe("renderScreen: the QR scans", () => {
  for (const size of SIZES) {
    for (const screen of [
      { kind: "idle", qrContent: QR },
      { kind: "amount", amount: { currency: "NOK", value: 123_450 }, qrContent: QR },
    ] satisfies Screen[]) {
      it(`${screen.kind} at ${size.columns}×${size.rows} decodes to exactly the content`, () => {
        const result = scan(draw(screen, size));
        expect(result?.data).toBe(QR);
        expect(Buffer.from(result?.binaryData ?? [])).toEqual(Buffer.from(QR, "utf8"));
        // 47 bytes need version 4 at level M (version 3 would do at L): the level really is M.
        expect(result?.version).toBe(4);
      });
    }
  }

  it("keeps a quiet zone of at least 4 modules at every size", () => {
    for (const size of [...SIZES, { columns: 60, rows: 60 }, { columns: 132, rows: 43 }]) {
      const zone = quietZoneModules(
        draw({ kind: "amount", amount: { currency: "NOK", value: 100 }, qrContent: QR }, size),
      );
      expect(zone, `${size.columns}×${size.rows}`).toBeGreaterThanOrEqual(4);
    }
  });

  it("encodes non-ASCII content byte for byte as UTF-8", () => {
    const content = "https://example.no/kasse?navn=Kjøpesenter-Åsane&€=1";
    for (const size of SIZES) {
      const result = scan(draw({ kind: "idle", qrContent: content }, size));
      expect(Buffer.from(result?.binaryData ?? [])).toEqual(Buffer.from(content, "utf8"));
    }
  });

  it("scans in every language and with both brands (the text beside it never touches the quiet zone)", () => {
    for (const language of LANGUAGES) {
      const screen: Screen = {
        kind: "amount",
        amount: { currency: CURRENCY_OF[language], value: 65_000_000 },
        qrContent: QR,
      };
      expect(
        scan(draw(screen, { columns: 80, rows: 24, language, currency: CURRENCY_OF[language] }))?.data,
      ).toBe(QR);
    }
  });

  it("scans on a portrait panel, with the QR under the text", () => {
    const screen = draw(
      { kind: "amount", amount: { currency: "NOK", value: 4_900 }, qrContent: QR },
      { columns: 60, rows: 60 },
    );
    expect(scan(screen)?.data).toBe(QR);
    const rows = screenText(screen);
    const headline = rows.findIndex((row) => row.includes("Å betale"));
    const firstQrRow = rows.findIndex((row) => row.includes("\u2588"));
    expect(headline).toBeGreaterThan(0);
    expect(firstQrRow).toBeGreaterThan(headline);
  });

  it("says to scan the till's QR when no scannable QR fits", () => {
    const screen = draw({ kind: "idle", qrContent: QR }, { columns: 40, rows: 20 });
    expect(scan(screen)).toBeNull();
    expect(flat(screen)).toContain(DISPLAY_TEXTS.nb.qrOnTill);
  });

  it("uses error correction M and leaves qrcode-terminal's global level as it found it", () => {
    qrcodeTerminal.setErrorLevel("H");
    const before = qrcodeTerminal.error;
    renderScreen(
      { kind: "idle", qrContent: QR },
      { rows: 24, columns: 80, language: "nb", brand: "auto", currency: "NOK" },
    );
    expect(qrcodeTerminal.error).toBe(before);
    qrcodeTerminal.setErrorLevel("L");
  });
});

describe("qrFits: whether a screen shows a scannable QR at a size", () => {
  const at = (rows: number, columns: number): RenderOptions => ({
    rows,
    columns,
    language: "nb",
    brand: "auto",
    currency: "NOK",
  });
  const amount: Screen = { kind: "amount", amount: { currency: "NOK", value: 8650 }, qrContent: QR };
  it("agrees with what is drawn: a QR that decodes when it says so, the fallback text when not", () => {
    // One half-block row draws two modules: the QR and its quiet zone need this many rows.
    const needed = Math.ceil((qrMatrix(QR).length + 2 * QR_QUIET_ZONE) / 2);
    for (const [rows, fits] of [
      [needed, true],
      [needed - 1, false],
    ] as const) {
      expect(qrFits(amount, at(rows, 80))).toBe(fits);
      const screen = replayFrame(renderScreen(amount, at(rows, 80)), rows, 80);
      expect(decodeQrPixels(rasterise(screen))?.data).toBe(fits ? QR : undefined);
      expect(screenText(screen).join("\n").includes(DISPLAY_TEXTS.nb.qrOnTill)).toBe(!fits);
    }
  });
  it("is false for screens without a QR", () => {
    expect(qrFits({ kind: "paid", amount: { currency: "NOK", value: 1 } }, at(60, 200))).toBe(false);
  });
});

describe("renderScreen: texts per language", () => {
  const amount = (language: Language) => ({ currency: CURRENCY_OF[language], value: 123_450 });
  for (const language of LANGUAGES) {
    const t = DISPLAY_TEXTS[language];
    const brand = CURRENCY_OF[language] === "NOK" ? "Vipps" : "MobilePay";
    const options = { language, currency: CURRENCY_OF[language] };
    const fill = (s: string) => s.replace("{brand}", brand);

    for (const size of SIZES) {
      it(`${language} at ${size.columns}×${size.rows}: idle, amount, scan again, waiting, paid`, () => {
        const idle = draw({ kind: "idle", qrContent: QR }, { ...size, ...options });
        expect(flat(idle)).toContain(t.scanToPay);
        expect(flat(idle)).toContain(fill(t.scanHint));
        expect(screenText(idle)[0]).toContain(brand);

        const due = draw(
          { kind: "amount", amount: amount(language), qrContent: QR },
          { ...size, ...options },
        );
        expect(flat(due)).toContain(t.amountDue);
        const formatted = formatAmount(amount(language), language);
        expect(
          showsLarge(due, formatted) ||
            (showsLarge(due, formatMinorUnits(123_450, CURRENCY_OF[language], language)) &&
              flat(due).includes(formatted)),
        ).toBe(true);

        const again = draw(
          { kind: "amount", amount: amount(language), qrContent: QR, scanAgain: true },
          { ...size, ...options },
        );
        expect(flat(again)).toContain(fill(t.scanAgain));
        expect(flat(again)).not.toContain(fill(t.scanHint));

        const waiting = draw({ kind: "waiting", amount: amount(language) }, { ...size, ...options });
        expect(flat(waiting)).toContain(fill(t.approveInApp));
        expect(flat(waiting)).toContain(t.checkPhone);
        expect(showsLarge(waiting, formatted)).toBe(true);

        const paid = draw({ kind: "paid", amount: amount(language) }, { ...size, ...options });
        expect(flat(paid)).toContain(t.paid);
        expect(flat(paid)).toContain(t.thankYou);
        expect(showsLarge(paid, formatted)).toBe(true);
      });
    }

    it(`${language}: loyalty, member, not paid for every reason, out of service`, () => {
      const size = { columns: 80, rows: 24, ...options };
      const login = draw({ kind: "loyalty_login", bindingMessage: "4MZ-CQ3" }, size);
      expect(flat(login)).toContain(fill(t.confirmCode));
      expect(showsLarge(login, "4MZ-CQ3")).toBe(true);

      const member = draw({ kind: "member", memberName: "Kari", tier: "Gull" }, size);
      expect(flat(member)).toContain(t.welcomeBackNamed.replace("{name}", "Kari"));
      expect(flat(member)).toContain(t.tier.replace("{tier}", "Gull"));
      expect(flat(draw({ kind: "member" }, size))).toContain(t.welcomeBack);

      for (const reason of NOT_PAID_REASONS) {
        const screen = draw({ kind: "not_paid", reason }, size);
        expect(flat(screen)).toContain(t.notPaid);
        expect(flat(screen)).toContain(fill(t.reasons[reason]));
      }

      const out = draw({ kind: "out_of_service", reason: "Printer" }, size);
      expect(flat(out)).toContain(t.outOfService);
      expect(flat(out)).toContain("Printer");
      expect(flat(out)).toContain(t.outOfServiceHint);
    });
  }

  it("brands Vipps for NOK and MobilePay for DKK and EUR under auto; the setting overrides", () => {
    const header = (currency: Currency, brand: RenderOptions["brand"]) =>
      screenText(
        draw({ kind: "idle", qrContent: QR }, { columns: 80, rows: 24, currency, brand, language: "en" }),
      )[0]?.trim();
    expect(header("NOK", "auto")).toBe("Vipps");
    expect(header("DKK", "auto")).toBe("MobilePay");
    expect(header("EUR", "auto")).toBe("MobilePay");
    expect(header("DKK", "vipps")).toBe("Vipps");
    expect(header("NOK", "mobilepay")).toBe("MobilePay");
  });

  it("never lets caller text reach the terminal as control sequences", () => {
    const frame = renderScreen(
      { kind: "member", memberName: "Ola\u001b[2J\u001b]0;x\u0007" },
      { rows: 24, columns: 80, language: "en", brand: "auto", currency: "NOK" },
    );
    expect(frame).not.toContain("\u001b]");
    expect(frame).not.toContain("\u0007");
    expect(frame.split("\u001b[2J")).toHaveLength(2);
  });

  it("writes every cell of the screen in one full redraw", () => {
    const frame = renderScreen(
      { kind: "paid", amount: { currency: "NOK", value: 100 } },
      { rows: 30, columns: 100, language: "nb", brand: "auto", currency: "NOK" },
    );
    expect(frame.startsWith("\u001b[0m\u001b[?25l\u001b[?7l\u001b[H\u001b[2J")).toBe(true);
    for (let row = 1; row <= 30; row++) expect(frame).toContain(`\u001b[${row};1H`);
    expect(screenText(replayFrame(frame, 30, 100)).every((line) => line.length === 100)).toBe(true);
  });
});

describe("renderScreen: bad input changes nothing and says why", () => {
  const options: RenderOptions = { rows: 24, columns: 80, language: "nb", brand: "auto", currency: "NOK" };
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return isAgentError(error) ? error.code : "not an AgentError";
    }
    return undefined;
  };
  it.each([
    ["negative amount", { kind: "paid", amount: { currency: "NOK", value: -1 } }],
    ["fractional amount", { kind: "paid", amount: { currency: "NOK", value: 12.5 } }],
    ["unknown currency", { kind: "waiting", amount: { currency: "SEK", value: 100 } }],
    ["empty QR content", { kind: "idle", qrContent: "" }],
    ["bad binding message", { kind: "loyalty_login", bindingMessage: "abc" }],
    ["unknown reason", { kind: "not_paid", reason: "BROKE" }],
    ["unknown screen", { kind: "disco" }],
  ])("%s → DISPLAY_BAD_SCREEN", (_name, screen) => {
    expect(code(() => renderScreen(screen as Screen, options))).toBe("DISPLAY_BAD_SCREEN");
  });
  it("refuses sizes outside the configured ranges", () => {
    expect(code(() => renderScreen({ kind: "idle", qrContent: QR }, { ...options, rows: 9 }))).toBe(
      "DISPLAY_BAD_SIZE",
    );
    expect(code(() => renderScreen({ kind: "idle", qrContent: QR }, { ...options, columns: 1001 }))).toBe(
      "DISPLAY_BAD_SIZE",
    );
  });
  it("refuses QR content too long for any QR code", () => {
    expect(code(() => renderScreen({ kind: "idle", qrContent: "x".repeat(2332) }, options))).toBe(
      "DISPLAY_QR_TOO_LONG",
    );
  });
});
