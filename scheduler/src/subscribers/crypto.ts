// Phone numbers at rest: AES-256-GCM with a key id (rotation: a new first key encrypts, every listed
// key decrypts, `reencrypt` moves old rows), found again through a keyed HMAC-SHA256, never in clear.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface SubscriberKeys {
	/** The first encrypts; all decrypt. */
	keys: Array<{ id: string; key: Buffer }>;
	hashKey: Buffer;
}

export class KeysInvalid extends Error {}

const HOW = 'Generate one with `openssl rand -base64 32`.';

/**
 * BANDITORE_SUBSCRIBER_KEYS = "id:base64key,id:base64key" (32-byte keys) and
 * BANDITORE_SUBSCRIBER_HASH_KEY = base64 of at least 32 bytes.
 */
export function parseSubscriberKeys(keysValue: string | undefined, hashValue: string | undefined): SubscriberKeys {
	if (!keysValue?.trim()) throw new KeysInvalid(`BANDITORE_SUBSCRIBER_KEYS is not set: subscribers' numbers are stored only encrypted. Set it to "k1:<base64 of 32 bytes>". ${HOW}`);
	if (!hashValue?.trim()) throw new KeysInvalid(`BANDITORE_SUBSCRIBER_HASH_KEY is not set: numbers are looked up through a keyed hash. ${HOW}`);
	const keys: SubscriberKeys['keys'] = [];
	for (const part of keysValue.split(',').map((p) => p.trim()).filter(Boolean)) {
		const at = part.indexOf(':');
		const id = at > 0 ? part.slice(0, at) : '';
		if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new KeysInvalid(`BANDITORE_SUBSCRIBER_KEYS: each entry is "id:base64key" with an id of letters, digits, - or _ (entry ${keys.length + 1} is not).`);
		const key = Buffer.from(part.slice(at + 1), 'base64');
		if (key.length !== 32) throw new KeysInvalid(`BANDITORE_SUBSCRIBER_KEYS: key "${id}" is ${key.length} bytes, AES-256 needs exactly 32. ${HOW}`);
		if (keys.some((k) => k.id === id)) throw new KeysInvalid(`BANDITORE_SUBSCRIBER_KEYS: key id "${id}" appears twice.`);
		keys.push({ id, key });
	}
	if (!keys.length) throw new KeysInvalid(`BANDITORE_SUBSCRIBER_KEYS has no key. ${HOW}`);
	const hashKey = Buffer.from(hashValue.trim(), 'base64');
	if (hashKey.length < 32) throw new KeysInvalid(`BANDITORE_SUBSCRIBER_HASH_KEY is ${hashKey.length} bytes, at least 32 are needed. ${HOW}`);
	return { keys, hashKey };
}

/** The lookup hash of a normalised number (digits with the country code). */
export function numberHash(keys: SubscriberKeys, number: string): string {
	return createHmac('sha256', keys.hashKey).update(`wa:${number}`).digest('hex');
}

/** What staff may see: four hex digits of the hash, never anything of the number. */
export function maskedId(hash: string): string {
	return `…${hash.slice(-4)}`;
}

/** `<key id>.<base64url(iv | tag | ciphertext)>`; the hash is authenticated data, tying the two together. */
export function encryptNumber(keys: SubscriberKeys, number: string, hash: string): string {
	const { id, key } = keys.keys[0];
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(Buffer.from(hash));
	const sealed = Buffer.concat([cipher.update(number, 'utf8'), cipher.final()]);
	return `${id}.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

export function keyIdOf(sealed: string): string {
	return sealed.slice(0, sealed.indexOf('.'));
}

export function decryptNumber(keys: SubscriberKeys, sealed: string, hash: string): string {
	const dot = sealed.indexOf('.');
	const id = sealed.slice(0, dot);
	const key = keys.keys.find((k) => k.id === id);
	if (!key) throw new KeysInvalid(`A subscriber's number is encrypted with key "${id}", which is no longer in BANDITORE_SUBSCRIBER_KEYS: add it back (after the new key) and run "banditore subscribers reencrypt".`);
	const data = Buffer.from(sealed.slice(dot + 1), 'base64url');
	const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, 12));
	decipher.setAAD(Buffer.from(hash));
	decipher.setAuthTag(data.subarray(12, 28));
	return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
}

/** Keyed digest of a message id: replays are refused without keeping Meta's ids (they embed the sender). */
export function messageDigest(keys: SubscriberKeys, wamid: string): string {
	return createHmac('sha256', keys.hashKey).update(`wamid:${wamid}`).digest('hex');
}
