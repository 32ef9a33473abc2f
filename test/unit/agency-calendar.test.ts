import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { knownStates, WorkingCalendars, type CalendarData } from '../../domain/rules/working-calendar.js';
import { checkPreferredDates } from '../../domain/usecases/advisory.js';
import { agencyCalendar, calendarOf } from '../../domain/usecases/helpdesk-deps.js';
import { loadCalendars } from '../../infra/calendar/load.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { removeDir } from '../support/bot.js';
import { rejection } from '../contract/rejection.js';

const FILE = 'infra/calendar/malaysia-2026.json';
const data = JSON.parse(readFileSync(FILE, 'utf8')) as CalendarData;
const myt = (local: string) => new Date(`${local}+08:00`);
const demo = () =>
  JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')) as {
    agencies: Record<string, unknown>[];
    people: Record<string, unknown>[];
  };

/** DOMAIN.md 7.7: the working-day calendar is the agency's state's, CALENDAR_STATE only the default. */
describe('working-day calendar per agency state', () => {
  it('knows the states of the file: weekend rules and states named in holidays', () => {
    const states = knownStates(data);
    expect(states).to.include.members(['KEDAH', 'KELANTAN', 'TERENGGANU', 'PUTRAJAYA', 'KUALA LUMPUR', 'SELANGOR', 'PERLIS']);
    expect(states).to.not.include('ATLANTIS');
    const cals = new WorkingCalendars(data, 'putrajaya');
    expect(cals.knows('kedah')).to.equal(true);
    expect(cals.knows('Atlantis')).to.equal(false);
  });

  it('gives each state its own weekend, the default state when none is named, and one calendar per state', () => {
    const cals = new WorkingCalendars(data, 'PUTRAJAYA');
    const friday = myt('2026-12-11T10:00:00');
    const sunday = myt('2026-12-13T10:00:00');
    expect(cals.forState().state).to.equal('PUTRAJAYA');
    expect(cals.forState('').state).to.equal('PUTRAJAYA');
    expect(cals.forState().isWorkingDay(friday)).to.equal(true);
    expect(cals.forState().isWorkingDay(sunday)).to.equal(false);
    expect(cals.forState('kedah').state).to.equal('KEDAH');
    expect(cals.forState('KEDAH').isWorkingDay(friday)).to.equal(false);
    expect(cals.forState('KEDAH').isWorkingDay(sunday)).to.equal(true);
    expect(cals.forState('Kedah')).to.equal(cals.forState('KEDAH'));
    // The default can be another state: a Kedah deployment rests on Friday by default.
    expect(new WorkingCalendars(data, 'KEDAH').forState().isWorkingDay(friday)).to.equal(false);
    // 48 working hours from Thursday 15:00: Putrajaya works Friday (deadline Friday 09:00 a week
    // later); Kedah skips Friday and Saturday twice and ends on Sunday 09:00.
    const thursday = myt('2026-12-10T15:00:00');
    expect(cals.forState('PUTRAJAYA').addWorkingHours(thursday, 48).toISOString()).to.equal(myt('2026-12-18T09:00:00').toISOString());
    expect(cals.forState('KEDAH').addWorkingHours(thursday, 48).toISOString()).to.equal(myt('2026-12-20T09:00:00').toISOString());
  });

  it('refuses a default state (CALENDAR_STATE) the file does not know, naming it', () => {
    expect(loadCalendars(FILE, 'kedah').defaultState).to.equal('KEDAH');
    expect(() => loadCalendars(FILE, 'ATLANTIS')).to.throw(/CALENDAR_STATE ATLANTIS/);
  });

  describe('with a directory', () => {
    let dir: string;
    let store: EmbeddedStore;
    const calendars = new WorkingCalendars(data, 'PUTRAJAYA');
    let deps: { calendars: WorkingCalendars; directory: EmbeddedStore['directory'] };

    beforeEach(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-cal-'));
      store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
      deps = { calendars, directory: store.directory };
      await loadDirectorySeed(store.directory, demo(), { knownStates: calendars.states });
      await store.directory.upsertAgency({ id: 'JKNKDH', name: 'Jabatan Kesihatan Negeri Kedah', state: 'KEDAH' });
      await store.directory.upsertAgency({ id: 'JPN', name: 'Jabatan Pendaftaran Negara' });
      await store.directory.upsertPerson({
        id: 'kedah-user',
        name: 'Aminah binti Salleh',
        agencyId: 'JKNKDH',
        roles: ['USER'],
        identities: [],
      });
      await store.directory.upsertPerson({ id: 'jpn-user', name: 'Lim Wei Ling', agencyId: 'JPN', roles: ['USER'], identities: [] });
    });
    afterEach(async () => {
      await store.close();
      removeDir(dir);
    });

    it('the demo agencies are in Putrajaya', async () => {
      expect((await store.directory.getAgency('KKM'))?.state).to.equal('PUTRAJAYA');
      expect((await store.directory.getAgency('MAMPU'))?.state).to.equal('PUTRAJAYA');
    });

    it("a case follows its agency's state; an agency with no state, or none known, gets the default", async () => {
      expect((await calendarOf(deps, { agencyId: 'JKNKDH', applicantId: 'kedah-user' })).state).to.equal('KEDAH');
      expect((await calendarOf(deps, { agencyId: 'KKM', applicantId: 'demo-applicant' })).state).to.equal('PUTRAJAYA');
      expect((await calendarOf(deps, { agencyId: 'JPN', applicantId: 'jpn-user' })).state).to.equal('PUTRAJAYA');
      expect((await calendarOf(deps, { agencyId: 'NOSUCH', applicantId: 'jpn-user' })).state).to.equal('PUTRAJAYA');
      // A case recorded without an agency follows its applicant's agency.
      expect((await calendarOf(deps, { applicantId: 'kedah-user' })).state).to.equal('KEDAH');
      expect((await calendarOf(deps, { applicantId: 'nobody' })).state).to.equal('PUTRAJAYA');
      const kedahDefault = { calendars: new WorkingCalendars(data, 'KEDAH'), directory: store.directory };
      expect((await agencyCalendar(kedahDefault, 'JPN')).state).to.equal('KEDAH');
      expect((await agencyCalendar(kedahDefault, 'KKM')).state).to.equal('PUTRAJAYA');
    });

    it("advisory dates are working days of the requesting agency's state", async () => {
      const deps2 = {
        clock: { now: () => myt('2026-12-07T09:00:00') },
        helpdesk: {
          onsiteWindowHours: 48,
          visitSlotMinutes: 120,
          visitReminderHours: 24,
          ticketAutoCloseWorkingDays: 5,
          advisoryLeadWorkingDays: 5,
        },
      };
      const kedah = await agencyCalendar(deps, 'JKNKDH');
      const putrajaya = await agencyCalendar(deps, 'KKM');
      const friday = putrajaya.parseLocalDate('18/12/2026')!;
      const sunday = putrajaya.parseLocalDate('20/12/2026')!;
      const tuesday = putrajaya.parseLocalDate('22/12/2026')!;
      expect(checkPreferredDates(deps2, putrajaya, [friday, tuesday])).to.deep.include({ ok: true });
      expect(checkPreferredDates(deps2, kedah, [friday, tuesday])).to.deep.equal({
        ok: false,
        error: 'DATE_NOT_WORKING',
        params: { date: '18/12/2026' },
      });
      expect(checkPreferredDates(deps2, kedah, [sunday, tuesday])).to.deep.include({ ok: true });
      expect(checkPreferredDates(deps2, putrajaya, [sunday, tuesday])).to.deep.equal({
        ok: false,
        error: 'DATE_NOT_WORKING',
        params: { date: '20/12/2026' },
      });
    });

    it('the seed stores a state upper case, and refuses a state the calendar does not know, naming it, writing nothing', async () => {
      const seed = { agencies: [{ id: 'JKNPLS', name: 'Jabatan Kesihatan Negeri Perlis', state: 'perlis' }], people: [] };
      await loadDirectorySeed(store.directory, seed, { knownStates: calendars.states });
      expect((await store.directory.getAgency('JKNPLS'))?.state).to.equal('PERLIS');
      const bad = {
        agencies: [
          { id: 'JKNX', name: 'Jabatan X', state: 'KEDAH' },
          { id: 'JKNY', name: 'Jabatan Y', state: 'Atlantis' },
        ],
        people: [],
      };
      const err = await rejection(loadDirectorySeed(store.directory, bad, { knownStates: calendars.states }));
      expect(err.message).to.contain('agencies[1].state').and.contain('unknown state ATLANTIS');
      expect(await store.directory.getAgency('JKNX')).to.equal(undefined);
      expect(await store.directory.getAgency('JKNY')).to.equal(undefined);
    });
  });
});
