// The scheduler's client lives in nodes/shared/, shared with Banditore Policy (channel rules); this
// path stays for the nodes that import it from here.
export { CREDENTIAL, schedulerRequest } from '../../shared/scheduler.transport';
