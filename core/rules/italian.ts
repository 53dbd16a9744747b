// A light Italian stemmer, so that a list entry also finds the other forms of its words:
// "ordinanza" → ordinanze, "evacuazione" → evacuati, evacuate, "allagamento" → allagata, allagati,
// "chiuso" → chiusa, chiusi, chiuse, "candidato" → candidata, candidati.
//
// Written from the public description of the Snowball Italian stemmer (regions RV, R1, R2; verb
// endings; final vowel), keeping only the steps that change a word's form, not its meaning:
// - step 0 (attached pronouns, "votatelo") is left out;
// - of step 1 (derivational suffixes) only the action nouns stay: -azione/-azioni and -amento/-imento
//   (evacuazione = evacuare, allagamento = allagare) and -uzione/-usione (distribuzione = distribuire).
//   The rest would join words that mean different things: -anti ("militanti" would meet "militari"),
//   -ico ("politico" would meet "politi…"), -ità ("attività" would meet "attivo"), -anza, -enza, -ista.
// - steps 2 (verb endings), 3a (final vowel) and 3b (-ch/-gh) as described, except the future
//   endings -erà -erò -irà -irò: words arrive folded, and without the accent "numero" would lose "ero".
// Input is a folded word (lowercase, no accents: what tokenize() makes). Pure and cached.

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/** Step 1, the kept part: [suffix, region, replacement]. Longest suffix first. */
const STEP1: Array<[string, 'R2' | 'RV', string]> = [
	['uzioni', 'R2', 'u'],
	['uzione', 'R2', 'u'],
	['usioni', 'R2', 'u'],
	['usione', 'R2', 'u'],
	['azioni', 'R2', ''],
	['azione', 'R2', ''],
	['amenti', 'RV', ''],
	['amento', 'RV', ''],
	['imenti', 'RV', ''],
	['imento', 'RV', ''],
];

/** Step 2: verb endings, removed when they lie in RV. Sorted longest first at load. */
const STEP2 = (
	'ammo ando ano are arono asse assero assi assimo ata ate ati ato ava avamo avano avate avi avo emmo enda ende ' +
	'endi endo erai eranno ere erebbe erebbero erei eremmo eremo ereste eresti erete erono essero ete eva ' +
	'evamo evano evate evi evo Yamo iamo immo irai iranno ire irebbe irebbero irei iremmo iremo ireste iresti ' +
	'irete irono isca iscano isce isci isco iscono issero ita ite iti ito iva ivamo ivano ivate ivi ivo ono uta ' +
	'ute uti uto ar ir'
)
	.split(' ')
	.map((s) => s.replace('Y', 'I'))
	.sort((a, b) => b.length - a.length);

const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.has(c);

/** u after q, and i or u between vowels, are consonants here: written upper case while stemming. */
function markSemivowels(word: string): string {
	let out = '';
	for (let k = 0; k < word.length; k++) {
		const c = word[k];
		if (c === 'u' && word[k - 1] === 'q') out += 'U';
		else if ((c === 'i' || c === 'u') && isVowel(out[k - 1]) && isVowel(word[k + 1])) out += c.toUpperCase();
		else out += c;
	}
	return out;
}

/** Where the region after "the first non-vowel following a vowel" begins, searching from `from`. */
function regionAfter(w: string, from: number): number {
	for (let k = from + 1; k < w.length; k++) {
		if (!isVowel(w[k]) && isVowel(w[k - 1])) return k + 1;
	}
	return w.length;
}

function rvStart(w: string): number {
	if (w.length < 3) return w.length;
	if (!isVowel(w[1])) {
		for (let k = 2; k < w.length; k++) if (isVowel(w[k])) return k + 1;
		return w.length;
	}
	if (isVowel(w[0])) {
		for (let k = 2; k < w.length; k++) if (!isVowel(w[k])) return k + 1;
		return w.length;
	}
	return 3;
}

const LETTERS = /^[a-z]+$/;

/** The stem of one folded word; words with digits or other signs are returned as they are. */
export function italianStem(word: string): string {
	if (word.length < 3 || !LETTERS.test(word)) return word;
	let w = markSemivowels(word);
	const rv = rvStart(w);
	const r1 = regionAfter(w, 0);
	const r2 = regionAfter(w, r1);

	let removed = false;
	for (const [suffix, region, replacement] of STEP1) {
		if (!w.endsWith(suffix)) continue;
		const at = w.length - suffix.length;
		if (at >= (region === 'R2' ? r2 : rv)) {
			w = w.slice(0, at) + replacement;
			removed = true;
		}
		break;
	}
	if (!removed) {
		for (const suffix of STEP2) {
			if (w.endsWith(suffix) && w.length - suffix.length >= rv) {
				w = w.slice(0, w.length - suffix.length);
				break;
			}
		}
	}
	// 3a: a final vowel in RV, then an i before it in RV.
	if (w.length - 1 >= rv && /[aeio]$/.test(w)) {
		w = w.slice(0, -1);
		if (w.length - 1 >= rv && w.endsWith('i')) w = w.slice(0, -1);
	}
	// 3b: -ch, -gh in RV lose the h ("civiche" → civic, like "civica").
	if (w.length - 2 >= rv && /[cg]h$/.test(w)) w = w.slice(0, -1);
	return w.toLowerCase();
}

const stems = new Map<string, string>();
const MAX_STEMS = 50_000;

/** italianStem with a cache: texts repeat their words, and a stem is computed once per word. */
export function stemOf(word: string): string {
	let out = stems.get(word);
	if (out === undefined) {
		out = italianStem(word);
		if (stems.size >= MAX_STEMS) stems.clear();
		stems.set(word, out);
	}
	return out;
}

/**
 * Articles, prepositions and conjunctions. A phrase's words may have one word between them
 * ("allerta meteo arancione" for "allerta arancione"), but not one of these: after "del", "di",
 * "e" the next word starts another phrase ("la lista del civico 3" is not a "lista civica").
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
	(
		'il lo la i gli le l un uno una di d a ad da in con su per tra fra del dello della dei degli delle dell ' +
		'al allo alla ai agli alle all dal dallo dalla dai dagli dalle dall nel nello nella nei negli nelle nell ' +
		'col coi sul sullo sulla sui sugli sulle sull e ed o od ne ma che se non come'
	).split(' '),
);
