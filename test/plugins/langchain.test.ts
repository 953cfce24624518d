// LangChain's own agent loop (createAgent from langchain v1, a LangGraph graph with a ToolNode)
// over Blindfold's tools, with a minimal scripted chat model: it calls one tool, then answers
// with what the tool returned. It records every message list the agent hands it.
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
// @ts-expect-error: plain ESM example without declarations (the file the README shows)
import { ask } from '../../tools/examples/langchain.mjs';
import { answerWith, describeRuntime, type Driver, type ToolCall } from './harness.js';

class ScriptedChatModel extends BaseChatModel {
  readonly received: BaseMessage[][];
  readonly toolsSeen: Array<{ name: string; description?: string; parameters: unknown }>;

  constructor(
    readonly call: ToolCall,
    shared?: { received: BaseMessage[][]; toolsSeen: ScriptedChatModel['toolsSeen'] },
  ) {
    super({});
    this.received = shared?.received ?? [];
    this.toolsSeen = shared?.toolsSeen ?? [];
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(tools: StructuredToolInterface[]): this {
    // As a provider would: the tools converted to the JSON Schema the model is sent.
    for (const t of tools) {
      const { function: fn } = convertToOpenAITool(t);
      this.toolsSeen.push({ name: fn.name, description: fn.description, parameters: fn.parameters });
    }
    return new ScriptedChatModel(this.call, this) as this;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.received.push([...messages]);
    const last = messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m)).at(-1);
    const message = last
      ? new AIMessage(answerWith(`${last.status ?? 'success'} ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)}`))
      : new AIMessage({ content: '', tool_calls: [{ id: 'call-1', name: this.call.name, args: this.call.args, type: 'tool_call' }] });
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }
}

const drive: Driver = async (call, options) => {
  const model = new ScriptedChatModel(call);
  const state = (await ask(model, 'Use the tool.', options)) as { messages: BaseMessage[] };
  return {
    answer: state.messages.at(-1)!.text,
    modelInputs: model.received,
    toolsSeen: model.toolsSeen,
    trace: state,
  };
};

describeRuntime('LangChain.js', 'langchain-test', drive);
