// The official openai Node SDK against keel gateway: base URL and a gateway key, nothing else.
// Prints one JSON object with what each call returned, for GatewayNodeClientTest to assert.
import OpenAI, { toFile } from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
const out = {};

const plain = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Say hello' }).withResponse();
out.plain = { status: plain.data.status, text: plain.data.output_text, requestId: plain.response.headers.get('x-request-id'),
  attempts: plain.response.headers.get('x-keel-attempts') };

const events = [];
const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Count to three', stream: true });
for await (const e of stream) events.push(e.type);
out.responsesStream = events;

let chatText = '';
const chat = await client.chat.completions.create({ model: 'gpt-4.1-mini', stream: true,
  messages: [{ role: 'user', content: 'Say hi' }] });
for await (const chunk of chat) chatText += chunk.choices[0]?.delta?.content ?? '';
out.chatStream = chatText;

const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
out.embedding = emb.data[0].embedding.length;

const line = JSON.stringify({ custom_id: 'r-1', method: 'POST', url: '/v1/responses',
  body: { model: 'gpt-4.1-mini', input: 'Batch hello' } }) + '\n';
const file = await client.files.create({ file: await toFile(Buffer.from(line), 'in.jsonl'), purpose: 'batch' });
const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/responses', completion_window: '24h' });
let seen = batch;
for (let i = 0; i < 200 && !['completed', 'failed', 'expired', 'cancelled'].includes(seen.status); i++) {
  await new Promise(r => setTimeout(r, 100));
  seen = await client.batches.retrieve(batch.id);
}
out.batch = { status: seen.status, completed: seen.request_counts?.completed };
if (seen.output_file_id) {
  const content = await (await client.files.content(seen.output_file_id)).text();
  out.batchOutput = content.trim().split('\n').map(l => JSON.parse(l).custom_id);
}

try {
  await new OpenAI({ baseURL, apiKey: 'keel-wrong', maxRetries: 0 }).models.list();
  out.wrongKey = 'accepted';
} catch (e) {
  out.wrongKey = e.status;
}
console.log(JSON.stringify(out));
