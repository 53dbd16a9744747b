// Week windows and budget maths of the weekly limit: pure, in the comune's zone (Europe/Rome).
export { weekWindow, nextReset, nextMidnight, DEFAULT_ZONE, type WeekWindow } from './window';
export { inQuietHours, quietHoursEnd } from './quiet';
export { pacingAllowance } from './pacing';
export { decide, type DecideInput, type DecideResult, type RefusalCode } from './decide';
export { planDigest, bundleable, digestLine, type DigestCandidate, type DigestPlan } from './digest';
