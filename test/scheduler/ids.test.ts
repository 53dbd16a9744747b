import { newId } from '../../scheduler/src/ids';

test('ids are RFC 9562 version 7 UUIDs, in creation order even within one millisecond', () => {
	const ids = Array.from({ length: 500 }, () => newId(1_780_000_000_000));
	for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	expect([...ids].sort()).toEqual(ids);
	expect(new Set(ids).size).toBe(ids.length);
	expect(newId(1_780_000_000_001) > ids[ids.length - 1]).toBe(true);
	expect(ids[0].replace(/-/g, '').slice(0, 12)).toBe((1_780_000_000_000).toString(16).padStart(12, '0'));
});
