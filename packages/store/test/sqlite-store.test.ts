import { describeStore } from './store-conformance.js';
import { sqliteFactory } from './support.js';

describeStore('sqlite', sqliteFactory());
