// Module hooks for the isolation check: resolving a runtime package other than the one named in
// BLINDFOLD_ALLOWED_RUNTIME is an error, as if it were not installed.
const RUNTIMES = { ai: /^ai(\/|$)/, langchain: /^(@langchain\/|langchain(\/|$))/, 'openai-agents': /^(@openai\/|openai(\/|$))/, 'claude-agent-sdk': /^@anthropic-ai\// };
export async function resolve(specifier, context, next) {
  const allowed = process.env.BLINDFOLD_ALLOWED_RUNTIME;
  for (const [runtime, pattern] of Object.entries(RUNTIMES)) {
    if (runtime !== allowed && pattern.test(specifier)) throw new Error(`loaded the ${runtime} runtime: ${specifier}`);
  }
  return next(specifier, context);
}
