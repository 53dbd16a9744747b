// Cookies, read and written by hand: @fastify/cookie loads its parser with a dynamic import of an
// ESM-only package, which jest (running these sources) cannot do. Values here are base64url tokens.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CookieOptions {
	path: string;
	secure: boolean;
	/** Seconds; none = until the browser closes. */
	maxAge?: number;
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
	const header = request.headers.cookie;
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
		const value = part.slice(eq + 1).trim();
		return /^[\w-]+$/.test(value) ? value : undefined;
	}
	return undefined;
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
	const parts = [`${name}=${value}`, `Path=${options.path}`, 'HttpOnly', 'SameSite=Lax'];
	if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
	if (options.secure) parts.push('Secure');
	const previous = reply.getHeader('set-cookie');
	const list = previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)];
	reply.header('set-cookie', [...list, parts.join('; ')]);
}

export function clearCookie(reply: FastifyReply, name: string, options: Omit<CookieOptions, 'maxAge'>): void {
	setCookie(reply, name, '', { ...options, maxAge: 0 });
}
