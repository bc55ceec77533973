import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayFileError } from '../../../local/simulator/replay-lines.ts';
import { parseSession, shiftTimes } from '../../../local/simulator/replay-source.ts';

const V2 = `MAIN|S#FPT|${'|'.repeat(99)}1776148328137`;
const line = (t: number, dir: string, raw: string) => JSON.stringify({ t, dir, raw });

describe('parseSession', () => {
  it('keeps "in" data frames, drops other directions and recorded acknowledgements', () => {
    const text = [
      line(1, 'event', 'open'),
      line(2, 'out', '{"type":"sub","topic":"serverName"}'),
      line(3, 'in', 'Subscribed stockRealtimeBySymbolsAndBoards'),
      line(4, 'in', '{"type":"ack"}'),
      line(5, 'in', V2),
      line(6, 'in', 'S#hose:974|FPT|76300|11800'),
      line(7, 'in', 'I#HNXIndex|207.63|20424600'),
      line(8, 'in', 'L#hose:643|17550|300'),
      '',
      line(9, 'in', '{"notifySessionByListV2":{"market":"hose","session":"ATC"}}'),
    ].join('\n');
    const session = parseSession(text);
    assert.deepEqual(
      session.lines.map((l) => [l.t, l.kind, l.key]),
      [
        [5, 'stock', 'FPT'],
        [6, 'stock', 'FPT'],
        [7, 'index', 'HNXINDEX'],
        [8, 'other', ''],
        [9, 'other', ''],
      ],
    );
    assert.equal(session.firstT, 5);
    assert.equal(session.lastT, 9);
  });

  it('names the bad line', () => {
    assert.throws(
      () => parseSession(`${line(1, 'in', 'x')}\nnot json`),
      (e: unknown) => {
        assert.ok(e instanceof ReplayFileError);
        assert.equal(e.line, 2);
        assert.equal(e.code, 'REPLAY_FILE_INVALID');
        return true;
      },
    );
    assert.throws(() => parseSession(JSON.stringify({ t: 'x', dir: 'in', raw: 'a' })), /line 1: "t"/);
    assert.throws(() => parseSession(line(1, 'out', 'x')), /no "in" frames/);
  });
});

describe('shiftTimes', () => {
  it('moves the V2 server time and the index time, nothing else', () => {
    const [stock, index, other] = parseSession(
      [
        line(1, 'in', V2),
        line(2, 'in', 'I#VN30|1300|1|2|3|4|5|6|7|8|9|||1681900960757|1|2|3|4|5|6'),
        line(3, 'in', 'L#x|1'),
      ].join('\n'),
    ).lines;
    assert.equal(shiftTimes(stock, 1000).split('|')[101], '1776148329137');
    assert.equal(shiftTimes(index, 1000).split('|')[13], '1681900961757');
    assert.equal(shiftTimes(other, 1000), 'L#x|1');
    assert.equal(shiftTimes(stock, 0), V2);
  });
});
