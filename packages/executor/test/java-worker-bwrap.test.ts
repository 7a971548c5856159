import { requireService } from '../../../test-support/services.js';
import { createBwrapSandbox, probeBwrap } from '../src/bwrap/bwrap-sandbox.js';
import { describeJavaWorkerConformance } from './conformance/java-worker-conformance.js';
import { bwrapTestOptions } from './support/bwrap-options.js';

const options = bwrapTestOptions();
const available = await requireService('bubblewrap sandbox', async () => probeBwrap(options));

describeJavaWorkerConformance('bwrap', () => createBwrapSandbox(options), available);
