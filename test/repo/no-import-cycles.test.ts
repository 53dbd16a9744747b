// No import circles (#16): a circle means no part of it can be understood, tested or replaced alone.
// Every relative import counts, type-only ones too: a type that points back is a circle in the design.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const SOURCES = ['core', 'cli', 'nodes', 'credentials', 'scheduler/src'];

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
	});
}

function resolveImport(from: string, specifier: string): string | null {
	if (!specifier.startsWith('.')) return null;
	const base = join(dirname(from), specifier);
	for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// not this one
		}
	}
	return null;
}

function importGraph(): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
		const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
		const targets = importedFiles.map((entry) => resolveImport(file, entry.fileName)).filter((target): target is string => target !== null);
		graph.set(file, [...new Set(targets)]);
	}
	return graph;
}

/** Tarjan's strongly connected components of more than one file (or a file importing itself). */
function circles(graph: Map<string, string[]>): string[][] {
	let index = 0;
	const order = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (file: string): void => {
		order.set(file, index);
		low.set(file, index++);
		stack.push(file);
		onStack.add(file);
		for (const next of graph.get(file) ?? []) {
			if (!order.has(next)) {
				visit(next);
				low.set(file, Math.min(low.get(file)!, low.get(next)!));
			} else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, order.get(next)!));
		}
		if (low.get(file) !== order.get(file)) return;
		const component: string[] = [];
		let member: string;
		do {
			member = stack.pop()!;
			onStack.delete(member);
			component.push(relative(ROOT, member));
		} while (member !== file);
		if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.sort());
	};
	for (const file of graph.keys()) if (!order.has(file)) visit(file);
	return found;
}

describe('the import graph', () => {
	const graph = importGraph();

	it('reads the sources it guards', () => {
		expect(graph.size).toBeGreaterThan(200);
		expect(graph.get(join(ROOT, 'scheduler/src/dispatch.ts'))?.length).toBeGreaterThan(3);
	});

	it('finds a circle when there is one', () => {
		expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c'].map((name) => relative(ROOT, name))]);
	});

	it('has no circle', () => {
		expect(circles(graph)).toEqual([]);
	});
});
