export * from './analytics-recorder';
export * from './anonymise-ip';
export * from './batch-codec';
export * from './event-ring-buffer';
export * from './latency-histogram';
export * from './queue-names';
export * from './quota-period';
export * from './request-event';
