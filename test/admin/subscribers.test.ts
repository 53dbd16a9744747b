// The "Iscritti" page over HTTP on 127.0.0.1, on a real SQLite file and on PostgreSQL: counts per
// channel after sign-ups, confirmations and STOP through the real webhook, the sign-up link and its
// QR code (inline and as downloads behind the session), and never a subscriber's number.
import { saveUser } from '../../scheduler/src/admin/users';
import { skipPostgres, TOKEN, type Kind } from '../scheduler/helpers';
import { CITIZENS, national } from '../subscribers/harness';
import { Client, startSubscribersAdmin, type Page, type SubscribersAdminHarness } from './helpers';

const NOW = '2026-03-02T09:00:00Z';
const LINK = 'https://wa.me/390297351?text=ISCRIVIMI';
const [ANNA, BRUNO, CARLA] = CITIZENS;

/** Every way a number may be written: 39…, +39…, 0039…, the national part alone or spaced, base64. */
const forms = (n: string): string[] => {
	const local = national(n);
	return [n, `+${n}`, `00${n}`, local, `${local.slice(0, 3)} ${local.slice(3, 6)} ${local.slice(6)}`, Buffer.from(n).toString('base64')];
};

function expectNoNumber(text: string): void {
	for (const n of CITIZENS) for (const form of forms(n)) expect([form, text.includes(form)]).toEqual([form, false]);
}

const figure = (page: Page, id: string): number | null => {
	const match = page.text.match(new RegExp(`id="${id}">(\\d+)<`));
	return match ? Number(match[1]) : null;
};

describe.each<Kind>(['sqlite', 'postgres'])('subscribers page on %s', (kind) => {
	let h: SubscribersAdminHarness;
	let skip = false;
	const client = () => new Client(() => h.scheduler.url);

	beforeAll(async () => {
		skip = await skipPostgres(kind);
		if (!skip) h = await startSubscribersAdmin(kind, NOW);
	});
	afterAll(async () => {
		if (!skip) await h.close();
	});

	test('without a session the page and the downloads send to the login; the API token opens nothing here', async () => {
		if (skip) return;
		const c = client();
		for (const path of ['/admin/subscribers', '/admin/subscribers/magenta/qr.svg', '/admin/subscribers/magenta/qr.png']) {
			const page = await c.get(path);
			expect([path, page.status, page.location]).toEqual([path, 303, `/admin/login?next=${encodeURIComponent(path)}`]);
			const bearer = await fetch(`${h.scheduler.url}${path}`, { redirect: 'manual', headers: { authorization: `Bearer ${TOKEN}` } });
			expect([path, bearer.status]).toEqual([path, 303]);
		}
	});

	test('counts follow sign-ups, confirmations and STOP; the Channel says its followers are anonymous', async () => {
		if (skip) return;
		const c = client();
		expect((await c.login()).status).toBe(303);
		const counts = async () => {
			const page = await c.get('/admin/subscribers');
			expect(page.status).toBe(200);
			return [figure(page, 'confirmed-magenta'), figure(page, 'pending-magenta')];
		};
		expect(await counts()).toEqual([0, 0]);

		expect(await h.inbound(ANNA, 'ISCRIVIMI')).toBe(200);
		expect(await counts()).toEqual([0, 1]);
		expect(await h.inbound(ANNA, 'SI')).toBe(200);
		expect(await h.inbound(BRUNO, 'ISCRIVIMI')).toBe(200);
		expect(await h.inbound(CARLA, 'ISCRIVIMI')).toBe(200);
		expect(await h.inbound(CARLA, 'Sì, accetto')).toBe(200);
		expect(await counts()).toEqual([2, 1]);
		// Anything else changes nothing; STOP removes the person at once.
		expect(await h.inbound(BRUNO, 'Quando apre la biblioteca?')).toBe(200);
		expect(await h.inbound(ANNA, 'stop')).toBe(200);
		expect(await counts()).toEqual([1, 1]);
		// The flow really ran: the citizens got the replies.
		expect(h.graph.bodies.filter((b) => b.to === CARLA && b.type === 'text')).toHaveLength(2);

		const page = await c.get('/admin/subscribers');
		// The navigation has the page, marked as the current one; no channel picker (every channel is here).
		expect(page.text).toContain('<a class="nav-link active" href="/admin/subscribers" aria-current="page"><span>Iscritti</span></a>');
		expect(page.text).not.toContain('id="channel-pick"');
		const meda = page.text.slice(page.text.indexOf('id="channel-meda"'), page.text.indexOf('id="channel-magenta"'));
		expect(meda).toContain('Comune di Meda');
		expect(meda).toContain('Questo canale pubblica su un Canale WhatsApp: chi lo segue resta anonimo, quindi qui non è contato.');
		expect(meda).not.toContain('confirmed-');
		expect(meda).not.toContain('<svg');
		expectNoNumber(page.text);
	});

	test('the sign-up link is copyable and its QR code is inline, with SVG and PNG downloads', async () => {
		if (skip) return;
		const c = client();
		await c.login();
		const page = await c.get('/admin/subscribers');
		const magenta = page.text.slice(page.text.indexOf('id="channel-magenta"'));
		expect(magenta).toContain(`<input type="text" id="link-magenta" class="form-control signup-link" readonly value="${LINK}"`);
		expect(magenta).toContain('data-copy="link-magenta"');
		expect(magenta).toMatch(/<svg class="qr-code" role="img" aria-label="Codice QR del link di iscrizione a Comune di Magenta" xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
		expect(magenta).toContain('href="/admin/subscribers/magenta/qr.svg" download');
		expect(magenta).toContain('href="/admin/subscribers/magenta/qr.png" download');

		const svg = await c.raw('/admin/subscribers/magenta/qr.svg');
		expect(svg.status).toBe(200);
		expect(svg.headers.get('content-type')).toBe('image/svg+xml');
		expect(svg.headers.get('content-disposition')).toBe('attachment; filename="magenta-iscrizione.svg"');
		const svgText = await svg.text();
		expect(svgText).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
		// The same QR code as on the page.
		expect(magenta).toContain(svgText.slice(svgText.indexOf('viewBox'), svgText.indexOf('</svg>')));

		const png = await c.raw('/admin/subscribers/magenta/qr.png');
		expect(png.status).toBe(200);
		expect(png.headers.get('content-type')).toBe('image/png');
		expect(png.headers.get('content-disposition')).toBe('attachment; filename="magenta-iscrizione.png"');
		const bytes = Buffer.from(await png.arrayBuffer());
		// The PNG signature, then the IHDR chunk: 512 × 512.
		expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
		expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
		expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([512, 512]);

		expectNoNumber(svgText);
		expectNoNumber(bytes.toString('latin1'));
		expectNoNumber(bytes.toString('utf8'));
	});

	test('an editor sees the page; a channel without a sign-up link or an unknown one is explained in Italian', async () => {
		if (skip) return;
		await saveUser(h.scheduler.ctx.store, 'redazione', 'editor', 'password-redazione', 'test', Date.parse(NOW));
		const c = client();
		expect((await c.login('redazione', 'password-redazione')).status).toBe(303);
		const dashboard = await c.get('/admin');
		expect(dashboard.text).toContain('href="/admin/subscribers"');
		const page = await c.get('/admin/subscribers');
		expect(page.status).toBe(200);
		expect(page.text).toContain(LINK);

		const meda = await c.get('/admin/subscribers/meda/qr.png');
		expect(meda.status).toBe(404);
		expect(meda.text).toContain('Il canale «meda» non ha un link di iscrizione.');
		const unknown = await c.get('/admin/subscribers/%3Cb%3Enope/qr.svg');
		expect(unknown.status).toBe(404);
		expect(unknown.text).toContain('Il canale «&lt;b&gt;nope» non esiste.');
		expect((await c.get('/admin/subscribers/magenta/qr.gif')).status).toBe(404);
	});
});
