// Module hooks (node:module register) for seam-core.js: the module that
// loads the core, js/core.js, gets pkg-test/ for pkg/.
const CORE_LOADERS = new Set([new URL("../../../js/core.js", import.meta.url).href]);

export async function load(url, context, next) {
  const result = await next(url, context);
  if (!CORE_LOADERS.has(url)) return result;
  const source = String(result.source).replaceAll("/pkg/", "/pkg-test/");
  return { ...result, source, shortCircuit: true };
}
