import { describe, expect, it } from "vitest";
import type { TillView } from "./fleet-view.js";
import { filterAndSort, listQuery } from "./filter-sort.js";

const till = (tillId: string, p: Partial<TillView>): TillView => ({
  tillId,
  status: "online",
  statusSince: 0,
  statusSinceExact: true,
  links: {},
  degraded: false,
  degradedReasons: [],
  today: { sales: 0, captured: [] },
  ...p,
});

const tills = [
  till("kasse1", { lastSeen: 300, today: { sales: 2, captured: [{ currency: "NOK", value: 500 }] } }),
  till("kasse2", { status: "offline", lastSeen: 100 }),
  till("kasse3", {
    degraded: true,
    lastSeen: 200,
    today: { sales: 5, captured: [{ currency: "NOK", value: 9_000 }] },
  }),
  till("bar1", { status: "unknown" }),
];
const ids = (query: string): string[] =>
  filterAndSort(tills, listQuery(new URLSearchParams(query))).map((t) => t.tillId);

describe("the till list's filter and sort", () => {
  it("puts what needs a look first by default: offline, degraded, unknown, online", () => {
    expect(ids("")).toEqual(["kasse2", "kasse3", "bar1", "kasse1"]);
  });

  it("filters by state and by part of the till id", () => {
    expect(ids("state=degraded")).toEqual(["kasse3"]);
    expect(ids("state=online")).toEqual(["kasse3", "kasse1"]);
    expect(ids("q=KASSE&state=offline")).toEqual(["kasse2"]);
  });

  it("sorts by each key both ways", () => {
    expect(ids("sort=till")).toEqual(["bar1", "kasse1", "kasse2", "kasse3"]);
    expect(ids("sort=till&order=desc")).toEqual(["kasse3", "kasse2", "kasse1", "bar1"]);
    expect(ids("sort=lastSeen&order=desc")).toEqual(["kasse1", "kasse3", "kasse2", "bar1"]);
    expect(ids("sort=captured&order=desc")).toEqual(["kasse3", "kasse1", "bar1", "kasse2"]);
    expect(ids("sort=sales")).toEqual(["bar1", "kasse2", "kasse1", "kasse3"]);
  });

  it("shows the whole fleet for values it does not know, instead of an error", () => {
    expect(listQuery(new URLSearchParams("state=<x>&sort=drop table&order=up&q=a'b"))).toEqual({
      state: "all",
      q: "",
      sort: "status",
      order: "asc",
    });
  });
});
