import { describe, expect, it } from "vitest";
import {
  WEBHOOK_DATE_MAX_AGE_MS,
  WEBHOOK_DATE_MAX_AHEAD_MS,
  parseRfc1123Date,
  webhookDateProblem,
} from "./webhook-date.js";

const NOW = Date.UTC(2026, 7, 21, 10, 45, 40);
const http = (ms: number): string => new Date(ms).toUTCString();

describe("the x-ms-date window", () => {
  it("reads the RFC 1123 dates Vipps sends, and nothing else", () => {
    expect(parseRfc1123Date("Thu, 30 Mar 2023 08:38:32 GMT")).toBe(Date.UTC(2023, 2, 30, 8, 38, 32));
    expect(parseRfc1123Date("Sat, 1 Aug 2026 00:00:00 GMT")).toBe(Date.UTC(2026, 7, 1));
    for (const bad of [
      "banana",
      "",
      "2026-08-21T10:45:40Z",
      "Thu, 30 Mar 2023 08:38:32 +0000",
      "Thu, 31 Feb 2023 08:38:32 GMT",
      "Thu, 30 Mar 2023 24:00:00 GMT",
      "Thu, 30 Mar 2023 08:38:32 GMT ",
      "Thu, 30 Mar 2023 08:38:32 GMT\nx",
    ])
      expect({ bad, at: parseRfc1123Date(bad) }).toEqual({ bad, at: undefined });
  });

  it("accepts a retry up to 8 days old and a clock up to 15 minutes ahead; refuses beyond", () => {
    expect(webhookDateProblem(http(NOW), NOW)).toBeUndefined();
    expect(webhookDateProblem(http(NOW - 7 * 24 * 3600_000), NOW)).toBeUndefined();
    expect(webhookDateProblem(http(NOW - WEBHOOK_DATE_MAX_AGE_MS), NOW)).toBeUndefined();
    expect(webhookDateProblem(http(NOW - WEBHOOK_DATE_MAX_AGE_MS - 1000), NOW)).toMatch(/8 days old/);
    expect(webhookDateProblem(http(NOW + WEBHOOK_DATE_MAX_AHEAD_MS), NOW)).toBeUndefined();
    expect(webhookDateProblem(http(NOW + WEBHOOK_DATE_MAX_AHEAD_MS + 1000), NOW)).toMatch(/15 minutes ahead/);
    expect(webhookDateProblem("Mon, 01 Jan 2018 00:00:00 GMT", NOW)).toMatch(/old/);
    expect(webhookDateProblem("Thu, 01 Jan 2099 00:00:00 GMT", NOW)).toMatch(/ahead/);
    expect(webhookDateProblem("banana", NOW)).toMatch(/not an RFC 1123 date/);
  });
});
