/**
 * Prometheus' text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): what `/metrics` of the bridge
 * and of the fleet service answer. Names and label names are the caller's constants; label
 * values are escaped here, so a value that came from outside cannot break a line.
 */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

function number(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/**
 * A histogram of observations (e.g. seconds), cumulative per upper bound as Prometheus expects.
 * Bounds are fixed at creation; memory does not grow with the number of observations.
 */
export class Histogram {
  private readonly counts: number[];
  private total = 0;
  private sumOfValues = 0;

  constructor(readonly bounds: readonly number[]) {
    if (bounds.length === 0 || bounds.some((b, i) => i > 0 && b <= (bounds[i - 1] ?? -Infinity)))
      throw new RangeError("histogram bounds must be a non-empty, strictly increasing list");
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.total += 1;
    this.sumOfValues += value;
    const index = this.bounds.findIndex((b) => value <= b);
    if (index >= 0) this.counts[index] = (this.counts[index] ?? 0) + 1;
  }

  get count(): number {
    return this.total;
  }

  get sum(): number {
    return this.sumOfValues;
  }

  /** Cumulative counts per bound, the last entry being +Inf (= count). */
  cumulative(): { le: number; count: number }[] {
    let running = 0;
    const out = this.bounds.map((le, i) => {
      running += this.counts[i] ?? 0;
      return { le, count: running };
    });
    out.push({ le: Infinity, count: this.total });
    return out;
  }
}

/** Builds one exposition: each family's HELP and TYPE once, then its samples. */
export class PrometheusText {
  private readonly lines: string[] = [];

  private family(name: string, help: string, type: string): void {
    this.lines.push(
      `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`,
      `# TYPE ${name} ${type}`,
    );
  }

  private samples(name: string, samples: number | readonly Sample[]): void {
    const list = typeof samples === "number" ? [{ value: samples }] : samples;
    for (const s of list) this.lines.push(`${name}${labelText(s.labels)} ${number(s.value)}`);
  }

  counter(name: string, help: string, samples: number | readonly Sample[]): this {
    this.family(name, help, "counter");
    this.samples(name, samples);
    return this;
  }

  gauge(name: string, help: string, samples: number | readonly Sample[]): this {
    this.family(name, help, "gauge");
    this.samples(name, samples);
    return this;
  }

  histogram(name: string, help: string, histogram: Histogram): this {
    this.family(name, help, "histogram");
    for (const { le, count } of histogram.cumulative())
      this.lines.push(`${name}_bucket{le="${number(le)}"} ${count}`);
    this.lines.push(`${name}_sum ${histogram.sum}`, `${name}_count ${histogram.count}`);
    return this;
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
