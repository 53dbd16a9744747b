// Every request body we send, checked against the provider's OpenAPI spec.
import { cloudBody } from '../../core/whatsapp/transports/cloud';
import { evolutionMediaBody, evolutionTextBody } from '../../core/whatsapp/transports/evolution';
import { wahaImageBody, wahaTextBody } from '../../core/whatsapp/transports/waha';
import { statusPayload } from './fake-graph';
import { cloudErrors, cloudSchemaErrors, evolutionErrors, wahaErrors } from './spec';

const TEXT = '🚧 *Chiusura di via Roma*\nDal 24 novembre è chiusa per lavori.\nhttps://www.comune.example.it/novita/avviso-1';

describe('Cloud API bodies against whatsapp-cloud-api_v23.0.yaml', () => {
	it('a template with an image header, body parameters and callback data is valid', () => {
		const body = cloudBody('393331234567', { kind: 'template', name: 'notizia_comune', language: 'it', headerImage: 'https://www.comune.example.it/img/lavori.jpg', body: ['Chiusura di via Roma', 'https://www.comune.example.it/novita/avviso-1'] }, 'b1:sub-1');
		expect(cloudErrors(body)).toEqual([]);
		expect(body).toMatchObject({ type: 'template', template: { language: { code: 'it', policy: 'deterministic' } }, biz_opaque_callback_data: 'b1:sub-1' });
	});

	it('a template with a text header, or with no parameters, is valid', () => {
		expect(cloudErrors(cloudBody('393331234567', { kind: 'template', name: 'allerta', language: 'it', headerText: 'Allerta meteo', body: ['Arancione'] }))).toEqual([]);
		expect(cloudErrors(cloudBody('393331234567', { kind: 'template', name: 'hello_world', language: 'it', body: [] }))).toEqual([]);
	});

	it('text with link preview and image with caption are valid', () => {
		const text = cloudBody('393331234567', { kind: 'text', text: TEXT });
		expect(cloudErrors(text)).toEqual([]);
		expect(text).toMatchObject({ text: { preview_url: true, body: TEXT } });
		expect(cloudErrors(cloudBody('393331234567', { kind: 'image', link: 'https://www.comune.example.it/a.jpg', caption: TEXT }))).toEqual([]);
		expect(cloudErrors(cloudBody('393331234567', { kind: 'image', link: 'https://www.comune.example.it/a.jpg' }))).toEqual([]);
	});

	it('the validator is not a rubber stamp', () => {
		expect(cloudErrors({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '39', type: 'text', text: { body: 'x' }, extra: 1 })).not.toEqual([]);
		expect(cloudErrors({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '39', type: 'template', template: { name: 'x', language: { code: 'it' } } })).not.toEqual([]);
		expect(cloudErrors({ messaging_product: 'whatsapp', to: '39', type: 'text', text: { body: 'x' } })).not.toEqual([]);
		// Text and image admit no extra property: that is why only templates carry callback data.
		expect(cloudErrors({ ...cloudBody('39', { kind: 'text', text: 'x' }), biz_opaque_callback_data: 'b:k' })).not.toEqual([]);
	});

	it('the fake server status webhook matches the Statuses schema', () => {
		const payload = statusPayload('393331234567', 'wamid.1', 'b1:sub-1') as { entry: Array<{ changes: Array<{ value: { statuses: unknown[] } }> }> };
		expect(cloudSchemaErrors('Statuses', payload.entry[0].changes[0].value.statuses[0])).toEqual([]);
	});
});

describe('WAHA bodies against waha-openapi.json', () => {
	it('sendText to a channel and sendImage to a community group are valid', () => {
		const text = wahaTextBody('default', '120363012345678901@newsletter', TEXT);
		expect(wahaErrors('/api/sendText', text)).toEqual([]);
		expect(text).toMatchObject({ linkPreview: true });
		const image = wahaImageBody('default', '120363098765432109@g.us', { text: TEXT, image: { url: 'https://www.comune.example.it/img/lavori.png' } });
		expect(wahaErrors('/api/sendImage', image)).toEqual([]);
		expect(image).toMatchObject({ file: { mimetype: 'image/png', filename: 'lavori.png' } });
		expect(wahaErrors('/api/sendText', { chatId: 'x@newsletter', text: 'x' })).not.toEqual([]);
	});
});

describe('Evolution API bodies against evolution-api-openapi-v2.json', () => {
	it('sendText and sendMedia are valid', () => {
		expect(evolutionErrors('/message/sendText/{instance}', evolutionTextBody('120363012345678901@newsletter', TEXT))).toEqual([]);
		const media = evolutionMediaBody('120363098765432109@g.us', { text: TEXT, image: { url: 'https://www.comune.example.it/foto?id=3' } });
		expect(evolutionErrors('/message/sendMedia/{instance}', media)).toEqual([]);
		expect(evolutionErrors('/message/sendMedia/{instance}', { number: 'x', media: 'y' })).not.toEqual([]);
	});
});
