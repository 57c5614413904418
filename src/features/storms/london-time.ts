// Moved to infra (events read and write UK times too); storms keep importing it from here.
export * from '../../infra/clock/london-time.js';
