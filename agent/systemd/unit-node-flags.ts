/**
 * The node flags of a unit file's `ExecStart=` (systemd/pos-agent.service): the words between
 * the node program and the script, e.g. `--max-semi-space-size=1`. The unit is their one
 * definition; the code cache is made for them (`pos-agent code-cache`) and the bench runs the
 * daemon with them.
 */
export function unitNodeFlags(unitText: string): string[] {
  const execStart = /^ExecStart=(.+)$/m.exec(unitText)?.[1];
  if (execStart === undefined) throw new Error("the unit has no ExecStart= line");
  const words = execStart.trim().split(/\s+/).slice(1);
  const script = words.findIndex((word) => !word.startsWith("-"));
  if (script < 0) throw new Error("the unit's ExecStart= names no script");
  return words.slice(0, script);
}
