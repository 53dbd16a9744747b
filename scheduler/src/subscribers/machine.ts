// The conversation with one sender on one channel, as a pure function: the current state, what the
// message asks for and the time in; the new state, the reply and what to record out.
import type { Intent } from './keywords';

export type SubscriberState = { kind: 'none' } | { kind: 'pending'; since: number } | { kind: 'confirmed' };

export type ReplyKey = 'signup' | 'confirmed' | 'already' | 'goodbye' | 'oneWay';

export interface Transition {
	state: SubscriberState;
	reply: ReplyKey;
	/** A consent record to write: given on confirmation, withdrawn when a confirmed subscriber leaves. */
	consent: 'given' | 'withdrawn' | null;
	/** Delete the number now (STOP). */
	forget: boolean;
}

/** A sign-up must be confirmed inside WhatsApp's 24-hour window, the one the reply was sent in. */
export const PENDING_MS = 24 * 3600_000;

export function transition(state: SubscriberState, intent: Intent['kind'], now: number): Transition {
	const stay = (reply: ReplyKey): Transition => ({ state, reply, consent: null, forget: false });
	switch (intent) {
		case 'stop':
			return { state: { kind: 'none' }, reply: 'goodbye', consent: state.kind === 'confirmed' ? 'withdrawn' : null, forget: true };
		case 'signup':
			if (state.kind === 'confirmed') return stay('already');
			return { state: { kind: 'pending', since: now }, reply: 'signup', consent: null, forget: false };
		case 'confirm':
			if (state.kind === 'confirmed') return stay('already');
			if (state.kind === 'pending' && now - state.since <= PENDING_MS) return { state: { kind: 'confirmed' }, reply: 'confirmed', consent: 'given', forget: false };
			// Too late, or never asked: show the terms again before anything is recorded.
			if (state.kind === 'pending') return { state: { kind: 'pending', since: now }, reply: 'signup', consent: null, forget: false };
			return stay('oneWay');
		default:
			return stay('oneWay');
	}
}
