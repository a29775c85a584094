import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { authorized, basket, TillHarness } from "../checkout/testing/harness.js";
import type { Input } from "../checkout/io.js";
import { openDatabase } from "../store/database.js";
import { Journal } from "./journal.js";

/**
 * A typed number (and a personal QR) must not outlive its sale on the till's disk: a real SQLite
 * journal file (WAL, secure_delete) is searched byte for byte after the sale ends.
 */
describe("the journal forgets a typed number when the sale ends", () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

  function onDisk(dir: string): Buffer {
    return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
  }

  for (const customer of [
    { phoneNumber: "4791234567" },
    { personalQr: "https://qr.vipps.no/p/PERSONAL-1234567" },
  ]) {
    const [kind, secret] = Object.entries(customer)[0] as [string, string];
    it(`${kind}: on disk while the create may be re-sent, nowhere on disk once Vipps has it and the sale is captured`, () => {
      const dir = tempDir();
      dirs.push(dir);
      const db = openDatabase(join(dir.path, "journal.db"));
      const journal = new Journal(db);
      const h = new TillHarness();
      const send = (input: Input): void => journal.record(input, h.send(input), h.now);

      send({ type: "basket", basket: basket() });
      send({ type: "pay", saleId: "S1", total: 4900, customer });
      // The create may have to be re-sent byte for byte after a crash: the number is journalled.
      expect(onDisk(dir.path).includes(secret)).toBe(true);
      expect(JSON.stringify(new Journal(db).load())).toContain(secret);

      const reference = h.reference("S1");
      send({ type: "create_result", saleId: "S1", reference, result: { ok: true, value: {} } });
      send(authorized(reference));
      send({
        type: "capture_result",
        saleId: "S1",
        reference,
        result: { ok: true, value: { capturedAmount: 4900, pspReference: "psp-cap" } },
      });
      expect(h.sale("S1").phase.kind).toBe("final");
      expect(onDisk(dir.path).includes(secret)).toBe(false);
      // The transition log still says how the customer was named.
      const log = db.prepare("SELECT input FROM journal_transitions").all() as { input: string }[];
      expect(log.some((r) => r.input.includes(`"customer":"${kind}"`))).toBe(true);
      db.close();
      expect(onDisk(dir.path).includes(secret)).toBe(false);
    });
  }
});
