// The OpenAI Agents SDK's own loop (run) over Blindfold's tools, with a minimal scripted Model:
// it calls one tool, then answers with what the tool returned. Tracing is off: nothing leaves.
import { Usage, setTracingDisabled, type Model, type ModelRequest, type ModelResponse } from '@openai/agents';
// @ts-expect-error: plain ESM example without declarations (the file the README shows)
import { ask } from '../../tools/examples/openai-agents.mjs';
import { answerWith, describeRuntime, type Driver, type ToolCall } from './harness.js';

setTracingDisabled(true);

class ScriptedModel implements Model {
  readonly requests: ModelRequest[] = [];

  constructor(readonly call: ToolCall) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const items = typeof request.input === 'string' ? [] : request.input;
    const last = items.filter((i) => i.type === 'function_call_result').at(-1);
    if (!last) {
      return { usage: new Usage(), output: [{ type: 'function_call', callId: 'call-1', name: this.call.name, arguments: JSON.stringify(this.call.args), status: 'completed' }] };
    }
    const output = typeof last.output === 'string' ? last.output : 'text' in last.output ? last.output.text : JSON.stringify(last.output);
    return { usage: new Usage(), output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answerWith(output) }] }] };
  }

  getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not scripted');
  }
}

const drive: Driver = async (call, options) => {
  const model = new ScriptedModel(call);
  const result = await ask(model, 'Use the tool.', options);
  const tools = model.requests[0]!.tools.flatMap((t) => (t.type === 'function' ? [{ name: t.name, description: t.description, parameters: t.parameters }] : []));
  return {
    answer: String(result.finalOutput),
    modelInputs: model.requests,
    toolsSeen: tools,
    trace: { history: result.history, newItems: result.newItems, output: result.output, state: result.state.toString() },
  };
};

describeRuntime('OpenAI Agents SDK', 'openai-agents-test', drive);
