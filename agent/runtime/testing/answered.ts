/**
 * A register command's answer when the runner was idle — always so in a test that calls it from
 * the outside: only an input handed in while another is being applied waits (and gets a promise).
 */
export function answered<T>(answer: T | Promise<T>): T {
  if (answer instanceof Promise) throw new Error("the runner queued a register command behind another input");
  return answer;
}
