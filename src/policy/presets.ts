/** API presets: data only. Each entry's hosts and inject rule pass the same parsers as admin input. */
import { BlindfoldError } from '../errors.js';
import { mayRepeat } from '../echo.js';
import type { Placement } from './placements.js';

export interface Preset {
  id: string;
  description: string;
  hosts: string[];
  inject: string;
  placements?: Placement[];
  /** What the stored value must be, when it is not just the API key. */
  valueHint?: string;
  /** Secret names that suggest this preset (for `import --preset-from-name`). */
  namePatterns: RegExp[];
}

const list: Preset[] = [
  { id: 'openai', description: 'OpenAI API key', hosts: ['api.openai.com'], inject: 'header:Authorization:Bearer {value}', namePatterns: [/^OPENAI/] },
  { id: 'anthropic', description: 'Anthropic API key', hosts: ['api.anthropic.com'], inject: 'header:x-api-key:{value}', namePatterns: [/^ANTHROPIC/, /^CLAUDE/] },
  { id: 'github', description: 'GitHub token', hosts: ['api.github.com'], inject: 'header:Authorization:Bearer {value}', namePatterns: [/^GITHUB/, /^GH_/] },
  { id: 'gitlab', description: 'GitLab personal access token', hosts: ['gitlab.com'], inject: 'header:PRIVATE-TOKEN:{value}', namePatterns: [/^GITLAB/, /^GL_/] },
  { id: 'slack', description: 'Slack bot or user token', hosts: ['slack.com'], inject: 'header:Authorization:Bearer {value}', namePatterns: [/^SLACK/] },
  { id: 'stripe', description: 'Stripe secret key', hosts: ['api.stripe.com'], inject: 'header:Authorization:Bearer {value}', namePatterns: [/^STRIPE/] },
  {
    id: 'jira',
    description: 'Atlassian cloud (Jira/Confluence) API token, HTTP Basic',
    hosts: ['*.atlassian.net'],
    inject: 'header:Authorization:Basic {value:base64}',
    valueHint: 'email:api_token (sent as HTTP Basic)',
    namePatterns: [/^JIRA/, /^ATLASSIAN/, /^CONFLUENCE/],
  },
  {
    id: 'pinecone',
    description: 'Pinecone API key (add your index hosts with --host)',
    hosts: ['api.pinecone.io'],
    inject: 'header:Api-Key:{value}',
    namePatterns: [/^PINECONE/],
  },
  { id: 'google-ai', description: 'Google AI (Gemini) API key', hosts: ['generativelanguage.googleapis.com'], inject: 'header:x-goog-api-key:{value}', namePatterns: [/^GOOGLE_AI/, /^GEMINI/, /^GOOGLE_API_KEY$/] },
  { id: 'sendgrid', description: 'SendGrid API key', hosts: ['api.sendgrid.com'], inject: 'header:Authorization:Bearer {value}', namePatterns: [/^SENDGRID/] },
  {
    id: 'twilio',
    description: 'Twilio account credentials, HTTP Basic',
    hosts: ['api.twilio.com'],
    inject: 'header:Authorization:Basic {value:base64}',
    valueHint: 'AccountSid:AuthToken (sent as HTTP Basic)',
    namePatterns: [/^TWILIO/],
  },
];

export const PRESETS: Record<string, Preset> = Object.fromEntries(list.map((p) => [p.id, p]));

export function getPreset(id: string): Preset {
  const preset = Object.hasOwn(PRESETS, id) ? PRESETS[id] : undefined;
  // Quoted only while it looks like a preset id (letters and -): anything else may be a value.
  const what = /^[a-z][a-z-]{0,23}$/i.test(id) && mayRepeat(id) ? ` ${JSON.stringify(id)}` : ' (not repeated here)';
  if (!preset) throw new BlindfoldError('UNKNOWN_PRESET', `unknown preset${what}; known presets: ${Object.keys(PRESETS).join(', ')}`);
  return preset;
}

export function presetFromSecretName(name: string): Preset | undefined {
  const upper = name.toUpperCase();
  return list.find((p) => p.namePatterns.some((re) => re.test(upper)));
}
