import { SerialPortMock } from "serialport";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import {
  createSerialTransport,
  type PortOpenOptions,
  type SerialPortLike,
  type SerialTransportOptions,
} from "./serial-transport.js";
import type { TransportEvents } from "./transport.js";

const PATH = "/dev/pos-register-test";

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Recorder extends TransportEvents {
  log: string[];
  data: string;
}
function recorder(): Recorder {
  const r: Recorder = {
    log: [],
    data: "",
    onOpen: () => r.log.push("open"),
    onClose: (reason) => r.log.push(`close: ${reason}`),
    onData: (chunk) => (r.data += Buffer.from(chunk).toString("latin1")),
  };
  return r;
}

function setup(over: Partial<SerialTransportOptions> = {}) {
  const clock = new ManualClock(0);
  const ports: SerialPortMock[] = [];
  const opens: number[] = [];
  const transport = createSerialTransport({
    path: PATH,
    baudRate: 115200,
    reopenMinMs: 500,
    reopenMaxMs: 30_000,
    clock,
    random: () => 0.999,
    portFactory: (options: PortOpenOptions) => {
      opens.push(clock.now());
      const port = new SerialPortMock(options);
      ports.push(port);
      return port;
    },
    ...over,
  });
  const events = recorder();
  return { clock, ports, opens, transport, events, last: () => ports[ports.length - 1] };
}

beforeEach(() => SerialPortMock.binding.reset());
afterEach(() => SerialPortMock.binding.reset());

describe("SerialTransport (serialport's SerialPortMock, manual clock)", () => {
  it("opens the device by its path, writes bytes and passes data on", async () => {
    SerialPortMock.binding.createPort(PATH, { record: true });
    const t = setup();
    t.transport.start(t.events);
    await flush();
    expect(t.events.log).toEqual(["open"]);
    await t.transport.write(new TextEncoder().encode("abc\r\n"));
    expect(t.last()?.port?.recording.toString()).toBe("abc\r\n");
    t.last()?.port?.emitData("xyz");
    await flush();
    expect(t.events.data).toBe("xyz");
    await t.transport.stop();
  });

  it("retries a missing device with capped exponential backoff, then opens it when it appears", async () => {
    const t = setup({ reopenMaxMs: 4000 });
    t.transport.start(t.events);
    await flush();
    expect(t.opens).toEqual([0]);
    // random 0.999: ceilings 500, 1000, 2000, 4000, 4000 → delays 500 (the minimum), 999, 1998, 3996, 3996.
    for (const delay of [500, 999, 1998, 3996, 3996]) {
      t.clock.advance(delay - 1);
      await flush();
      const before = t.opens.length;
      t.clock.advance(1);
      await flush();
      expect(t.opens.length).toBe(before + 1);
    }
    expect(t.opens).toEqual([0, 500, 1499, 3497, 7493, 11489]);
    expect(t.events.log).toEqual([]);
    SerialPortMock.binding.createPort(PATH);
    t.clock.advance(3996);
    await flush();
    expect(t.events.log).toEqual(["open"]);
    await t.transport.stop();
  });

  it("notices a device that vanished without a close event when a write fails, and reopens it", async () => {
    SerialPortMock.binding.createPort(PATH);
    const t = setup();
    t.transport.start(t.events);
    await flush();
    // The binding closes under the stream, as a pulled USB adapter does: no `close` event.
    await t.last()?.port?.close();
    await flush();
    expect(t.events.log).toEqual(["open"]);
    await expect(t.transport.write(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: "REGISTER_WRITE_FAILED",
    });
    await flush();
    expect(t.events.log).toEqual(["open", expect.stringMatching(/^close: /)]);
    await expect(t.transport.write(new Uint8Array([1]))).rejects.toMatchObject({
      code: "REGISTER_PORT_CLOSED",
    });
    t.clock.advance(500);
    await flush();
    expect(t.events.log).toEqual(["open", expect.stringMatching(/^close: /), "open"]);
    await t.transport.stop();
  });

  it("reopens on request, backing off further while nothing is received, and resets once data arrives", async () => {
    SerialPortMock.binding.createPort(PATH);
    const t = setup();
    t.transport.start(t.events);
    await flush();
    t.transport.reopen("peer silent");
    t.clock.advance(500);
    await flush();
    t.transport.reopen("peer silent");
    t.clock.advance(998);
    await flush();
    expect(t.opens).toEqual([0, 500]);
    t.clock.advance(1);
    await flush();
    expect(t.opens).toEqual([0, 500, 1499]);
    t.last()?.port?.emitData("x");
    await flush();
    t.transport.reopen("peer silent");
    t.clock.advance(500);
    await flush();
    expect(t.opens).toEqual([0, 500, 1499, 1999]);
    expect(t.events.log.filter((l) => l === "open")).toHaveLength(4);
    await t.transport.stop();
  });

  it("never queues more than maxPendingBytes: the device is dropped instead", async () => {
    SerialPortMock.binding.createPort(PATH);
    const t = setup({ maxPendingBytes: 100 });
    t.transport.start(t.events);
    await flush();
    const first = t.transport.write(new Uint8Array(80));
    await expect(t.transport.write(new Uint8Array(80))).rejects.toMatchObject({
      code: "REGISTER_WRITE_FAILED",
    });
    await expect(first).rejects.toMatchObject({ code: "REGISTER_WRITE_FAILED" });
    expect(t.events.log).toEqual(["open", expect.stringMatching(/does not take them/)]);
    await t.transport.stop();
  });

  it("drops a device whose write never finishes, after the write timeout", async () => {
    const clock = new ManualClock(0);
    const stuck: SerialPortLike = {
      isOpen: true,
      open: (cb) => queueMicrotask(() => cb(null)),
      write: () => true,
      drain: () => undefined,
      close: (cb) => cb(null),
      on() {
        return this;
      },
      removeAllListeners() {
        return this;
      },
    };
    const transport = createSerialTransport({
      path: PATH,
      baudRate: 115200,
      reopenMinMs: 500,
      reopenMaxMs: 1000,
      clock,
      portFactory: () => stuck,
    });
    const events = recorder();
    transport.start(events);
    await flush();
    const write = transport.write(new Uint8Array(1152));
    const outcome = write.catch((e: unknown) => e);
    // 2 s plus twice the wire time of 1152 bytes at 11 bits per byte, 115200 baud: 2220 ms.
    clock.advance(2219);
    await flush();
    expect(events.log).toEqual(["open"]);
    clock.advance(1);
    expect(await outcome).toMatchObject({ code: "REGISTER_WRITE_FAILED" });
    expect(events.log).toEqual(["open", expect.stringMatching(/did not finish in time/)]);
    await transport.stop();
  });

  it("stops: the device is closed and nothing follows until it is started again", async () => {
    SerialPortMock.binding.createPort(PATH);
    const t = setup();
    t.transport.start(t.events);
    await flush();
    const port = t.last();
    await t.transport.stop();
    expect(port?.isOpen).toBe(false);
    t.clock.advance(60_000);
    await flush();
    expect(t.events.log).toEqual(["open"]);
    expect(t.clock.pending).toBe(0);
    // …until started again, which opens the device afresh.
    t.transport.start(t.events);
    await flush();
    expect(t.events.log).toEqual(["open", "open"]);
    await t.transport.stop();
  });
});
