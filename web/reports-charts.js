// Bar charts for the reports page, drawn as inline SVG (no chart library): each bar carries its
// value as text above it, so nothing is told by colour or height alone, and every chart sits in a
// <figure> whose caption names it and whose data table (reports.js) says the same in words.
window.GpkiReportCharts = (function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  function el(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /**
   * A vertical bar chart. `bars`: [{ label, value (a number, or null for "nothing to show"), text }];
   * `max`: the top of the scale; `ticks`: values to draw a guide line at (with `tickText(v)`);
   * `labelledBy`: the id of the caption that names the chart.
   */
  function bars(opts) {
    var left = 44, top = 22, plot = 120, bottom = 40, step = 64, barWidth = 36;
    var width = left + Math.max(1, opts.bars.length) * step + 8;
    var height = top + plot + bottom;
    var svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img', 'aria-labelledby': opts.labelledBy, class: 'chart' });
    (opts.ticks || []).forEach(function (v) {
      var y = top + plot - (v / opts.max) * plot;
      svg.appendChild(el('line', { x1: left - 4, x2: width - 4, y1: y, y2: y, class: 'guide' }));
      svg.appendChild(el('text', { x: left - 8, y: y + 4, 'text-anchor': 'end', class: 'tick' }, opts.tickText ? opts.tickText(v) : String(v)));
    });
    svg.appendChild(el('line', { x1: left, x2: width - 4, y1: top + plot, y2: top + plot, class: 'axis' }));
    opts.bars.forEach(function (b, i) {
      var x = left + i * step + (step - barWidth) / 2;
      var g = el('g', { class: 'bar' });
      if (b.value === null || b.value === undefined) {
        g.appendChild(el('rect', { x: x, y: top + plot - 2, width: barWidth, height: 2, class: 'empty' }));
      } else {
        var h = Math.max(1, (Math.min(b.value, opts.max) / opts.max) * plot);
        g.appendChild(el('rect', { x: x, y: top + plot - h, width: barWidth, height: h, class: b.warn ? 'fill warn' : 'fill' }));
      }
      var valueY = b.value === null || b.value === undefined ? top + plot - 8 : top + plot - Math.max(1, (Math.min(b.value, opts.max) / opts.max) * plot) - 6;
      g.appendChild(el('text', { x: x + barWidth / 2, y: valueY, 'text-anchor': 'middle', class: 'value' }, b.text));
      g.appendChild(el('text', { x: x + barWidth / 2, y: top + plot + 16, 'text-anchor': 'middle', class: 'label' }, b.label));
      if (b.sub) g.appendChild(el('text', { x: x + barWidth / 2, y: top + plot + 32, 'text-anchor': 'middle', class: 'sub' }, b.sub));
      svg.appendChild(g);
    });
    return svg;
  }

  return { bars: bars };
})();
