/**
 * End-of-day report from the journal (`pos-agent report`), and the boot status ticket.
 *
 *   withJournal(dir, "read", (_journal, db) => summarizeDay(day, readJournalDay(db, day.from, day.to), till))
 *   endOfDayDocument(summary, config, now) → EndOfDayReport (printer)
 *   statusTicket({ status, qrContent, config, addresses, now }) → TestReceipt (printer)
 */
export { localDay, localDayOf, type LocalDay } from "./local-day.js";
export { readJournalDay } from "./journal-day.js";
export { summarizeDay, type EndOfDaySummary } from "./end-of-day.js";
export { endOfDayDocument } from "./report-document.js";
export { statusTicket } from "./status-ticket.js";
