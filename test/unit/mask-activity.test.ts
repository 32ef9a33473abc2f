import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { maskActivity } from '../../bot/turn/transcript.js';

describe('maskActivity: what a transcript keeps of an activity', () => {
  it('masks MyKad numbers in text, card data, keys and attachments, and keeps only the transcript fields', () => {
    const a = {
      type: 'message',
      id: 'a1',
      text: 'saya 900101-14-5678',
      from: { id: 'u1' },
      value: {
        mykad: '900101145678',
        list: ['x 900101 14 5678', 1, undefined],
        asNumber: 900101145678,
        '900101145678': 'k',
        at: new Date(0),
      },
      attachments: [{ contentType: 'card', name: 'n', content: { body: [{ text: 'no 900101145678.' }] }, contentUrl: 'u' }],
      channelData: { agent: { id: 'ag', name: 'Ali', extra: 1 }, other: 2 },
    } as unknown as Partial<Activity>;
    expect(maskActivity(a)).to.deep.equal({
      type: 'message',
      id: 'a1',
      text: 'saya 9001******78',
      value: {
        mykad: '9001******78',
        list: ['x 9001******78', 1, null],
        asNumber: '9001******78',
        '9001******78': 'k',
        at: '1970-01-01T00:00:00.000Z',
      },
      attachments: [{ contentType: 'card', name: 'n', content: { body: [{ text: 'no 9001******78.' }] } }],
      channelData: { agent: { id: 'ag', name: 'Ali' } },
    });
  });

  it('copies: changing the activity afterwards leaves what was recorded alone', () => {
    const a = { type: 'message', value: { n: { deep: 'one' } } } as Partial<Activity>;
    const masked = maskActivity(a);
    (a.value as { n: { deep: string } }).n.deep = 'two';
    expect(masked.value).to.deep.equal({ n: { deep: 'one' } });
  });
});
