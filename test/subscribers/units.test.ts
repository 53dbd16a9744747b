// The pure parts: keyword matching, the conversation, numbers, keys and the encryption of numbers.
import { randomBytes } from 'node:crypto';
import { decryptNumber, encryptNumber, maskedId, numberHash, parseSubscriberKeys } from '../../scheduler/src/subscribers/crypto';
import { classify, normaliseText } from '../../scheduler/src/subscribers/keywords';
import { PENDING_MS, transition } from '../../scheduler/src/subscribers/machine';
import { normaliseNumber } from '../../scheduler/src/subscribers/number';
import { loadConfig, ConfigInvalid } from '../../scheduler/src/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScheduler } from '../../scheduler/src/index';
import { freshDatabase, rulesFile, tempDir, testConfig } from '../scheduler/helpers';
import { magentaDelivery } from './harness';

const K = [{ channel: 'magenta', keyword: 'ISCRIVIMI' }];
const b64 = (n: number) => randomBytes(n).toString('base64');

describe('keywords', () => {
	it.each(['stop', 'STOP', 'Stop per favore', 'CANCELLAMI', 'cancellami subito', 'annullà', 'Annulla.', 'basta, STOP!', 'Disiscrivimi'])('%p unsubscribes', (text) => {
		expect(classify(text, K)).toEqual({ kind: 'stop' });
	});
	it('lets STOP win over the keyword and a confirmation', () => {
		expect(classify('iscrivimi? no, stop', K)).toEqual({ kind: 'stop' });
		expect(classify('sì stop', K)).toEqual({ kind: 'stop' });
	});
	it.each(['ISCRIVIMI', 'iscrivimi', 'Iscrivimi per favore', 'Ciao, iscrivimi!'])('%p signs up', (text) => {
		expect(classify(text, K)).toEqual({ kind: 'signup', channel: 'magenta' });
	});
	it('picks the channel whose keyword matches when one number serves two channels', () => {
		const two = [{ channel: 'meda', keyword: 'ISCRIVIMI' }, { channel: 'meda-eventi', keyword: 'Iscrivimi eventi' }];
		expect(classify('iscrivimi eventi', two)).toEqual({ kind: 'signup', channel: 'meda-eventi' });
		expect(classify('iscrivimi', two)).toEqual({ kind: 'signup', channel: 'meda' });
	});
	it.each(['SI', 'sì', 'Sì, accetto!', 'ACCETTO', 'ok', 'confermo'])('%p confirms', (text) => {
		expect(classify(text, K)).toEqual({ kind: 'confirm' });
	});
	it.each(['sì ma prima una domanda', 'non accetto', 'Buongiorno', '', 'stoppare', 'annullare la tassa'])('%p is something else', (text) => {
		expect(classify(text, K)).toEqual({ kind: 'other' });
	});
	it('normalises accents, case and punctuation', () => {
		expect(normaliseText('  Sì,  ÀNNULLÀ!! ')).toBe('SI ANNULLA');
	});
});

describe('the conversation', () => {
	const t0 = Date.parse('2026-03-02T09:00:00Z');
	it('goes from nothing to pending to confirmed, recording consent once', () => {
		const signup = transition({ kind: 'none' }, 'signup', t0);
		expect(signup).toEqual({ state: { kind: 'pending', since: t0 }, reply: 'signup', consent: null, forget: false });
		expect(transition(signup.state, 'confirm', t0 + 60_000)).toEqual({ state: { kind: 'confirmed' }, reply: 'confirmed', consent: 'given', forget: false });
		expect(transition({ kind: 'confirmed' }, 'confirm', t0)).toEqual(expect.objectContaining({ reply: 'already', consent: null }));
		expect(transition({ kind: 'confirmed' }, 'signup', t0)).toEqual(expect.objectContaining({ reply: 'already', state: { kind: 'confirmed' } }));
	});
	it('asks again when the confirmation comes after 24 hours, and ignores a confirmation never asked for', () => {
		expect(transition({ kind: 'pending', since: t0 }, 'confirm', t0 + PENDING_MS + 1)).toEqual({ state: { kind: 'pending', since: t0 + PENDING_MS + 1 }, reply: 'signup', consent: null, forget: false });
		expect(transition({ kind: 'none' }, 'confirm', t0)).toEqual({ state: { kind: 'none' }, reply: 'oneWay', consent: null, forget: false });
	});
	it('forgets on STOP in every state, withdrawing consent only where it was given', () => {
		expect(transition({ kind: 'confirmed' }, 'stop', t0)).toEqual({ state: { kind: 'none' }, reply: 'goodbye', consent: 'withdrawn', forget: true });
		expect(transition({ kind: 'pending', since: t0 }, 'stop', t0)).toEqual({ state: { kind: 'none' }, reply: 'goodbye', consent: null, forget: true });
		expect(transition({ kind: 'none' }, 'stop', t0)).toEqual(expect.objectContaining({ forget: true, consent: null }));
	});
	it('answers anything else with the one-way notice and changes nothing', () => {
		expect(transition({ kind: 'confirmed' }, 'other', t0)).toEqual({ state: { kind: 'confirmed' }, reply: 'oneWay', consent: null, forget: false });
	});
});

describe('numbers', () => {
	it.each([
		['+39 347 123 4567', '393471234567'],
		['0039 347 1234567', '393471234567'],
		['393471234567', '393471234567'],
		['347-123.4567', '393471234567'],
		['02 9735 1', '390297351'],
		['+41 79 123 45 67', '41791234567'],
	])('%p is %p', (input, expected) => {
		expect(normaliseNumber(input)).toBe(expected);
	});
	it.each(['', 'abc', '+39', '12'])('%p is not a number', (input) => {
		expect(normaliseNumber(input)).toBeNull();
	});
});

describe('keys and encryption', () => {
	it('encrypts with the first key, decrypts with any, and ties the ciphertext to its hash', () => {
		const old = parseSubscriberKeys(`k1:${b64(32)}`, b64(32));
		const rotated = parseSubscriberKeys(`k2:${b64(32)},k1:${old.keys[0].key.toString('base64')}`, old.hashKey.toString('base64'));
		const hash = numberHash(old, '393471234567');
		const sealed = encryptNumber(old, '393471234567', hash);
		expect(sealed).toMatch(/^k1\./);
		expect(sealed).not.toContain('3471234567');
		expect(decryptNumber(rotated, sealed, hash)).toBe('393471234567');
		expect(encryptNumber(rotated, '393471234567', hash)).toMatch(/^k2\./);
		expect(encryptNumber(old, '393471234567', hash)).not.toBe(sealed);
		expect(() => decryptNumber(old, sealed, numberHash(old, '393489876543'))).toThrow();
		expect(numberHash(rotated, '393471234567')).toBe(hash);
		expect(maskedId(hash)).toBe(`…${hash.slice(-4)}`);
	});
	it.each([
		[undefined, b64(32), /BANDITORE_SUBSCRIBER_KEYS is not set/],
		[`k1:${b64(32)}`, undefined, /BANDITORE_SUBSCRIBER_HASH_KEY is not set/],
		[`k1:${b64(16)}`, b64(32), /16 bytes, AES-256 needs exactly 32/],
		[b64(32), b64(32), /"id:base64key"/],
		[`k1:${b64(32)},k1:${b64(32)}`, b64(32), /appears twice/],
		[`k1:${b64(32)}`, b64(8), /at least 32 are needed/],
	])('refuses keys %#', (keys, hash, message) => {
		expect(() => parseSubscriberKeys(keys, hash)).toThrow(message);
	});
	it('refuses to start a subscribers channel without keys or without the access token', () => {
		const dir = mkdtempSync(join(tmpdir(), 'banditore-subs-'));
		const file = join(dir, 'banditore.config.yaml');
		writeFileSync(
			file,
			[
				'channels:',
				'  - id: magenta',
				'    rules: rules.yaml',
				'    delivery:',
				'      kind: subscribers',
				'      phoneNumberId: "1234567890"',
				'      businessNumber: "390297351"',
				'      termsUrl: https://www.comune.magenta.mi.it/condizioni',
				'      privacyUrl: https://www.comune.magenta.mi.it/privacy',
				'      policyVersion: "2024-03"',
				'      reportEmail: ufficio.stampa@comune.magenta.mi.it',
				'      traditionalChannels: "URP e PEC"',
			].join('\n'),
		);
		const env = { BANDITORE_CONFIG: file, BANDITORE_API_TOKEN: 'x', WHATSAPP_ACCESS_TOKEN: 'token' };
		expect(() => loadConfig(env, dir)).toThrow(ConfigInvalid);
		expect(() => loadConfig(env, dir)).toThrow(/BANDITORE_SUBSCRIBER_KEYS is not set/);
		expect(() => loadConfig({ ...env, WHATSAPP_ACCESS_TOKEN: '' }, dir)).toThrow(/WHATSAPP_ACCESS_TOKEN is not set/);
		const config = loadConfig({ ...env, BANDITORE_SUBSCRIBER_KEYS: `k1:${b64(32)}`, BANDITORE_SUBSCRIBER_HASH_KEY: b64(32) }, dir);
		expect(config.channels[0].delivery).toEqual(expect.objectContaining({ kind: 'subscribers', keyword: 'ISCRIVIMI', accessToken: 'token', repliesPerHour: 5, consentRetentionDays: 730 }));
		expect(config.subscribers?.keys.map((k) => k.id)).toEqual(['k1']);
	});
});

describe('starting without keys', () => {
	it('refuses to start a scheduler whose channel sends to subscribers, saying which variables to set', async () => {
		const dir = tempDir();
		const db = await freshDatabase('sqlite', dir);
		const channel = { id: 'magenta', name: 'Comune di Magenta', rules: rulesFile(dir), delivery: magentaDelivery('http://127.0.0.1:9') };
		await expect(startScheduler(testConfig(db.database, channel), { dispatch: false })).rejects.toThrow(/BANDITORE_SUBSCRIBER_KEYS and BANDITORE_SUBSCRIBER_HASH_KEY are not set/);
	});
});
