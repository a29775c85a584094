import { createRequire } from "node:module";
import { inflateSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerOf, SimApi, startTestVippsSim, type TestVippsSim } from "../../../test/helpers/vipps-sim.js";

/** jsqr's CommonJS export (its type declarations do not resolve as a default import under NodeNext). */
type DecodeQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = createRequire(import.meta.url)("jsqr") as DecodeQr;

let t: TestVippsSim;
let api: SimApi;
beforeEach(async () => {
  t = await startTestVippsSim();
  api = new SimApi(t.sim.url, t.unit);
});
afterEach(async () => {
  await t.close();
});

const base = "/qr/v1/merchant-callback";

interface CallbackQrBody {
  merchantSerialNumber: string;
  merchantQrId: string;
  locationDescription: string;
  qrImageUrl: string;
  qrContent: string;
}

/** Decodes the simulator's own 8-bit grayscale PNG (filter 0 on every row) to RGBA for jsQR. */
function pngToRgba(png: Buffer): { data: Uint8ClampedArray; width: number; height: number } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = rows[y * (width + 1) + 1 + x] ?? 255;
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

describe("merchant callback QR", () => {
  it("creates a QR with a qr.vipps.no content URL that stays the same when the text is updated", async () => {
    const put = await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1" } });
    expect(put.status).toBe(200);
    expect(put.text).toBe("");
    const first = (await api.call("GET", `${base}/kasse1`)).body as CallbackQrBody;
    expect(first).toMatchObject({
      merchantSerialNumber: t.unit.msn,
      merchantQrId: "kasse1",
      locationDescription: "Kasse 1",
    });
    expect(first.qrContent).toMatch(/^https:\/\/qr\.vipps\.no\/\S+$/);
    expect(
      (await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1 ved døra" } })).status,
    ).toBe(200);
    const second = (await api.call("GET", `${base}/kasse1`)).body as CallbackQrBody;
    expect(second.locationDescription).toBe("Kasse 1 ved døra");
    expect(second.qrContent).toBe(first.qrContent);
  });

  it("gives every QR its own content and lists only the sales unit's own", async () => {
    await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1" } });
    await api.call("PUT", `${base}/kasse2`, {
      body: { locationDescription: "Kasse 2", category: "IN_STORE" },
    });
    const other = new SimApi(t.sim.url, t.sim.salesUnits[1] ?? t.unit);
    await other.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1 DK" } });
    const list = (await api.call("GET", base)).body as CallbackQrBody[];
    expect(list.map((q) => q.merchantQrId).sort()).toEqual(["kasse1", "kasse2"]);
    const dk = (await other.call("GET", base)).body as CallbackQrBody[];
    const contents = new Set([...list, ...dk].map((q) => q.qrContent));
    expect(contents.size).toBe(3);
  });

  it.each([
    ["no body", undefined],
    ["an empty location", { locationDescription: "" }],
    ["a location of 37 characters", { locationDescription: "x".repeat(37) }],
    ["a number as location", { locationDescription: 7 }],
    ["a non-string category", { locationDescription: "Kasse", category: 1 }],
  ])("refuses %s with 400 and the invalid parameter", async (_name, body) => {
    const a = await api.call("PUT", `${base}/kasse1`, body === undefined ? {} : { body });
    expect(a.status).toBe(400);
    expect((a.body as { invalidParams?: unknown[] }).invalidParams?.length).toBeGreaterThan(0);
    expect((await api.call("GET", `${base}/kasse1`)).status).toBe(404);
  });

  it("accepts 36 characters", async () => {
    expect(
      (await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "x".repeat(36) } })).status,
    ).toBe(200);
  });

  it("answers 404 for unknown ids on get and delete; deletes known ones", async () => {
    expect((await api.call("GET", `${base}/nope`)).status).toBe(404);
    expect((await api.call("DELETE", `${base}/nope`)).status).toBe(404);
    await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1" } });
    expect((await api.call("DELETE", `${base}/kasse1`)).status).toBe(200);
    expect((await api.call("GET", `${base}/kasse1`)).status).toBe(404);
    expect((await api.call("GET", base)).body).toEqual([]);
  });

  it("validates QrImageFormat and QrImageSize", async () => {
    await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1" } });
    expect((await api.call("GET", `${base}/kasse1?QrImageFormat=GIF`)).status).toBe(400);
    expect((await api.call("GET", `${base}/kasse1?QrImageFormat=PNG&QrImageSize=99`)).status).toBe(400);
    expect((await api.call("GET", `${base}/kasse1?QrImageFormat=PNG&QrImageSize=2001`)).status).toBe(400);
    expect((await api.call("GET", `${base}?QrImageFormat=PNG&QrImageSize=2000`)).status).toBe(200);
  });

  it("serves qrImageUrl without authentication, as an SVG or a PNG that scans to qrContent", async () => {
    await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1" } });
    const svg = (await api.call("GET", `${base}/kasse1`)).body as CallbackQrBody;
    const svgAnswer = await fetch(svg.qrImageUrl);
    expect(svgAnswer.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svgAnswer.text()).toMatch(/^<svg /);
    const png = (await api.call("GET", `${base}/kasse1?QrImageFormat=PNG&QrImageSize=400`))
      .body as CallbackQrBody;
    const image = await fetch(png.qrImageUrl);
    expect(image.headers.get("content-type")).toBe("image/png");
    const rgba = pngToRgba(Buffer.from(await image.arrayBuffer()));
    expect(rgba.width).toBe(400);
    expect(jsQR(rgba.data, rgba.width, rgba.height)?.data).toBe(png.qrContent);
  });
});

describe("POST /qr/v1/exchange/customer", () => {
  async function scannedToken(msisdn = "4791234567"): Promise<string> {
    await api.call("PUT", `${base}/kasse1`, { body: { locationDescription: "Kasse 1" } });
    return t.sim.control.scan({ msisdn, msn: t.unit.msn, merchantQrId: "kasse1" }).customerToken;
  }

  it("exchanges a customer token from a scan for the MSISDN", async () => {
    const customerToken = await scannedToken();
    const a = await api.call("POST", "/qr/v1/exchange/customer", {
      body: { customer: { customerToken }, requestedData: ["MSISDN"] },
    });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ msisdn: "4791234567", timestamp: Math.floor(t.clock.now() / 1000) });
  });

  it("refuses expired, unknown and foreign tokens and malformed bodies in the exchange error shape", async () => {
    const customerToken = await scannedToken();
    const bad = async (body: unknown, sim = api): Promise<{ name: string }> => {
      const a = await sim.call("POST", "/qr/v1/exchange/customer", { body });
      expect(a.status).toBe(400);
      const e = a.body as { title: string; status: number; detail: string; extraDetails: { name: string }[] };
      expect(e.status).toBe(400);
      return e.extraDetails[0] ?? { name: "" };
    };
    expect((await bad({ requestedData: ["MSISDN"] })).name).toBe("customer");
    expect((await bad({ customer: { customerToken } })).name).toBe("requestedData");
    expect((await bad({ customer: { customerToken }, requestedData: ["EMAIL"] })).name).toBe("requestedData");
    expect((await bad({ customer: { customerToken: "bm9wZQ==" }, requestedData: ["MSISDN"] })).name).toBe(
      "customer",
    );
    const dk = new SimApi(t.sim.url, t.sim.salesUnits[1] ?? t.unit);
    expect((await bad({ customer: { customerToken }, requestedData: ["MSISDN"] }, dk)).name).toBe("customer");
    t.clock.advance(15 * 60_000);
    expect((await bad({ customer: { customerToken }, requestedData: ["MSISDN"] })).name).toBe("customer");
  });

  it("keeps a token valid until 15 minutes after the scan", async () => {
    const customerToken = await scannedToken();
    t.clock.advance(15 * 60_000 - 1);
    const a = await api.call("POST", "/qr/v1/exchange/customer", {
      body: { customer: { customerToken }, requestedData: ["MSISDN"] },
    });
    expect(a.status).toBe(200);
  });

  it("refuses a body that is not JSON", async () => {
    const a = await answerOf(
      await fetch(`${t.sim.url}/qr/v1/exchange/customer`, {
        method: "POST",
        headers: { ...(await api.headers()), "Content-Type": "application/json" },
        body: "{",
      }),
    );
    expect(a.status).toBe(400);
  });
});
