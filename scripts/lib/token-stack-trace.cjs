// cdktf records the full creation stack of every token (Error.captureStackTrace with an unlimited depth)
// only to print it in error messages. In the synth bundle that is ~30 % of a 300-resource synthesis, so
// it is off unless SBT_SYNTH_STACK_TRACES=1 (set it when a token error needs its origin).
const enabled = process.env.SBT_SYNTH_STACK_TRACES === '1';

function captureStackTrace(below) {
  if (!enabled) return [];
  below = below || captureStackTrace;
  const object = { stack: '' };
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.captureStackTrace(object, below);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  return object.stack
    ? object.stack
        .split('\n')
        .slice(1)
        .map((s) => s.replace(/^\s*at\s+/, ''))
    : [];
}

exports.captureStackTrace = captureStackTrace;
