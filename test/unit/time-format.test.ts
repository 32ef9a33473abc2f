import { expect } from 'chai';
import { malaysiaParts } from '../../domain/rules/malaysia-time.js';
import { dateText, timeText } from '../../ui/time-format.js';

describe('time shown to people: Malaysian time, labelled', () => {
  it('shows 09:45 UTC as 17:45 Malaysian time, with the label in each language', () => {
    expect(timeText('ms', '2026-05-21T09:45:00.000Z')).to.equal('21/05/2026 17:45 (waktu Malaysia)');
    expect(timeText('en', '2026-05-21T09:45:00.000Z')).to.equal('21/05/2026 17:45 (Malaysia time)');
    expect(timeText('en', new Date('2026-05-21T09:45:00.000Z'))).to.equal('21/05/2026 17:45 (Malaysia time)');
  });

  it('moves to the next Malaysian day after 16:00 UTC (and year), in times and dates alike', () => {
    expect(timeText('ms', '2026-12-31T16:30:00.000Z')).to.equal('01/01/2027 00:30 (waktu Malaysia)');
    expect(dateText('2026-12-31T16:30:00.000Z')).to.equal('01/01/2027');
    expect(dateText('2026-12-31T15:59:59.999Z')).to.equal('31/12/2026');
    expect(malaysiaParts('2026-03-08T18:00:00Z')).to.deep.equal({ date: '09/03/2026', time: '02:00' });
  });

  it('does not depend on the server time zone (no daylight saving in Malaysia)', () => {
    // Same wall-clock offset in January and July: +8 all year.
    expect(malaysiaParts('2026-01-15T00:00:00Z').time).to.equal('08:00');
    expect(malaysiaParts('2026-07-15T00:00:00Z').time).to.equal('08:00');
  });

  it("shows '-' for no time or a bad one", () => {
    expect(timeText('ms', undefined)).to.equal('-');
    expect(timeText('en', 'not a date')).to.equal('-');
    expect(dateText(undefined)).to.equal('-');
  });
});
