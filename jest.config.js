/** Tests run on the TypeScript sources; engine tests load the built package from dist/. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	setupFiles: ['<rootDir>/test/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
	testTimeout: 30000,
	// n8n-core's engine leaves timers and a DI container alive after a run; nothing of ours does.
	forceExit: true,
};
