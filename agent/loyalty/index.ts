/**
 * Loyalty (issue 7): who is the customer behind a scan, and may they join?
 *
 *   const loyalty = createLoyalty({ config, secrets, db, vipps, clock?, logger?, fetch? });
 *   await loyalty.identify(customerToken)                  → member | not_member (candidate) | unavailable
 *   await loyalty.enroll(candidate, onBindingMessage, signal) → enrolled | declined | expired | old_app | invalid_user | aborted | unavailable
 *   loyalty.prune()   // daily: built-in members not seen for loyalty.retentionDays are deleted
 *   loyalty.close()
 *
 * The built-in members table (MemberStore, namespace `loyalty` in the agent's SQLite store) is
 * also what `pos-agent loyalty import/export/forget/list/prune` works on. docs/loyalty.md
 * describes the flow, the HTTP backend's contract, the CSV columns and the privacy rules.
 */
export type { LoyaltyMember } from "./port.js";
export { createLoyalty, type LoyaltyService } from "./loyalty.js";
export { MemberStore, type StoredMember } from "./member-store.js";
export { importMembers } from "./member-import.js";
export { membersFileText } from "./members-file.js";
export { memberCsvLine, membersCsvHeader, type RowProblem } from "./members-csv.js";
export { isLoyaltyError } from "./errors.js";
export { normalizeMsisdn } from "./msisdn.js";
