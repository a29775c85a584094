import type { PrintDocument } from "./document.js";
import type { LayoutOptions } from "./layout.js";
import { layoutDocument } from "./layout.js";
import type { PrintBlock } from "./print-blocks.js";
import { wrap } from "./print-blocks.js";

/**
 * The receipt as plain text, line for line as the printer lays it out (the fake printer and the
 * demo show this). Double-size lines are shown at normal size; a QR is shown as its content; the
 * cut is a line of `~`.
 */
function renderBlocksText(blocks: readonly PrintBlock[], columns: number): string {
  const out: string[] = [];
  const aligned = (text: string, align: "left" | "center" | "right"): string => {
    const gap = Math.max(0, columns - [...text].length);
    const left = align === "left" ? 0 : align === "right" ? gap : Math.floor(gap / 2);
    return (" ".repeat(left) + text).trimEnd();
  };
  for (const block of blocks) {
    switch (block.kind) {
      case "text":
        out.push(aligned(block.text, block.align));
        break;
      case "qr":
        for (const line of wrap(`[QR ${block.content}]`, columns)) out.push(aligned(line, "center"));
        break;
      case "feed":
        for (let i = 0; i < block.lines; i++) out.push("");
        break;
      case "cut":
        out.push("~".repeat(columns));
        break;
    }
  }
  return `${out.join("\n")}\n`;
}

export function renderDocumentText(doc: PrintDocument, options: LayoutOptions): string {
  return renderBlocksText(layoutDocument(doc, options), options.columns);
}
