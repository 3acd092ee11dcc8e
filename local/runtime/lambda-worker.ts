/**
 * The code a Lambda execution environment runs inside a worker thread. It is passed to `new Worker`
 * as source (eval) so it runs the same under tsx, jest and plain node. The handler module is imported
 * once per worker (cold start), then reused across invocations (warm), as on Lambda.
 */
export const LAMBDA_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
let handlerFn;
async function load() {
  let mod;
  try {
    mod = await import(pathToFileURL(workerData.file).href);
  } catch (error) {
    const e = new Error(String(error && error.message ? error.message : error));
    e.name = 'Runtime.ImportModuleError';
    e.stack = error && error.stack;
    throw e;
  }
  const fn = mod[workerData.exportName] ?? (mod.default && mod.default[workerData.exportName]);
  if (typeof fn !== 'function') {
    const e = new Error(workerData.handler + ' is undefined or not exported');
    e.name = 'Runtime.HandlerNotFound';
    throw e;
  }
  handlerFn = fn;
}
function callHandler(event, context) {
  if (handlerFn.length >= 3) {
    return new Promise((resolve, reject) => {
      const r = handlerFn(event, context, (err, value) => (err ? reject(err) : resolve(value)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
    });
  }
  return handlerFn(event, context);
}
parentPort.on('message', async (msg) => {
  process.env._X_AMZN_TRACE_ID = msg.traceId;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: workerData.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: workerData.functionArn,
    memoryLimitInMB: String(workerData.memoryMb),
    awsRequestId: msg.requestId,
    logGroupName: '/aws/lambda/' + workerData.functionName,
    logStreamName: workerData.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
    done: () => undefined,
    succeed: () => undefined,
    fail: () => undefined,
  };
  try {
    if (!handlerFn) await load();
    const result = await callHandler(JSON.parse(msg.event), context);
    parentPort.postMessage({ requestId: msg.requestId, ok: true, payload: result === undefined ? 'null' : JSON.stringify(result) });
  } catch (error) {
    const errorType = (error && error.name) || 'Error';
    const errorMessage = error && error.message !== undefined ? String(error.message) : String(error);
    const trace = error && error.stack ? String(error.stack).split('\\n') : [];
    parentPort.postMessage({ requestId: msg.requestId, ok: false, error: { errorType, errorMessage, trace } });
  }
});
`;
