// The V8 flags the service runs with: its launchers pass them (npm run scheduler, the scheduler's npm
// start, the systemd unit in README.md, the demo's npm start and the bench), and a test checks each.
// V8 has to have them at start: set later (v8.setFlagsFromString), the heap still climbed. `banditore
// scheduler` runs the service in the CLI's own process, without them: the n8n package may not start
// processes.
//
// --no-allocation-site-pretenuring: V8 sends an allocation site's objects straight to the old
// generation once most of them have outlived a scavenge. Under load the pg client's results (row
// descriptions, rows) get so marked, and from then on every result dies in the old generation: in
// process, the heap climbed from 50 to ~170 MB between mark-compacts, and a busy service's scavenges
// took twice as long (scheduler/README.md, "Results that die young").
export const NODE_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];
