import { STATUS_ONLINE } from "../../lib/mqtt-contract/index.js";

/**
 * Which bridge replicas say they are up, from their retained heartbeats on
 * `<prefix>/_bridge/<name>/status` (docs/mqtt-contract.md §Bridge heartbeat). A replica counts
 * only while its latest message is exactly `online`: `offline` (its will or clean stop), an
 * empty payload (a cleared retained message) and anything else count as down. Forgotten when
 * the till's own connection closes: the broker sends every retained heartbeat again on the next
 * subscribe, and nothing stale is believed in between.
 */
export class BridgeHeartbeats {
  private readonly online = new Set<string>();

  /** Records one heartbeat; true when the set of online replicas changed. */
  record(name: string, payload: Buffer): boolean {
    const up = payload.toString("utf8") === STATUS_ONLINE;
    if (up === this.online.has(name)) return false;
    if (up) this.online.add(name);
    else this.online.delete(name);
    return true;
  }

  /** True when something was forgotten. */
  clear(): boolean {
    const had = this.online.size > 0;
    this.online.clear();
    return had;
  }

  /** The replicas online now, sorted. */
  names(): readonly string[] {
    return [...this.online].sort();
  }
}
