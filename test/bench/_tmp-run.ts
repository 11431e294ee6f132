import { benchAckLatency, formatAckLatency } from './ack-latency.js';
const opts = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof benchAckLatency>[0];
console.log(formatAckLatency(await benchAckLatency(opts)));
