import { describe, expect, it } from "vitest";
import { Histogram, PrometheusText } from "./prometheus.js";

describe("Prometheus text exposition", () => {
  it("writes HELP and TYPE once per family, then its samples with escaped label values", () => {
    const text = new PrometheusText()
      .counter("x_total", "Things.", 3)
      .gauge("y", "By kind.", [
        { labels: { kind: 'a"b\\c\nd' }, value: 1 },
        { labels: { kind: "plain", other: "2" }, value: 0 },
      ])
      .text();
    expect(text).toBe(
      [
        "# HELP x_total Things.",
        "# TYPE x_total counter",
        "x_total 3",
        "# HELP y By kind.",
        "# TYPE y gauge",
        'y{kind="a\\"b\\\\c\\nd"} 1',
        'y{kind="plain",other="2"} 0',
        "",
      ].join("\n"),
    );
  });

  it("keeps cumulative histogram buckets, +Inf equal to the count, and the sum", () => {
    const h = new Histogram([0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe(v);
    expect(h.cumulative()).toEqual([
      { le: 0.1, count: 2 },
      { le: 1, count: 3 },
      { le: Infinity, count: 4 },
    ]);
    expect(new PrometheusText().histogram("h_seconds", "Latency.", h).text()).toBe(
      [
        "# HELP h_seconds Latency.",
        "# TYPE h_seconds histogram",
        'h_seconds_bucket{le="0.1"} 2',
        'h_seconds_bucket{le="1"} 3',
        'h_seconds_bucket{le="+Inf"} 4',
        "h_seconds_sum 3.65",
        "h_seconds_count 4",
        "",
      ].join("\n"),
    );
    expect(() => new Histogram([1, 1])).toThrow(RangeError);
  });
});
