import { requireService } from '../../../test-support/services.js';
import { createBwrapSandbox, probeBwrap } from '../src/bwrap/bwrap-sandbox.js';
import { bwrapTestOptions } from './support/bwrap-options.js';
import { describeJudge } from './support/judge-suite.js';

// Real Python, Java and SQL programs graded end to end through the bubblewrap sandbox.
const options = bwrapTestOptions();
const available = await requireService('bubblewrap sandbox', async () => probeBwrap(options));

describeJudge('bwrap', available, () => createBwrapSandbox(options));
