// Module hooks for the import check: resolving anything under dist/cli/ is an error, so a child
// that imports the package exits non-zero if the library pulls the CLI in.
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/\/dist\/cli\//.test(result.url)) throw new Error(`the library loaded CLI code: ${result.url}`);
  return result;
}
