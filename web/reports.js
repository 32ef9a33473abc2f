// The service-level and satisfaction reports: plain browser code, no framework. The
// console's session cookie opens /console/api/reports; one language at a time, the console's
// choice (labels from reports-labels.js, agency names from the directory); charts from
// reports-charts.js, each with its caption, its data table and the case numbers behind it.
(function () {
  'use strict';
  var LABELS = window.GpkiReportsLabels;
  var Charts = window.GpkiReportCharts;
  var LANG_KEY = 'gpki-console-lang';
  var MEASURES = ['ticketResponse', 'ticketResolution', 'apDecision', 'issue', 'visit', 'advisory'];
  var TARGET_KEYS = { ticketResponse: 'ticketResponseDays', ticketResolution: 'ticketResolutionDays', apDecision: 'apDecisionDays', issue: 'issueDays', visit: 'visitHours' };
  var $ = function (id) { return document.getElementById(id); };
  var data = null;
  function stored() { try { return localStorage.getItem(LANG_KEY); } catch (e) { return null; } }
  var lang = stored() === 'en' ? 'en' : 'ms';
  var L = LABELS[lang];

  function make(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = String(text); return e; }
  function fill(t, p) { return t.replace(/\{(\w+)\}/g, function (m, k) { return p[k] == null ? m : String(p[k]); }); }
  var pad = function (n) { return String(n).padStart(2, '0'); };
  // Malaysian time is UTC+8 all year, whatever this PC's time zone.
  function myt(iso) { var d = new Date(Date.parse(iso) + 480 * 60000); return pad(d.getUTCDate()) + '/' + pad(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear() + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()); }
  function monthName(m) { return L.monthNames[Number(m.slice(5, 7)) - 1] + ' ' + m.slice(0, 4); }
  function monthShort(m) { return L.monthNames[Number(m.slice(5, 7)) - 1].slice(0, 3) + ' ' + m.slice(0, 4); }
  function num(n) { return (Math.round(n * 10) / 10).toLocaleString(lang === 'ms' ? 'ms-MY' : 'en-MY'); }
  function pct(f) { return f.compliance === undefined ? null : Math.round(f.compliance * 1000) / 10; }
  function pctText(f) { var p = pct(f); return p === null ? L.notJudged : fill(L.pct, { n: num(p) }); }
  function agencyName(id) {
    var a = (data.agencies || []).filter(function (x) { return x.id === id; })[0];
    return a ? (lang === 'en' && a.nameEn ? a.nameEn : a.name) : id || '-';
  }
  function targetWords(measure) { var k = TARGET_KEYS[measure]; return fill(L.targets[measure], { n: k ? data.targets[k] : '' }); }
  function metOf(f) { return fill(L.metOf, { met: f.met, judged: f.met + f.breached }); }

  /** The case numbers behind a figure, behind a disclosure so the figure stays readable. */
  function caseList(ids) {
    var d = make('details', 'case-list');
    d.appendChild(make('summary', '', fill(L.showCases, { n: ids.length })));
    var ul = make('ul', 'case-ids');
    ul.setAttribute('aria-label', L.cases);
    ids.forEach(function (id) { var li = make('li', '', id); li.dataset.case = id; ul.appendChild(li); });
    d.appendChild(ul);
    return d;
  }
  function table(headers, rows, cls) {
    var t = make('table', cls || 'data');
    var tr = make('tr');
    headers.forEach(function (h) { var th = make('th', '', h); th.scope = 'col'; tr.appendChild(th); });
    t.appendChild(make('thead')).appendChild(tr);
    var body = t.appendChild(make('tbody'));
    rows.forEach(function (r) {
      var row = make('tr');
      if (r.cls) row.className = r.cls;
      r.cells.forEach(function (c, i) {
        var cell = make(i === 0 ? 'th' : 'td');
        if (i === 0) cell.scope = 'row';
        if (c instanceof Node) cell.appendChild(c); else cell.textContent = c == null ? '' : String(c);
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    return t;
  }
  function empty(el, text) { el.textContent = ''; el.appendChild(make('p', 'none', text)); }
  function measuresIn(figures) { return MEASURES.filter(function (m) { return figures.some(function (f) { return f.measure === m; }); }); }

  function renderSummary() {
    var box = $('summary');
    if (!data.overall.length) return empty(box, L.none);
    box.textContent = '';
    data.overall.forEach(function (f) {
      var card = make('div', 'card');
      card.dataset.measure = f.measure;
      card.appendChild(make('h3', '', L.measures[f.measure]));
      card.appendChild(make('p', 'target', L.target + ': ' + targetWords(f.measure)));
      if (f.measure === 'advisory') card.appendChild(make('p', 'big', f.count + ' ' + L.count.toLowerCase()));
      else {
        card.appendChild(make('p', 'big', pctText(f)));
        card.appendChild(make('p', 'met', L.met + ': ' + metOf(f)));
      }
      if (f.medianHours !== undefined) card.appendChild(make('p', '', L.median + ': ' + fill(L.hours, { n: num(f.medianHours) })));
      card.appendChild(caseList(f.caseIds));
      box.appendChild(card);
    });
  }

  function renderTrend() {
    var box = $('trend');
    if (!data.byMonth.length) return empty(box, L.none);
    box.textContent = '';
    measuresIn(data.byMonth).forEach(function (measure) {
      var per = {};
      data.byMonth.forEach(function (f) { if (f.measure === measure) per[f.month] = f; });
      var targeted = measure !== 'advisory';
      var fig = make('figure', 'chart-figure');
      fig.dataset.measure = measure;
      var capId = 'trend-caption-' + measure;
      var cap = make('figcaption', '', targeted ? fill(L.chartOf, { measure: L.measures[measure] }) : L.measures[measure] + ': ' + L.count);
      cap.id = capId;
      var maxCount = Math.max.apply(null, data.months.map(function (m) { return per[m] ? per[m].count : 0; }).concat([1]));
      fig.appendChild(Charts.bars({
        labelledBy: capId, max: targeted ? 100 : maxCount, ticks: targeted ? [0, 50, 100] : [0, maxCount], tickText: targeted ? function (v) { return v + '%'; } : String,
        bars: data.months.map(function (m) {
          var f = per[m];
          if (!targeted) return { label: monthShort(m), value: f ? f.count : 0, text: f ? String(f.count) : '0' };
          var p = f ? pct(f) : null;
          return { label: monthShort(m), value: p, text: p === null ? '–' : num(p) + '%', sub: f ? f.met + '/' + (f.met + f.breached) : '', warn: p !== null && p < 100 };
        }),
      }));
      fig.appendChild(cap);
      var details = make('details', 'data-table');
      details.appendChild(make('summary', '', L.dataTable));
      details.appendChild(table([L.month, L.count, L.met + ' / ' + L.judged, L.compliance, L.median, L.cases], data.months.map(function (m) {
        var f = per[m];
        return { cells: [monthName(m), f ? f.count : 0, f && targeted ? metOf(f) : '-', f && targeted ? pctText(f) : '-', f && f.medianHours !== undefined ? fill(L.hours, { n: num(f.medianHours) }) : '-', f ? f.caseIds.join(', ') : '-'] };
      })));
      fig.appendChild(details);
      box.appendChild(fig);
    });
  }

  function renderAgencies() {
    var box = $('by-agency');
    var rows = data.byAgency.filter(function (f) { return f.measure !== 'advisory'; }).slice().sort(function (a, b) {
      return agencyName(a.agencyId).localeCompare(agencyName(b.agencyId)) || MEASURES.indexOf(a.measure) - MEASURES.indexOf(b.measure);
    });
    if (!rows.length) return empty(box, L.none);
    box.textContent = '';
    box.appendChild(table([L.agency, L.measure, L.target, L.met + ' / ' + L.judged, L.compliance, L.cases], rows.map(function (f) {
      return { cls: f.breached ? 'breached' : '', cells: [agencyName(f.agencyId), L.measures[f.measure], targetWords(f.measure), metOf(f), pctText(f), caseList(f.caseIds)] };
    })));
  }

  function renderNearest() {
    var box = $('nearest');
    if (!data.nearest.length) return empty(box, L.noneOpen);
    box.textContent = '';
    box.appendChild(table([L.caseId, L.measure, L.agency, L.due, L.state], data.nearest.map(function (m) {
      var late = m.met === false;
      var state = make('span', late ? 'overdue' : 'on-track');
      // Overdue is said in words and marked with a sign, not by colour alone.
      state.textContent = late ? '⚠ ' + L.overdue + ' (' + fill(L.hoursOver, { n: num(m.workingHours - m.targetHours) }) + ')' : L.onTrack + ' (' + fill(L.hoursLeft, { n: num(m.targetHours - m.workingHours) }) + ')';
      return { cls: late ? 'late' : '', cells: [m.caseId, L.measures[m.measure], agencyName(m.agencyId), m.dueAt ? myt(m.dueAt) : '-', state] };
    }), 'data nearest'));
  }

  function renderSatisfaction() {
    var box = $('satisfaction');
    var s = data.satisfaction;
    if (!s.rows.length) return empty(box, L.noRatings);
    box.textContent = '';
    var all = s.overall[0];
    box.appendChild(make('p', 'big', L.mean + ': ' + fill(L.meanOf, { mean: num(all.mean), n: all.count })));
    var fig = make('figure', 'chart-figure');
    var cap = make('figcaption', '', L.chartScores);
    cap.id = 'scores-caption';
    var top = Math.max.apply(null, all.distribution.concat([1]));
    fig.appendChild(Charts.bars({ labelledBy: cap.id, max: top, ticks: [0, top], bars: all.distribution.map(function (n, i) { return { label: String(i + 1), value: n, text: String(n) }; }) }));
    fig.appendChild(cap);
    var details = make('details', 'data-table');
    details.appendChild(make('summary', '', L.dataTable));
    details.appendChild(table([L.score, L.ratings, L.cases], all.distribution.map(function (n, i) {
      var ids = s.rows.filter(function (r) { return r.score === i + 1; }).map(function (r) { return r.caseId; });
      return { cells: [String(i + 1), n, ids.join(', ') || '-'] };
    })));
    fig.appendChild(details);
    box.appendChild(fig);
    box.appendChild(make('h3', '', L.comments));
    var said = s.rows.filter(function (r) { return r.comment; }).slice(-5).reverse();
    if (!said.length) return void box.appendChild(make('p', 'none', L.noComments));
    var list = box.appendChild(make('ul', 'comments'));
    said.forEach(function (r) {
      var li = make('li');
      li.appendChild(make('span', 'meta', r.caseId + ' · ' + L.score + ' ' + r.score + '/5 · ' + myt(r.at)));
      li.appendChild(make('q', '', r.comment));
      list.appendChild(li);
    });
  }

  function render() {
    var q = data.query;
    var agency = q.agencyId ? agencyName(q.agencyId) : '';
    $('period').textContent = fill(agency ? L.periodAgency : L.period, { from: monthName(q.fromMonth), to: monthName(q.toMonth), agency: agency }) + ' · ' + fill(L.generated, { when: myt(data.generatedAt) });
    $('from').value = q.fromMonth;
    $('to').value = q.toMonth;
    var select = $('agency');
    select.textContent = '';
    var all = make('option', '', L.allAgencies);
    all.value = '';
    select.appendChild(all);
    data.agencies.slice().sort(function (a, b) { return agencyName(a.id).localeCompare(agencyName(b.id)); }).forEach(function (a) { var o = make('option', '', agencyName(a.id)); o.value = a.id; select.appendChild(o); });
    select.value = q.agencyId || '';
    renderSummary();
    renderTrend();
    renderAgencies();
    renderNearest();
    renderSatisfaction();
    $('csv-measurements').href = data.downloads.measurements + '&lang=' + lang;
    $('csv-satisfaction').href = data.downloads.satisfaction + '&lang=' + lang;
    $('report').hidden = false;
  }

  function say(text, link) {
    var status = $('status');
    status.textContent = text;
    if (link) { status.appendChild(document.createTextNode(' ')); var a = make('a', '', L.signInLink); a.href = '/console?next=reports'; status.appendChild(a); }
  }

  function load(search) {
    say(L.loading);
    return fetch('/console/api/reports' + search, { credentials: 'same-origin' }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (res.status === 401) { $('report').hidden = true; return say(L.signIn, true); }
        if (res.status === 403) { $('report').hidden = true; return say(L.refused); }
        if (res.status !== 200) return say(json.message ? json.message[lang] : L.failed);
        data = json;
        say('');
        render();
      });
    }, function () { say(L.failed); });
  }

  function applyLang() {
    document.documentElement.lang = lang;
    document.title = L.docTitle;
    Array.prototype.forEach.call(document.querySelectorAll('[data-l]'), function (e) { var v = L[e.dataset.l]; if (typeof v === 'string') e.textContent = v; });
    Array.prototype.forEach.call(document.querySelectorAll('[data-l-aria]'), function (e) { e.setAttribute('aria-label', L[e.dataset.lAria]); });
    $('lang').lang = lang === 'ms' ? 'en' : 'ms';
    if (data) render();
  }

  $('lang').addEventListener('click', function () {
    lang = lang === 'ms' ? 'en' : 'ms';
    L = LABELS[lang];
    try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode: not remembered */ }
    applyLang();
  });
  $('filters').addEventListener('submit', function (e) {
    e.preventDefault();
    var p = new URLSearchParams();
    if ($('from').value) p.set('from', $('from').value);
    if ($('to').value) p.set('to', $('to').value);
    if ($('agency').value) p.set('agency', $('agency').value);
    var search = '?' + p.toString();
    history.replaceState(null, '', '/console/reports' + search);
    load(search).then(function () { if (data) $('summary-heading').focus(); });
  });
  applyLang();
  load(location.search);
})();
