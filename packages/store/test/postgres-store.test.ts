import { describeStore } from './store-conformance.js';
import { postgresAvailable, postgresFactory } from './support.js';

const available = await postgresAvailable();
describeStore('postgres', postgresFactory(), !available);
