// marquee drift dashboard: polls /api/reports and draws one SVG line chart per drift metric.
// Data from Kafka is only ever put into the page as text or attribute values (never as HTML).
'use strict';
(function () {
  const POLL_MS = 2000;
  const FETCH_TIMEOUT_MS = 10000;
  const MAX_REPORTS = 20000;
  let serverOffsetMs = 0;
  let newest = null; // the report of the latest window, and the recent windows' median length (render sets them)
  let windowMs = 0;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const W = 240, H = 120, LEFT = 40, RIGHT = 8, TOP = 10, BOTTOM = 22;
  // Features in pipeline order; any other prefix follows alphabetically.
  const GROUP_ORDER = ['user_id', 'movie_title', 'timestamp', 'prediction', 'labels', 'schema', 'latency', 'throughput'];

  let reports = [];
  let lastIndex = -1;
  // The server's --max-reports once /health has said it: the page keeps no more than the server does.
  let maxReports = MAX_REPORTS;
  let instance = null;

  const $ = (id) => document.getElementById(id);

  async function poll() {
    let more = false; // the server answers a page of reports at a time: the rest is asked for at once
    try {
      // a server that stops answering must not stop the page's clock: the fetch gives up, and the badge goes stale
      const res = await fetch('api/reports?after=' + lastIndex, { cache: 'no-store', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const seen = res.headers.get('X-Marquee-Instance');
      const fresh = await res.json();
      if (instance !== null && seen !== instance) {
        // The dashboard restarted: its indexes start again, and it may hold none of what this page shows (another
        // topic, a broker down): start again from an empty page.
        window.location.reload();
        return;
      }
      instance = seen;
      more = res.headers.get('X-Marquee-More') === 'true' && fresh.length > 0;
      if (fresh.length > 0) {
        reports = reports.concat(fresh);
        if (reports.length > maxReports) reports = reports.slice(reports.length - maxReports);
        lastIndex = fresh[fresh.length - 1].index;
        if (!more) render();
      }
      connection('ok', more ? 'loading the reports held ...' : 'updated ' + clock(Date.now()));
      if (!more) await health();
    } catch (e) {
      connection('error', 'cannot reach the dashboard server: ' + e.message);
      markStale(); // by the last known server clock: an unreachable server's last verdict must not stay current
    }
    setTimeout(poll, more ? 0 : POLL_MS);
  }

  async function health() {
    const res = await fetch('health', { cache: 'no-store', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok && res.status !== 503) return; // 503 carries the same body: the reader is not reading
    const h = await res.json();
    if (h.max_reports > 0) maxReports = Math.min(MAX_REPORTS, h.max_reports);
    if (h.now_ms > 0) serverOffsetMs = h.now_ms - Date.now(); // a viewer's clock may be off from the server's
    if (reports.length > 0) markStale(); // judged by the server's clock from the first poll on
    const el = $('reader-status');
    el.dataset.skipped = h.records_skipped;
    el.dataset.read = h.records_read;
    el.textContent = 'topic ' + h.topic + ': ' + h.reader + ', ' + h.records_read + ' records read, '
      + h.records_skipped + ' skipped (not a report this dashboard can plot), '
      + (h.other_model_reports > 0 ? h.other_model_reports + ' of model \'' + h.other_model + '\' not shown (--model-name), ' : '')
      + h.reports_held + ' of max ' + h.max_reports + ' kept'
      + (h.last_error ? ' \u2014 last problem: ' + h.last_error : '');
  }

  function connection(state, text) {
    const el = $('connection');
    el.dataset.state = state;
    el.textContent = text;
  }

  function render() {
    const sorted = reports.slice().sort((a, b) => (a.window_end_ms - b.window_end_ms) || (a.index - b.index));
    newest = sorted[sorted.length - 1];
    const lengths = sorted.slice(-20).map((r) => r.window_end_ms - r.window_start_ms).filter((n) => n > 0).sort((a, b) => a - b);
    windowMs = lengths.length > 0 ? lengths[Math.floor(lengths.length / 2)] : 0;
    renderHeader(newest, sorted.length, lastKnownVersion(sorted));
    renderCharts(sorted);
  }

  function renderHeader(last, count, lastVersion) {
    $('drift-status').dataset.drifted = String(!!last.drifted); // its text and colour: markStale

    const version = $('model-version');
    const known = last.model_version >= 0 ? last.model_version : lastVersion;
    version.dataset.version = String(known);
    version.textContent = known < 0 ? 'none'
      : String(known) + (last.model_version < 0 ? ' (nothing scored in the last window)' : '');

    const win = $('last-window');
    win.dataset.windowEndMs = String(last.window_end_ms);
    win.textContent = when(last.window_start_ms) + ' \u2013 ' + clock(last.window_end_ms);
    markStale();

    const rate = recordsPerSecond(last);
    $('records-per-second').textContent = rate === null ? '\u2013' : fmt(rate);
    $('window-counts').textContent = last.records + ' records, ' + last.valid_count + ' valid, '
      + last.invalid_count + ' invalid, ' + last.scored_count + ' scored';
    $('report-count').textContent = String(count);

    renderEpisode(last);
    renderUnavailable(last);

    const list = $('alerts');
    list.replaceChildren();
    for (const a of last.alerts || []) {
      const li = el('li', { 'data-metric': a.metric, 'data-value': a.value, 'data-threshold': a.threshold });
      li.textContent = a.metric + ' = ' + fmt(a.value) + ' > ' + fmt(a.threshold) + ' for ' + a.windows
        + (a.windows === 1 ? ' window' : ' windows');
      list.appendChild(li);
    }
    if (!list.firstChild) {
      const li = el('li', { class: 'none' });
      li.textContent = 'none';
      list.appendChild(li);
    }
  }

  function renderEpisode(last) {
    const box = $('episode');
    const e = last.episode;
    box.dataset.open = String(!!(e && e.open));
    box.dataset.episodeId = e ? String(e.id) : '';
    if (!e) {
      box.textContent = 'no drift episode open' + (last.calibration ? ' (' + last.calibration + ')' : '');
      return;
    }
    const movers = (e.movers || []).map((m) => m.metric + ' ' + fmt(m.value) + ' > ' + fmt(m.threshold)).join(', ');
    const titles = (e.titles_grown || []).slice(0, 3).map((t) => '\u201c' + t.value + '\u201d '
      + fmt(100 * t.share) + '%').join(', ');
    box.textContent = 'drift episode ' + e.id + ' opened ' + when(e.opened_at_ms) + (e.open ? '' : ', closed')
      + ' (' + e.windows + (e.windows === 1 ? ' window' : ' windows') + ')'
      + (movers ? ': ' + movers : '') + (titles ? '; titles that grew most: ' + titles : '')
      + (last.calibration ? ' (thresholds: ' + last.calibration + ')' : '');
  }

  // What the last window could not measure (e.g. a model version without a reference profile), grouped by why.
  function renderUnavailable(last) {
    const box = $('unavailable');
    const byReason = new Map();
    for (const [metric, why] of Object.entries(last.unavailable || {})) {
      if (!byReason.has(why)) byReason.set(why, []);
      byReason.get(why).push(metric);
    }
    box.dataset.count = String(Object.keys(last.unavailable || {}).length);
    box.hidden = byReason.size === 0;
    box.textContent = byReason.size === 0 ? '' : 'not measured: ' + [...byReason.entries()]
      .map(([why, metrics]) => metrics.join(', ') + ' (' + why + ')').join('; ');
  }

  function recordsPerSecond(r) {
    const m = r.metrics || {};
    if (isNum(m['throughput.per_second'])) return m['throughput.per_second'];
    const seconds = (r.window_end_ms - r.window_start_ms) / 1000;
    return seconds > 0 ? r.records / seconds : null;
  }

  function renderCharts(sorted) {
    const names = new Set();
    for (const r of sorted) for (const k of Object.keys(r.metrics || {})) names.add(k);
    const groups = new Map();
    for (const name of [...names].sort()) {
      const dot = name.indexOf('.');
      const g = dot > 0 ? name.substring(0, dot) : name;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(name);
    }
    const order = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const ends = sorted.map((r) => r.window_end_ms);
    const starts = sorted.map((r) => r.window_start_ms);
    let x0 = Math.min(...starts, ...ends), x1 = Math.max(...ends);
    if (!(x1 > x0)) { x0 -= 1000; x1 += 1000; }
    const changes = versionChanges(sorted);

    const main = $('charts');
    main.replaceChildren();
    for (const g of order) {
      const section = el('section', { class: 'group', 'data-group': g });
      const h = el('h2');
      h.textContent = g;
      section.appendChild(h);
      const cards = el('div', { class: 'cards' });
      for (const name of groups.get(g)) cards.appendChild(card(name, sorted, x0, x1, changes));
      section.appendChild(cards);
      main.appendChild(section);
    }
  }

  function rank(group) {
    const i = GROUP_ORDER.indexOf(group);
    return i < 0 ? GROUP_ORDER.length : i;
  }

  // A window with nothing scored has model_version -1: it changes no version (the job's gauge keeps the last too).
  function versionChanges(sorted) {
    const changes = [];
    let current = -1;
    for (const r of sorted) {
      if (r.model_version < 0) continue;
      if (current >= 0 && r.model_version !== current) changes.push({ x: r.window_start_ms, version: r.model_version });
      current = r.model_version;
    }
    return changes;
  }

  function lastKnownVersion(sorted) {
    for (let i = sorted.length - 1; i >= 0; i--) {
      if (sorted[i].model_version >= 0) return sorted[i].model_version;
    }
    return -1;
  }

  function card(name, sorted, x0, x1, changes) {
    const points = [];
    const bands = [];
    const thresholds = [];
    const ends = [];
    // Runs of reports without this metric: from the point before (else the run's first window's start) to the point
    // after (else its last window's end), with the reasons the reports gave.
    const missing = [];
    let run = null;
    let threshold = null;
    for (const r of sorted) {
      ends.push(r.window_end_ms);
      const v = valueIn(r, name);
      if (v !== null) {
        if (run) { run.to = r.window_end_ms; missing.push(run); run = null; }
        points.push({ x: r.window_end_ms, y: v });
      } else {
        if (!run) run = { from: points.length ? points[points.length - 1].x : r.window_start_ms, to: 0, why: new Set() };
        run.to = r.window_end_ms;
        const why = (r.unavailable || {})[name];
        if (why) run.why.add(why);
      }
      const t = (r.thresholds || {})[name];
      if (isNum(t)) {
        threshold = t;
        thresholds.push({ from: r.window_start_ms, x: r.window_end_ms, y: t });
      }
      if ((r.alerts || []).some((a) => a.metric === name)) bands.push(r);
    }
    if (run) missing.push(run);
    const last = sorted[sorted.length - 1];
    const alerting = (last.alerts || []).some((a) => a.metric === name);

    const div = el('div', { class: 'card' + (alerting ? ' alerting' : ''), 'data-metric': name });
    const head = el('div', { class: 'head' });
    // The group's heading shows the prefix; the card shows the rest (the full name on hover).
    const title = el('span', { class: 'name', title: name });
    title.textContent = name.indexOf('.') > 0 ? name.substring(name.indexOf('.') + 1) : name;
    const value = el('span', { class: 'value' });
    // the last report's value: an older one would read as current
    const latest = valueIn(last, name);
    value.textContent = (latest === null ? (points.length ? 'not in the last report' : 'no data') : fmt(latest))
      + (threshold === null ? '' : ' / ' + fmt(threshold));
    head.append(title, value);
    div.append(head, chart(name, points, threshold, thresholds, bands, ends, missing, x0, x1, changes));
    return div;
  }

  function chart(name, points, threshold, thresholds, bands, ends, missing, x0, x1, changes) {
    const attrs = { class: 'chart', viewBox: '0 0 ' + W + ' ' + H, 'data-metric': name, 'data-points': points.length };
    if (threshold !== null) attrs['data-threshold'] = threshold;
    const svg = svgEl('svg', attrs);
    const ys = points.map((p) => p.y);
    for (const t of thresholds) ys.push(t.y);
    let lo = ys.length ? Math.min(...ys) : 0, hi = ys.length ? Math.max(...ys) : 1;
    if (lo >= 0 && lo < hi - lo) lo = 0;
    if (!(hi > lo)) { hi = lo + (Math.abs(lo) || 1) * 0.5; lo = lo - (hi - lo); }
    hi += (hi - lo) * 0.08;
    const sx = (x) => LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
    const sy = (y) => TOP + (hi - y) / (hi - lo) * (H - TOP - BOTTOM);
    const bottom = H - BOTTOM;

    svg.appendChild(svgEl('rect', { class: 'frame', x: LEFT, y: TOP, width: W - LEFT - RIGHT, height: bottom - TOP }));
    // No report at all for three windows' time or more: the job was down or had no traffic. Shaded, so the line
    // drawn across it is not read as data. Judged on every report, not on this metric's points: a metric a report
    // left out (too few requests to measure it, say) is no sign of the job being down.
    const gapMs = Math.max(60000, 3 * windowMs);
    for (let i = 1; i < ends.length; i++) {
      if (ends[i] - ends[i - 1] <= gapMs) continue;
      const a = sx(ends[i - 1]), b = sx(ends[i]);
      svg.appendChild(svgEl('rect', { class: 'gap', 'data-from-ms': ends[i - 1], 'data-to-ms': ends[i],
        x: r2(a), y: TOP, width: r2(Math.max(b - a, 1)), height: bottom - TOP }));
    }
    // Reports came, but without this metric: the line drawn across them is not data either (lighter, and said so).
    for (const m of missing) {
      const a = sx(m.from), b = sx(m.to);
      const band = svgEl('rect', { class: 'missing', 'data-from-ms': m.from, 'data-to-ms': m.to,
        x: r2(a), y: TOP, width: r2(Math.max(b - a, 1)), height: bottom - TOP });
      const title = svgEl('title', {});
      title.textContent = 'reports without ' + name + (m.why.size ? ': ' + [...m.why].join('; ') : '');
      band.appendChild(title);
      svg.appendChild(band);
    }
    for (const r of bands) {
      const a = sx(r.window_start_ms), b = sx(r.window_end_ms);
      svg.appendChild(svgEl('rect', { class: 'alert-band', 'data-window-end-ms': r.window_end_ms,
        x: r2(a), y: TOP, width: r2(Math.max(b - a, 2)), height: bottom - TOP }));
    }
    for (const c of changes) {
      const x = r2(sx(c.x));
      svg.appendChild(svgEl('line', { class: 'version-change', x1: x, x2: x, y1: TOP, y2: bottom }));
      svg.appendChild(text('v' + c.version, x + 2, TOP + 9, 'start', 'version-label'));
    }
    let ty = null;
    if (threshold !== null) {
      ty = r2(sy(threshold));
      if (new Set(thresholds.map((t) => t.y)).size > 1) {
        // Calibrated thresholds follow each window's size: one step per window, level across the window it judged.
        const steps = [];
        for (const t of thresholds) {
          const y = r2(sy(t.y));
          steps.push(r2(sx(isNum(t.from) && t.from < t.x ? t.from : t.x)) + ',' + y, r2(sx(t.x)) + ',' + y);
        }
        svg.appendChild(svgEl('polyline', { class: 'threshold threshold-steps', 'data-values':
          thresholds.map((t) => String(t.y)).join(','), points: steps.join(' ') }));
      } else {
        svg.appendChild(svgEl('line', { class: 'threshold', x1: LEFT, x2: W - RIGHT, y1: ty, y2: ty }));
      }
      svg.appendChild(text(fmt(threshold), LEFT - 4, ty + 3, 'end', 'threshold-label'));
    }
    // Axis labels give way to the threshold's label where they would overlap.
    if (ty === null || Math.abs(ty + 3 - (TOP + 8)) > 10) svg.appendChild(text(fmt(hi), LEFT - 4, TOP + 8, 'end'));
    if (ty === null || Math.abs(ty + 3 - bottom) > 10) svg.appendChild(text(fmt(lo), LEFT - 4, bottom, 'end'));
    const axis = x1 - x0 > 86400000 ? day : clock; // over a day: dates, not times of day that repeat
    svg.appendChild(text(axis(x0), LEFT, H - 6, 'start'));
    svg.appendChild(text(axis(x1), W - RIGHT, H - 6, 'end'));
    svg.appendChild(svgEl('polyline', { class: 'series', 'data-metric': name,
      'data-values': points.map((p) => String(p.y)).join(','),
      points: points.map((p) => r2(sx(p.x)) + ',' + r2(sy(p.y))).join(' ') }));
    const alertEnds = new Set(bands.map((r) => r.window_end_ms));
    for (const p of points) {
      if (alertEnds.has(p.x)) svg.appendChild(svgEl('circle', { class: 'alert-point', cx: r2(sx(p.x)), cy: r2(sy(p.y)), r: 2.6 }));
    }
    if (points.length) {
      const p = points[points.length - 1];
      svg.appendChild(svgEl('circle', { class: 'last-point', cx: r2(sx(p.x)), cy: r2(sy(p.y)), r: 2.2 }));
    }
    return svg;
  }

  function text(s, x, y, anchor, cls) {
    const t = svgEl('text', { x: r2(x), y: r2(y), 'text-anchor': anchor });
    if (cls) t.setAttribute('class', cls);
    t.textContent = s;
    return t;
  }

  function el(tag, attrs) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  // Per-kind rates are written only for the kinds that occur in a window: 0 in a report that has their total or
  // another kind's rate, not missing.
  const KIND_PREFIXES = ['schema.invalid_rate.', 'movie_title.match_rate.'];

  function valueIn(r, name) {
    const m = r.metrics || {};
    if (isNum(m[name])) return m[name];
    const prefix = KIND_PREFIXES.find((p) => name.startsWith(p));
    if (prefix === undefined) return null;
    const total = prefix.substring(0, prefix.length - 1);
    return isNum(m[total]) || Object.keys(m).some((k) => k.startsWith(prefix) && isNum(m[k])) ? 0 : null;
  }

  function isNum(v) {
    return typeof v === 'number' && isFinite(v);
  }

  function r2(v) {
    return Math.round(v * 100) / 100;
  }

  function fmt(v) {
    if (!isNum(v)) return String(v);
    const a = Math.abs(v);
    // Large values (an event-time lag of decades, in seconds) keep charts' labels short: 9.6e8, not 959,870,577.
    if (a >= 1e6) return v.toExponential(1).replace('e+', 'e');
    if (a >= 1000) return Math.round(v).toLocaleString('en-US');
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    if (a === 0) return '0';
    return a >= 0.001 ? v.toFixed(3) : v.toExponential(1);
  }

  /**
   * The job writes no report for a window without records: when none has come for three windows' time (a minute at
   * least), the last one is old news. Its DRIFTED or OK would otherwise look current for days.
   */
  function markStale() {
    const last = newest;
    if (!last) return;
    const stale = Date.now() + serverOffsetMs - last.window_end_ms > Math.max(60000, 3 * windowMs);
    const badge = $('drift-status');
    badge.dataset.stale = String(stale);
    if (stale) {
      badge.className = 'badge unknown';
      badge.textContent = 'NO DATA since ' + when(last.window_end_ms) + (last.drifted ? ' (then DRIFTED)' : '');
    } else {
      badge.className = 'badge ' + (last.drifted ? 'drifted' : 'ok');
      badge.textContent = last.drifted ? 'DRIFTED' : 'OK';
    }
  }

  function day(ms) {
    const d = new Date(ms);
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
  }

  /** A time of day, with its date when it is not today's. */
  function when(ms) {
    return new Date(ms).toDateString() === new Date().toDateString() ? clock(ms) : day(ms) + ' ' + clock(ms);
  }

  function clock(ms) {
    const d = new Date(ms);
    const p = (n) => String(n).padStart(2, '0');
    return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
  }

  poll();
  setInterval(markStale, 5000); // also while a poll waits
})();
