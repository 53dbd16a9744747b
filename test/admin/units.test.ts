// The small pieces every page relies on: escaping, the WhatsApp preview, CSV for Excel, redaction.
import { bubble, whatsappHtml } from '../../scheduler/src/admin/bubble';
import { csvCell, toCsv } from '../../scheduler/src/admin/csv';
import { html, safe } from '../../scheduler/src/admin/html';
import { maskPhones, redact } from '../../scheduler/src/admin/redact';
import { applyForm, categoryId } from '../../scheduler/src/admin/rules-edit';

test('html`` escapes every interpolation unless it is Html', () => {
	const title = '<script>alert("x")</script> & \'co\'';
	expect(html`<p title="${title}">${title}</p>`.value).toBe(
		'<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
	);
	expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.value).toBe('<ul>&lt;a&gt;<li>ok</li></ul>');
	expect(html`${safe('<b>ours</b>')}${null}${undefined}${false}${0}`.value).toBe('<b>ours</b>0');
});

test('the WhatsApp preview renders *bold*, _italic_, ~strike~ and links, and nothing else', () => {
	expect(whatsappHtml('*Avviso* _oggi_ ~ieri~ https://x.it/a?b=1&c=2').value).toBe(
		'<strong>Avviso</strong> <em>oggi</em> <s>ieri</s> <a href="https://x.it/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">https://x.it/a?b=1&amp;c=2</a>',
	);
	expect(whatsappHtml('<img src=x onerror=alert(1)> javascript:alert(1)').value).toBe('&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)');
	// A link cannot close its attribute.
	expect(whatsappHtml('https://x.it/"><script>').value).toBe('<a href="https://x.it/" rel="noopener noreferrer nofollow">https://x.it/</a>&quot;&gt;&lt;script&gt;');
	expect(bubble('testo', '<meta>').value).toContain('<span class="wa-meta">&lt;meta&gt;</span>');
});

test('CSV cells: quoted when needed, formulas neutralised, BOM and CRLF for Excel', () => {
	expect(csvCell('semplice')).toBe('semplice');
	expect(csvCell('a;b')).toBe('"a;b"');
	expect(csvCell('dice "sì"')).toBe('"dice ""sì"""');
	expect(csvCell('riga\nnuova')).toBe('"riga\nnuova"');
	for (const formula of ['=1+1', '+39 333', '-2', '@SUM(A1)', '\tx']) expect(csvCell(formula).replace(/^"/, '').startsWith("'")).toBe(true);
	expect(csvCell(null)).toBe('');
	expect(csvCell(12)).toBe('12');
	expect(toCsv([['a', 'b'], ['c', '=d']])).toBe("\uFEFFa;b\r\nc;'=d\r\n");
});

test('phone numbers never reach a page or an export', () => {
	expect(maskPhones('chiama +39 333 123 4567 o 0362 39 61 11 entro il 2026-06-10')).toBe('chiama *** o *** entro il 2026-06-10');
	expect(redact({ phone: '+393331234567', nested: [{ wa_id: '393331234567', note: 'ok 3331234567' }], version: 3, to: 'queued' })).toEqual({
		phone: '***',
		nested: [{ wa_id: '***', note: 'ok ***' }],
		version: 3,
		to: 'queued',
	});
});

test('rules forms change only the values in the text; comments and alignment stay', () => {
	const source = 'quota:\n  perWeek: 10     # limite\n  quietHours:\n    from: "21:00"  # sera\n    to: "07:30"\ncategories:\n  - id: a\n    label: A\n    match:\n      words:\n        - uno   # primo\n        - due\n';
	const out = applyForm(source, 'quota', { perWeek: '7', week: 'iso', emergenciesExempt: 'on', minSpacingMinutes: '0', quietFrom: '22:00', quietTo: '07:30' });
	expect(out).toBe(source.replace('perWeek: 10     #', 'perWeek: 7      #').replace('"21:00"  #', '"22:00"  #'));
	const words = applyForm(source, 'categories', { 'label-0': 'A', 'words-0': 'uno\ntre' });
	expect(words).toBe(source.replace('- uno   # primo\n        - due\n', '- uno\n        - tre\n'));
	const noQuiet = applyForm(source, 'quota', { perWeek: '10', week: 'iso', emergenciesExempt: 'on', minSpacingMinutes: '0', quietFrom: '', quietTo: '' });
	expect(noQuiet).not.toContain('quietHours');
	expect(noQuiet).toContain('perWeek: 10 # limite');
});

test('a new category\'s id comes from its label: lowercase, ascii, dashes', () => {
	expect(categoryId('  Città e Cultura! ')).toBe('citta-e-cultura');
	expect(categoryId('Sport & tempo libero 2026')).toBe('sport-tempo-libero-2026');
	expect(categoryId('🎉')).toBe('');
});

test('categories are added and removed in the text; the comments around them stay, flow lists too', () => {
	const block = ['categories:', '  - id: a # prima', '    label: A', '', '  # la seconda', '  - id: b', '    label: B', '', '# dopo', 'fallbackCategory: b', ''].join('\n');
	expect(applyForm(block, 'category-remove', { id: 'a' })).toBe(['categories:', '  # la seconda', '  - id: b', '    label: B', '', '# dopo', 'fallbackCategory: b', ''].join('\n'));
	expect(applyForm(block, 'category-remove', { id: 'b' })).toBe(['categories:', '  - id: a # prima', '    label: A', '', '# dopo', 'fallbackCategory: b', ''].join('\n'));
	expect(applyForm(block, 'category-add', { label: 'Sì: "C"', emoji: '#', words: 'uno\ndue' })).toBe(
		block.replace('    label: B\n', '    label: B\n\n  - id: si-c\n    label: "Sì: \\"C\\""\n    emoji: "#"\n    match:\n      words:\n        - uno\n        - due\n'),
	);
	const flow = 'categories: [{ id: a, label: A }] # tutte\n';
	expect(applyForm(flow, 'category-add', { label: 'B', words: 'b' })).toContain('# tutte');
	expect(applyForm(flow, 'category-remove', { id: 'a' })).toBe('categories: [] # tutte\n');
});
