import nock from 'nock';

// No test may reach the real network: everything external is faked with nock or a local server.
beforeAll(() => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
	nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
});

afterEach(() => {
	nock.cleanAll();
});

// Each test file loads its own nock, but they all patch the one http module of the worker:
// unpatch at the end of a file so that the next file's nock is the one that answers.
afterAll(() => {
	nock.restore();
});
