/**
 * The local control socket between the running agent and the technician's CLI.
 *
 *   // in the agent (the runtime implements ControlApi):
 *   const control = await startControlServer({ socketPath: config.control.socketPath, api, logger });
 *   …; await control.close();
 *
 *   // in the CLI:
 *   const status = await controlRequest(socketPath, { method: "status" }, { timeoutMs: 3000 });
 *   const line = await controlRequest(socketPath, { method: "refund", reference, amount: 1250 }, { timeoutMs: 60_000 });
 *
 * Wire format, limits and error codes: protocol.ts and errors.ts; the socket file is mode 0660
 * (the service's group) whatever the umask.
 */
export type { AgentStatus, ControlApi, HoldStatusLine, SaleStatusLine } from "./api.js";
export { startControlServer, type ControlServer, type ControlServerOptions } from "./server.js";
export { CONTROL_SOCKET_METHODS, MONEY_METHODS } from "./request-handler.js";
export { controlRequest } from "./client.js";
