export { broadcast, type BroadcastOptions, type BroadcastReport, type Progress, type Recipient, type RecordedStatus, type SendOne, type StatusSource } from './engine';
export { FileSendLog } from './file-log';
export { memoryLog, replay, type LogEntry, type LogState, type Outcome, type RecipientState, type SendLog } from './log';
export { RateLimiter, realClock, type Clock } from './rate';
