// Drives a running Tuneline gateway with the official `openai` npm client (node's built-in test runner).
// Environment: TUNELINE_BASE_URL (gateway root, with or without /v1), TUNELINE_API_KEY, and optionally
// TUNELINE_MODEL (a causal-LM id; default: the first causal-lm in GET /v1/models).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const root = (process.env.TUNELINE_BASE_URL ?? '').replace(/\/+$/, '').replace(/\/v1$/, '');
const apiKey = process.env.TUNELINE_API_KEY;
if (!root || !apiKey) {
  throw new Error('set TUNELINE_BASE_URL and TUNELINE_API_KEY (see run-openai-test.sh)');
}
const client = new OpenAI({ baseURL: `${root}/v1`, apiKey, maxRetries: 0, timeout: 120_000 });
let model = process.env.TUNELINE_MODEL || '';

before(async () => {
  if (!model) {
    const page = await client.models.list();
    const lm = page.data.find((m) => m.kind === 'causal-lm');
    assert.ok(lm, 'no causal-lm model is registered: train one or import one first, or set TUNELINE_MODEL');
    model = lm.id;
  }
});

test('lists models', async () => {
  const ids = [];
  for await (const m of client.models.list()) {
    assert.equal(m.object, 'model');
    assert.equal(typeof m.id, 'string');
    assert.equal(typeof m.created, 'number');
    ids.push(m.id);
  }
  assert.ok(ids.includes(model), `${model} is in ${ids}`);
  const one = await client.models.retrieve(model);
  assert.equal(one.id, model);
});

test('completes a prompt', async () => {
  const r = await client.completions.create({ model, prompt: 'def add(a, b):', max_tokens: 8, temperature: 0 });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices.length, 1);
  assert.equal(typeof r.choices[0].text, 'string');
  assert.ok(['stop', 'length'].includes(r.choices[0].finish_reason));
  assert.ok(r.usage.completion_tokens <= 8 && r.usage.prompt_tokens > 0);
  // greedy is deterministic
  const again = await client.completions.create({ model, prompt: 'def add(a, b):', max_tokens: 8, temperature: 0 });
  assert.equal(again.choices[0].text, r.choices[0].text);
});

test('streams a completion', async () => {
  const whole = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 10, temperature: 0 });
  const stream = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 10, temperature: 0, stream: true });
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.text ?? '';
  }
  assert.equal(text, whole.choices[0].text);
});

test('streams a chat completion', async () => {
  const messages = [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'Name a fruit.' }];
  const whole = await client.chat.completions.create({ model, messages, max_tokens: 10, temperature: 0 });
  assert.equal(whole.object, 'chat.completion');
  assert.equal(whole.choices[0].message.role, 'assistant');
  const stream = await client.chat.completions.create({
    model, messages, max_tokens: 10, temperature: 0, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let role = null;
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    const choice = chunk.choices[0];
    if (choice) {
      role ??= choice.delta.role ?? null;
      text += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
    usage = chunk.usage ?? usage;
  }
  assert.ok(chunks >= 3, `a stream of chunks, got ${chunks}`);
  assert.equal(role, 'assistant');
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.equal(usage.total_tokens, whole.usage.total_tokens);
});

test('gets prompt log-probabilities with echo', async () => {
  const prompt = 'Hello, my dog is cute';
  const r = await client.completions.create({ model, prompt, max_tokens: 0, echo: true, logprobs: 1 });
  const c = r.choices[0];
  assert.equal(c.text, prompt);
  assert.equal(c.logprobs.tokens.join(''), prompt);
  assert.equal(c.logprobs.token_logprobs[0], null);
  assert.equal(r.usage.completion_tokens, 0);
  for (let i = 1; i < c.logprobs.tokens.length; i++) {
    const lp = c.logprobs.token_logprobs[i];
    assert.ok(typeof lp === 'number' && lp <= 0, `token ${i} log-prob ${lp}`);
    const top = c.logprobs.top_logprobs[i];
    assert.ok(Object.keys(top).length >= 1);
    assert.ok(Math.max(...Object.values(top)) >= lp - 1e-4, 'the best alternative is at least as likely');
  }
  assert.deepEqual(c.logprobs.text_offset.slice(0, 2), [0, c.logprobs.tokens[0].length]);
});

test('errors come back as API errors', async () => {
  const bad = new OpenAI({ baseURL: `${root}/v1`, apiKey: 'not-a-key', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
  await assert.rejects(client.completions.create({ model: 'no-such-model', prompt: 'x', max_tokens: 1 }),
    (e) => e instanceof OpenAI.NotFoundError && e.status === 404);
  await assert.rejects(client.completions.create({ model, prompt: 'x', max_tokens: 1, n: 3 }),
    (e) => e instanceof OpenAI.BadRequestError && e.status === 400);
});
