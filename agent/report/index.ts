/**
 * End-of-day report from the journal (`pos-agent report`), and the boot status ticket.
 *
 *   withJournal(dir, "read", (_journal, db) => summarizeDay(day, readJournalDay(db, day.from, day.to), till))
 *   endOfDayDocument(summary, config, now) → EndOfDayReport (printer)
 *   statusTicket({ status, qrContent, config, addresses, now }) → TestReceipt (printer)
 */
export { localDay, localDayOf, type LocalDay, type ReportErrorCode } from "./local-day.js";
export { readJournalDay, type ConfirmedRefund, type FinishedSale, type JournalDay } from "./journal-day.js";
export { summarizeDay, type EndOfDaySummary } from "./end-of-day.js";
export { endOfDayDocument } from "./report-document.js";
export { statusTicket, type StatusTicketInput } from "./status-ticket.js";
