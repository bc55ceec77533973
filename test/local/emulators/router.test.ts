import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Router, routeOf, startRouter } from '../../../local/emulators/router.ts';
import { WriteCounter } from '../../../local/emulators/write-counter.ts';

const sigv4 = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKID/20260414/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

describe('routeOf', () => {
  it('routes by X-Amz-Target prefix', () => {
    assert.deepEqual(routeOf({ 'x-amz-target': 'Kinesis_20131202.PutRecords' }), { service: 'kinesis' });
    assert.deepEqual(routeOf({ 'x-amz-target': 'DynamoDB_20120810.Query' }), { service: 'dynamodb' });
  });

  it('falls back to the SigV4 credential scope', () => {
    assert.deepEqual(routeOf({ authorization: sigv4('dynamodb') }), { service: 'dynamodb' });
    assert.deepEqual(routeOf({ authorization: sigv4('kinesis') }), { service: 'kinesis' });
  });

  it('names the service it cannot route', () => {
    assert.deepEqual(routeOf({ authorization: sigv4('sqs') }), { asked: 'sqs' });
    assert.deepEqual(routeOf({ 'x-amz-target': 'AmazonSQS.SendMessage' }), { asked: 'AmazonSQS' });
    assert.deepEqual(routeOf({}), { asked: undefined });
  });
});

/** A stand-in upstream that answers with its name and what it received. */
function upstream(name: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const answer =
        req.headers['x-amz-target'] === 'DynamoDB_20120810.BatchWriteItem'
          ? { UnprocessedItems: { trades: [{}] } }
          : { upstream: name, body, target: req.headers['x-amz-target'] ?? null };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('startRouter', () => {
  let kinesis: Server;
  let dynamo: Server;
  let router: Router;
  const counter = new WriteCounter();
  before(async () => {
    [kinesis, dynamo] = await Promise.all([upstream('kinesis'), upstream('dynamodb')]);
    const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    router = await startRouter({
      upstreams: { kinesis: url(kinesis), dynamodb: url(dynamo) },
      hints: { sqs: 'the DLQ is the file .local-data/dlq/x.jsonl' },
      observe: counter,
    });
  });
  after(async () => {
    await router.stop();
    kinesis.close();
    dynamo.close();
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(router.url, { method: 'POST', headers, body }).then(async (r) => ({
      status: r.status,
      json: await r.json(),
    }));

  it('forwards each request, body intact, to the emulator of its service', async () => {
    const k = await post({ 'x-amz-target': 'Kinesis_20131202.ListStreams' }, '{"Limit":5}');
    assert.deepEqual(k.json, {
      upstream: 'kinesis',
      body: '{"Limit":5}',
      target: 'Kinesis_20131202.ListStreams',
    });
    const d = await post({ authorization: sigv4('dynamodb') }, 'x'.repeat(200_000));
    assert.equal(d.json.upstream, 'dynamodb');
    assert.equal(d.json.body.length, 200_000);
    assert.equal(router.counts.kinesis, 1);
  });

  it('answers 400 with a JSON error naming an unknown service and the hint', async () => {
    const r = await post({ authorization: sigv4('sqs') }, '{}');
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'UnknownServiceException');
    assert.match(r.json.message, /"sqs"/);
    assert.match(r.json.message, /dlq\/x\.jsonl/);
  });

  it('answers the health document', async () => {
    const r = await fetch(`${router.url}/_localstack/health`);
    assert.deepEqual(await r.json(), { services: { kinesis: 'running', dynamodb: 'running' } });
  });

  it('counts rows written, minus unprocessed items', async () => {
    await post({ 'x-amz-target': 'DynamoDB_20120810.PutItem' }, '{"TableName":"quotes","Item":{}}');
    await post(
      { 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' },
      JSON.stringify({ RequestItems: { trades: [{}, {}, {}], bars: [{}] } }),
    );
    // The observer runs when the response has ended; give the event loop a turn.
    await new Promise((r) => setImmediate(r));
    assert.equal(counter.total('quotes'), 1);
    assert.equal(counter.total('trades'), 2);
    assert.equal(counter.total('bars'), 1);
  });

  it('answers 502 naming the emulator when it is down', async () => {
    const down = await startRouter({
      upstreams: { kinesis: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:1' },
    });
    try {
      const r = await fetch(down.url, {
        method: 'POST',
        headers: { 'x-amz-target': 'Kinesis_20131202.ListStreams' },
      });
      assert.equal(r.status, 502);
      assert.match(((await r.json()) as { message: string }).message, /kinesis emulator/);
    } finally {
      await down.stop();
    }
  });
});
