// A clone from the hosting site, alone in an empty folder, must build and pass its own tests (#18):
// no tracked file may name a place outside the repository. Two kinds of reference are looked for:
// - an absolute path into somebody's machine (a home, a shared work folder, a temporary folder),
//   where a file of the project would have been read from; system paths used at run time (the
//   Chromium binary, /dev/null, /etc/postgresql, /proc, /var/lib/banditore in the docs) are fine;
// - a relative path that climbs out of the repository when resolved from the file's own folder, or,
//   for compiled sources, from the folder their build runs from (dist/cli/commands, not cli/commands).
// URLs are not paths, and data whose paths belong to the documents themselves is not read.
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SELF = 'test/repo/no-outside-paths.test.ts';

/** Not read: the lockfile (registry addresses), and test data (feeds, pages, provider specs), whose paths are content. */
const SKIP: RegExp[] = [/^package-lock\.json$/, /^test\/fixtures\//, new RegExp(`^${SELF.replace(/\./g, '\\.')}$`)];

/** Absolute paths that are fine where they are, each with the reason. */
const ALLOWED: Array<{ file: string; text: string; why: string }> = [
	{
		file: 'nodes/BanditorePolicy/rules.description.ts',
		text: '/home/node/banditore/meda.yaml',
		why: "a placeholder in the node's form: where a rules file may sit on the n8n host (n8n's Docker image runs as user node)",
	},
	{
		file: 'test/core/html/listing-vendors.test.ts',
		text: 'file:///home/ufficio/Scaricati/',
		why: "the address a browser gives a page it saved (the Downloads folder of an office PC): data the reader must resolve links against, never read",
	},
];

/** Compiled sources run from their build folder (tsconfig.json, tsconfig.bench.json, scheduler/tsconfig.json). */
const BUILDS: Array<{ sources: RegExp; out: string }> = [
	{ sources: /^(core|nodes|credentials|cli)\/.*\.ts$/, out: 'dist' },
	{ sources: /^(core|bench)\/.*\.ts$/, out: 'dist-bench' },
	{ sources: /^(core|scheduler\/src)\/.*\.ts$/, out: 'scheduler/dist' },
];

// Top folders of a developer's or a CI machine, never of a deployment: a file found there is not in a clone.
// Not preceded by a path or URL character, so "https://host/home/x", "~/tmp", "${dir}/tmp/x" and "a/root/b" pass.
// Followed by "/" or the end of the path, so the regular expression /root:|nologin/ is not a path.
const MACHINE = /(?<![\w.~/$)}\]:@-])\/(?:work|home|root|tmp|Users|mnt|private\/tmp|var\/folders)(?=\/|$|[\s'"`)\],;])/g;
const FILE_URL = /file:\/\/\/(?:work|home|root|tmp|Users|mnt|private\/tmp|var\/folders)(?=\/|$|[\s'"`)\],;])/g;
const WINDOWS = /\b[A-Za-z]:[\\/]+(?:Users|Documents and Settings|Temp)\b/g;
// "..", "../x", "../../x/y" as a path of its own (not "...", not "a/../b", not an ellipsis in prose).
const UP = /(?<![\w.~/$-])\.\.(?=\/|$|[^\w./])[^\s'"`()<>[\]{},;|*?$#\\]*/g;
// join(__dirname, '..', '..', 'x') and the like, with literal segments only.
const JOINED = /\b(?:join|resolve)\(\s*([A-Za-z_$][\w$]*|dirname\(fileURLToPath\(import\.meta\.url\)\))((?:\s*,\s*(['"])[^'"\n]*\3)+)\s*\)/g;
const HERE = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:__dirname|dirname\(fileURLToPath\(import\.meta\.url\)\))/g;

/** Scripts that first change to the repository's root (`cd "$(dirname "$0")/.."`): their relative paths start there. */
const FROM_ROOT = /^\.ci\/run$/;

function bases(file: string): string[] {
	if (FROM_ROOT.test(file)) return ['.'];
	const folder = posix.dirname(file);
	return [folder, ...BUILDS.filter((build) => build.sources.test(file)).map((build) => posix.join(build.out, folder))];
}

/** True when the relative path leaves the repository from every folder the file may run from. */
function climbsOut(file: string, relative: string): boolean {
	return bases(file).every((base) => {
		const resolved = posix.normalize(posix.join(base, relative));
		return resolved === '..' || resolved.startsWith('../');
	});
}

/** The references to places outside the repository in one file's text, as "file:line: text". */
function outsideReferences(file: string, text: string): string[] {
	const found: string[] = [];
	const lines = text.split('\n');
	const anchors = new Set(['__dirname', 'dirname(fileURLToPath(import.meta.url))', ...[...text.matchAll(HERE)].map((match) => match[1])]);
	lines.forEach((line, index) => {
		const report = (what: string) => found.push(`${file}:${index + 1}: ${what}`);
		for (const pattern of [MACHINE, FILE_URL, WINDOWS]) {
			for (const match of line.matchAll(pattern)) {
				const rest = line.slice(match.index).match(/^[^\s'"`()<>,;]*/)![0];
				if (!ALLOWED.some((allowed) => allowed.file === file && rest.startsWith(allowed.text))) report(rest);
			}
		}
		for (const [path] of line.matchAll(UP)) if (climbsOut(file, path)) report(path);
		for (const [call, anchor, segments] of line.matchAll(JOINED)) {
			if (!anchors.has(anchor)) continue;
			const parts = [...segments.matchAll(/(['"])([^'"\n]*)\1/g)].map((segment) => segment[2]);
			if (climbsOut(file, posix.join(...parts))) report(call);
		}
	});
	return found;
}

function trackedFiles(): string[] {
	return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
}

describe('the check itself', () => {
	it('finds absolute paths into a machine and relative paths that climb out', () => {
		expect(outsideReferences('test/whatsapp/spec.ts', "const SPECS = process.env.X ?? '/work/shared/specs';")).toHaveLength(1);
		expect(outsideReferences('scripts/x.mjs', 'cp "$HOME"/x /tmp/x && ls /home/me/specs')).toHaveLength(2);
		expect(outsideReferences('README.md', 'open file:///root/specs/a.json')).toHaveLength(1);
		expect(outsideReferences('README.md', 'the specs are in C:\\Users\\me\\specs')).toHaveLength(1);
		expect(outsideReferences('test/whatsapp/spec.ts', "readFileSync('../../../shared/specs/a.json')")).toHaveLength(1);
		expect(outsideReferences('README.md', 'see [the specs](../shared/specs)')).toHaveLength(1);
		expect(outsideReferences('.ci/run', 'ls ../shared/specs')).toHaveLength(1);
		expect(outsideReferences('test/whatsapp/spec.ts', "const SPECS = join(__dirname, '..', '..', '..', 'shared', 'specs');")).toHaveLength(1);
		expect(outsideReferences('scripts/x.mjs', "const here = dirname(fileURLToPath(import.meta.url));\nconst up = join(here, '..', '..');")).toHaveLength(1);
	});

	it('leaves URLs, system paths, home-relative paths and paths inside the repository alone', () => {
		const fine = [
			'https://graph.facebook.com/home/tmp/work/x',
			'[ -x /usr/bin/chromium ] && echo >/dev/null; ls /etc/postgresql; cat /proc/1/stat',
			'BANDITORE_DB=/var/lib/banditore/banditore.sqlite; cache in ~/.cache/banditore and ~/tmp',
			'join(dir, "work", "tmp"); `${dir}/tmp/x`; "$(pwd)/home/x"; a/root/b; data/work/x',
			"import { t } from '../../core/messages'; const x = [...rest]; wait...",
			"expect(output).not.toMatch(/root:|nologin|\\/bin\\/(ba)?sh/);",
			"const SPECS = join(__dirname, '..', 'fixtures', 'specs');",
		];
		for (const line of fine) expect(outsideReferences('test/whatsapp/spec.ts', line)).toEqual([]);
		// Built to dist/cli/commands, three levels up is the repository's root.
		expect(outsideReferences('cli/commands/demo.ts', "const ROOT = join(__dirname, '..', '..', '..');")).toEqual([]);
		expect(outsideReferences('scheduler/src/config.ts', "for (const up of ['../../rules/meda.yaml', '../../../../rules/meda.yaml'])")).toEqual([]);
		// A test file is not built: the same climb from test/ leaves the repository.
		expect(outsideReferences('test/x.test.ts', "const ROOT = join(__dirname, '..', '..', '..');")).toHaveLength(1);
	});

	it('has no exception that no longer matches anything', () => {
		for (const allowed of ALLOWED) expect(readFileSync(join(ROOT, allowed.file), 'utf8')).toContain(allowed.text);
	});
});

describe('the repository', () => {
	it('names no path outside itself in any tracked file', () => {
		const found: string[] = [];
		let read = 0;
		for (const file of trackedFiles()) {
			if (SKIP.some((pattern) => pattern.test(file))) continue;
			const path = join(ROOT, file);
			const stat = lstatSync(path, { throwIfNoEntry: false });
			if (!stat) continue; // deleted in the work tree, not yet committed
			if (stat.isSymbolicLink()) {
				const target = readlinkSync(path);
				if (target.startsWith('/') || climbsOut(file, target)) found.push(`${file}: a link to ${target}`);
				continue;
			}
			const bytes = readFileSync(path);
			if (bytes.includes(0)) continue; // images and other binary files
			read++;
			found.push(...outsideReferences(file, bytes.toString('utf8')));
		}
		expect(read).toBeGreaterThan(100);
		expect(found).toEqual([]);
	});
});
