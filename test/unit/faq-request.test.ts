import { expect } from 'chai';
import { faqRequest } from '../../dialogs/short-forms.js';

describe('unit: a request for the FAQ (soalan lazim)', () => {
  const cases: [string, string | undefined][] = [
    ['soalan lazim', ''],
    ['FAQ!!', ''],
    ['Soalan-soalan lazim', ''],
    ['show me the FAQ', ''],
    ['apa itu faq?', ''],
    ['Soalan lazim: Token tidak dikesan', 'Token tidak dikesan'],
    ['Saya nak lihat soalan lazim tentang PIN', 'PIN'],
    ['faq about forgot PIN', 'forgot PIN'],
    ['mohon sijil baharu', undefined],
    ['saya nak faqih', undefined],
    [`soalan lazim ${'perkataan '.repeat(25)}`, undefined],
  ];
  for (const [text, question] of cases) {
    it(`${JSON.stringify(text.slice(0, 40))} → ${question === undefined ? 'not the FAQ' : JSON.stringify(question)}`, () => {
      expect(faqRequest(text)?.question).to.equal(question);
    });
  }
});
