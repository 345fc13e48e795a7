/** The micro-benchmark groups, loaded by id in the child processes. */
const MODULES = {
  success: './closed-success.js',
  failure: './closed-failure.js',
  open: './open-rejection.js',
  telemetry: './telemetry.js',
};

export async function loadMicroGroup(id) {
  const path = MODULES[id];
  if (path === undefined) throw new Error(`no micro-benchmark group ${JSON.stringify(id)}`);
  return (await import(path)).group;
}
