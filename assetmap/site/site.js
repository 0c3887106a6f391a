/* assetmap resident map: draws window.ASSETMAP_SITE (data.js) with Leaflet.
 * No request leaves the folder except the OpenStreetMap background tiles; without them the map draws its
 * own streets, water and green (data.js).
 * Every text that people typed goes into the page as text (textContent), never as HTML. */
(function () {
  'use strict';
  var S = window.ASSETMAP_SITE;
  // The languages of the page (Dutch first), each by its own name and with its writing direction.
  var LANGUAGES = S.languages || [{code: 'nl', name: 'Nederlands', dir: 'ltr'}, {code: 'en', name: 'English', dir: 'ltr'}];
  var LANGS = LANGUAGES.map(function (x) { return x.code; });
  var NUMBER_LOCALES = {nl: 'nl-NL', en: 'en-GB', tr: 'tr-TR', ar: 'ar-u-nu-latn', pl: 'pl-PL'};
  // List entries drawn at a time ("Meer tonen" adds the next): fewer on a phone, so the page stays short.
  var PAGE = (window.matchMedia && window.matchMedia('(max-width: 600px)').matches) ? 10 : 50;
  // On a phone the filters beyond the search box start folded (the page stays short); open elsewhere.
  if (window.matchMedia && window.matchMedia('(max-width: 600px)').matches) {
    var folded = document.getElementById('more-filters');
    if (folded) { folded.removeAttribute('open'); }
  }
  // The language: ?lang= in the address, else the visitor's earlier choice, else the browser's language
  // when it is one of the wijk's languages beyond Dutch and English (a Turkish phone opens in Turkish),
  // else the published one (the publisher chose Dutch or English for everyone else).
  var lang = S.lang;
  try {
    var asked = new URLSearchParams(window.location.search).get('lang');
    var kept = window.localStorage ? window.localStorage.getItem('assetmap-lang') : null;
    var browser = (navigator.languages || [navigator.language || '']).map(function (l) { return String(l).slice(0, 2).toLowerCase(); })
      .filter(function (l) { return LANGS.indexOf(l) >= 0 && l !== 'nl' && l !== 'en'; })[0];
    if (LANGS.indexOf(asked) >= 0) { lang = asked; } else if (LANGS.indexOf(kept) >= 0) { lang = kept; } else if (browser) { lang = browser; }
  } catch (e) { /* an old browser or storage switched off: the published language */ }

  var assets = S.assets, blocks = S.blocks;
  var canvasMode = assets.length >= S.canvas_from;
  var state = {q: '', off: {}, category: '', area: '', limit: PAGE, when: '', day: 0, part: 'day', near: null, dist: 500};
  // When open: minutes since Monday 00:00 (data.js has each place's week as [start, end) pairs, made in Python).
  var DAYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];
  var PARTS = {morning: [360, 720], afternoon: [720, 1080], evening: [1080, 1440], day: [0, 1440]};
  var DISTANCES = [250, 500, 1000, 2000];
  var NOT_PLACES = ['story', 'individual'];
  var streets = S.streets || [];
  var distances = null, unknown = [];
  var shown = [];
  var markers = new Array(assets.length);
  // The assets come sorted by name (publish.py), so the list is alphabetical without sorting here.
  // A search finds a name in any language it was written in.
  var names = assets.map(function (a) {
    return [a.n].concat(Object.keys(a.nt || {}).map(function (x) { return a.nt[x]; })).join('\n').toLowerCase();
  });
  var areaNames = {};
  S.areas.forEach(function (a) { areaNames[a.code] = a.name; });
  var returnFocus = null, pendingReturn = null;

  function $(id) { return document.getElementById(id); }

  function t(key, values) {
    var entry = S.texts[key];
    var s = entry ? (entry[lang] || entry.en || entry.nl) : key;
    if (values) {
      s = s.replace(/\{(\w+)\}/g, function (m, k) { return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : m; });
    }
    return s;
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === 'text') { node.textContent = props[k]; } else if (k === 'class') { node.className = props[k]; } else { node.setAttribute(k, props[k]); }
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined && c !== '') { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); }
    });
    return node;
  }

  // A number as assetmap.numbers (Babel) writes it: "1.500" and "0,5" in Dutch, "1,500" and "0.5" in English.
  // Only the distances and the counts of what is shown are written here (they change as the visitor filters);
  // every other figure comes written.
  function fmt(n, decimals) {
    if (n === null || n === undefined) { return '–'; }
    return n.toLocaleString(NUMBER_LOCALES[lang] || 'en-GB', {minimumFractionDigits: decimals || 0, maximumFractionDigits: decimals || 0});
  }

  function isMeeting(a) { return !!(a.m || a.mp); }
  function blockLabel(a) { return blocks[a.b].label[lang]; }
  function categoryLabel(c) { return c ? ((S.categories[c] || {})[lang] || c) : ''; }
  function iconUrl(a) { return isMeeting(a) ? blocks[a.b].icon_meeting : blocks[a.b].icon; }
  function badge(a, size) { return el('img', {src: iconUrl(a), alt: '', width: size, height: size}); }
  // An entry's name and description in the reader's language where it was written in it (nt, dt), else the
  // Dutch one: marked lang=nl (read out as Dutch), and a Dutch description says so in the reader's words.
  function translatedText(texts, dutch) { return (texts && texts[lang]) || dutch; }
  function nameOf(a) { return translatedText(a.nt, a.n); }
  function textNode(tag, texts, dutch, props, said) {
    var own = !!(texts && texts[lang]);
    var node = el(tag, props, [own ? texts[lang] : dutch]);
    node.setAttribute('dir', 'auto');
    if (!own && lang !== 'nl') {
      node.setAttribute('lang', 'nl');
      if (said) { node.appendChild(el('small', {class: 'in-dutch', lang: lang, text: ' (' + t('shown_in_dutch') + ')'})); }
    }
    return node;
  }
  function markerName(a) { return nameOf(a) + ', ' + blockLabel(a) + (isMeeting(a) ? ', ' + t('meeting_place') : ''); }

  // ------------------------------------------------------------------ details (popup and list)
  // What people typed (names, descriptions, story titles) takes its own direction (dir=auto): a Dutch name
  // on an Arabic page reads left to right, with its punctuation where it was typed.
  function details(a, withTitle) {
    var box = el('div', {class: 'details'});
    if (withTitle) { box.appendChild(el('p', {class: 'popup-title'}, [badge(a, 18), textNode('strong', a.nt, a.n)])); }
    box.appendChild(el('p', {text: blockLabel(a) + (a.c ? ' · ' + categoryLabel(a.c) : '') +
                                    (a.a && areaNames[a.a] ? ' · ' + areaNames[a.a] : '')}));
    if (a.d || a.dt) { box.appendChild(textNode('p', a.dt, a.d || '', null, true)); }
    var facts = [];
    if (isMeeting(a)) { facts.push('✔ ' + t('meeting_place')); }
    if (a.o) { facts.push(t('opening_hours') + ': ' + ((a.oh && a.oh[lang]) || a.o)); }
    if (a.p) { facts.push(t('operator') + ': ' + a.p); }
    if (a.t) { facts.push(t('story_date') + ': ' + a.t[lang]); }
    if (a.w) { facts.push(t('wheelchair') + ': ' + t('wheelchair_' + a.w)); }
    if (a.f !== undefined) { facts.push(t('free_entry') + ': ' + t(a.f ? 'yes' : 'no')); }
    if (a.lc) { facts.push(t('site_last_checked', {date: a.lc}) + (a.ls ? ' · ' + t('site_not_checked_recently') : '')); }
    if (facts.length) { box.appendChild(el('ul', null, facts.map(function (f) { return el('li', {text: f}); }))); }
    (a.ph || []).forEach(function (p) {  // approved photos: the caption is the alt text
      box.appendChild(el('figure', {class: 'photo'}, [
        el('img', {src: p[0], alt: p[1] || '', loading: 'lazy', width: 320}),
        el('figcaption', {text: (p[1] || '') + (p[2] ? ' · ' + t('site_photo_credit', {credit: p[2]}) : '')})]));
    });
    if (a.s) {
      box.appendChild(el('p', {class: 'sub', text: t('stories_here')}));
      box.appendChild(el('ul', null, a.s.map(function (s) {
        var told = s[2] || (s[4] && s[4][lang]);
        return el('li', null, [textNode('strong', s[3], s[0]), s[1] ? ' (' + s[1][lang] + ')' : '',
                               told ? ': ' : '', told ? textNode('span', s[4], s[2] || '', null, true) : null]);
      })));
    }
    if (a.l) {
      box.appendChild(el('p', {class: 'sub', text: t('linked_with')}));
      box.appendChild(el('ul', null, a.l.map(function (l) { return el('li', {text: t('link_' + l[0]) + ' ' + l[1]}); })));
    }
    return box;
  }

  // ------------------------------------------------------------------ map
  var map = L.map('map', {zoomControl: false, keyboard: true, preferCanvas: false});
  var zoom = L.control.zoom({zoomInTitle: t('site_zoom_in'), zoomOutTitle: t('site_zoom_out')}).addTo(map);
  L.control.scale({imperial: false}).addTo(map);
  map.attributionControl.setPrefix(false);
  // The attribution is on the map itself, so it shows also when the tiles cannot load.
  map.attributionControl.addAttribution(S.attribution.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
  // Offline, the streets, water and green of the workspace (assetmap.basemap) stand in for the tiles;
  // the first tile that loads takes their place, so online nothing changes. The base map is drawn
  // after the markers and the list, in pieces of about BASE_POINTS points, one piece a task, so no
  // long task holds up a tap (thousands of street segments at once took half a second on a phone).
  var BASE_POINTS = 1200;
  var base = null, tileShown = false;
  function points(c) { return typeof c[0] === 'number' ? 1 : c.reduce(function (n, x) { return n + points(x); }, 0); }
  function basemapPieces() {
    var pieces = [];
    // Last kind first: each piece goes to the back, so green and water end under the streets and
    // all of it under the areas' outlines.
    S.basemap.features.slice().reverse().forEach(function (f) {
      var g = f.geometry;
      if (g.type.indexOf('Multi') !== 0) { pieces.push(f); return; }
      var part = [], n = 0;
      g.coordinates.forEach(function (c) {
        part.push(c);
        n += points(c);
        if (n >= BASE_POINTS) {
          pieces.push({type: 'Feature', properties: f.properties, geometry: {type: g.type, coordinates: part}});
          part = [];
          n = 0;
        }
      });
      if (part.length) { pieces.push({type: 'Feature', properties: f.properties, geometry: {type: g.type, coordinates: part}}); }
    });
    return pieces;
  }
  function drawBasemap(done) {
    if (tileShown || base || !S.basemap || !S.basemap.features.length) { done(); return; }
    base = L.layerGroup().addTo(map);
    var pieces = basemapPieces();
    var style = function (f) { return S.basemap_style[f.properties.kind] || {}; };
    (function next() {
      if (tileShown || !pieces.length) { done(); return; }
      var piece = L.geoJSON(pieces.shift(), {interactive: false, style: style});
      base.addLayer(piece);
      piece.bringToBack();
      setTimeout(next, 0);
    }());
  }
  // A browser that knows it is offline asks for no tile (each would be an error in its console);
  // the tiles come when it is back online.
  function addTiles() {
    var tiles = L.tileLayer(S.tiles, {maxZoom: 19}).addTo(map);
    tiles.once('tileload', function () {
      tileShown = true;
      if (base) { map.removeLayer(base); }
    });
  }
  if (navigator.onLine === false) {
    window.addEventListener('online', addTiles, {once: true});
  } else {
    addTiles();
  }
  if (S.boundaries.features.length) {
    L.geoJSON(S.boundaries, {interactive: false, style: function (f) {
      return {color: '#4d4d4d', weight: f.properties.w, dashArray: '4 4', fillOpacity: 0.03};
    }}).addTo(map);
  }
  if (S.bounds) { map.fitBounds(S.bounds, {maxZoom: 17, padding: [12, 12]}); } else { map.setView([52.1, 5.1], 8); }
  var renderer = canvasMode ? L.canvas({padding: 0.5}) : null;
  var layer = L.layerGroup().addTo(map);
  var icons = {};

  // One icon per building block (and meeting place): the badge is a CSS background, so a marker is one element.
  function divIcon(a) {
    var key = blocks[a.b].key + (isMeeting(a) ? '-meeting' : '');
    if (!icons[key]) { icons[key] = L.divIcon({className: 'marker marker-' + key, iconSize: [44, 44], html: ''}); }
    return icons[key];
  }

  function nameMarker(m, a) {
    var node = m.getElement && m.getElement();
    if (node) { node.setAttribute('aria-label', markerName(a)); node.removeAttribute('title'); }
  }

  function makeMarker(k) {
    var a = assets[k], m;
    if (canvasMode) {
      m = L.circleMarker([a.y, a.x], {renderer: renderer, radius: isMeeting(a) ? 8 : 6, weight: isMeeting(a) ? 3 : 1.5,
        color: isMeeting(a) ? '#000' : '#fff', fillColor: blocks[a.b].color, fillOpacity: 1});
    } else {
      m = L.marker([a.y, a.x], {icon: divIcon(a), keyboard: true, riseOnHover: true});
      m.on('add', function () {
        nameMarker(m, a);
        // Enter opens the popup (Leaflet); Space too, as for any button.
        L.DomEvent.on(m.getElement(), 'keydown', function (e) {
          if (e.key === ' ' || e.key === 'Spacebar') { L.DomEvent.preventDefault(e); m.openPopup(); }
        });
      });
    }
    if (canvasMode) {
      // Thousands of points share one popup, made when one is opened.
      m.on('click', function () { openShared(k); });
    } else {
      m.bindPopup(function () { return details(a, true); }, POPUP);
    }
    m.assetIndex = k;
    return m;
  }

  var POPUP = {maxWidth: 300, autoPanPadding: [24, 24]};
  var shared = null;
  function openShared(k) {
    shared = shared || L.popup(POPUP);
    shared.setLatLng([assets[k].y, assets[k].x]).setContent(details(assets[k], true)).openOn(map);
  }

  map.on('popupopen', function (e) {
    var source = e.popup._source;
    returnFocus = pendingReturn || (source && source.getElement && !canvasMode ? source.getElement() : null);
    pendingReturn = null;
    var node = e.popup.getElement();
    var close = node.querySelector('.leaflet-popup-close-button');
    if (close) { close.setAttribute('aria-label', t('site_close')); close.setAttribute('title', t('site_close')); }
    var content = node.querySelector('.leaflet-popup-content');
    if (content) { content.setAttribute('tabindex', '-1'); content.focus({preventScroll: true}); }
  });
  map.on('popupclose', function (e) {
    var target = returnFocus, active = document.activeElement, node = e.popup.getElement();
    returnFocus = null;
    // Back to where the popup was opened from, unless the visitor has moved on (typing a search, say).
    var fromPopup = !active || active === document.body || (node && node.contains(active));
    if (target && fromPopup && document.body.contains(target)) { target.focus({preventScroll: true}); }
  });
  document.addEventListener('keydown', function (e) {
    if ((e.key === 'Escape' || e.key === 'Esc') && map._popup && map.hasLayer(map._popup)) { map.closePopup(); }
  });

  function showOnMap(k, from) {
    var m = markers[k];
    if (!m || !layer.hasLayer(m)) { return; }
    pendingReturn = from || null;
    map.setView(m.getLatLng(), Math.max(map.getZoom(), 17), {animate: false});
    $('map').scrollIntoView({block: 'nearest'});
    if (canvasMode) { openShared(k); } else { m.openPopup(); }
  }

  // ------------------------------------------------------------------ filters, list, status
  function matches(k) {
    var a = assets[k];
    if (state.off[a.b]) { return false; }
    if (state.category && a.c !== state.category) { return false; }
    if (state.area && a.a !== state.area) { return false; }
    if (state.q && names[k].indexOf(state.q) < 0) { return false; }
    return true;
  }

  // ------------------------------------------------------------------ when open, near me
  // The clock in Dutch time, whatever the visitor's own zone: [weekday 0 = Monday, minute of the day].
  function dutchNow() {
    var parts = {};
    new Intl.DateTimeFormat('en-GB', {timeZone: 'Europe/Amsterdam', weekday: 'short', hour: '2-digit',
      minute: '2-digit', hourCycle: 'h23'}).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    var day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday);
    return [day, parseInt(parts.hour, 10) * 60 + parseInt(parts.minute, 10)];
  }

  // The window asked, as [start, end) in minutes of the week; a moment is [m, m + 1).
  function windowAsked() {
    if (state.when === 'now') { var n = dutchNow(); var m = n[0] * 1440 + n[1]; return [m, m + 1]; }
    if (state.when === 'on') { var p = PARTS[state.part]; return [state.day * 1440 + p[0], state.day * 1440 + p[1]]; }
    return null;
  }

  function overlaps(spans, w) {
    if (!spans) { return false; }
    for (var i = 0; i < spans.length; i++) { if (spans[i][0] < w[1] && spans[i][1] > w[0]) { return true; } }
    return false;
  }

  // 'open', 'closed' or 'unknown' (no hours known and no activity then): unknown never counts as open.
  function openIn(a, w) {
    if (overlaps(a.h, w) || overlaps(a.ah, w)) { return 'open'; }
    return a.h ? 'closed' : 'unknown';
  }

  // Straight-line distance in metres (haversine on the sphere; never in degrees).
  function metres(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  // The street meant: the same name, else the first starting with it, else the first holding it.
  function findStreet(typed) {
    var wanted = typed.replace(/\s+/g, ' ').trim().toLowerCase();
    if (!wanted) { return null; }
    var tests = [function (n) { return n === wanted; }, function (n) { return n.indexOf(wanted) === 0; },
                 function (n) { return n.indexOf(wanted) >= 0; }];
    for (var i = 0; i < tests.length; i++) {
      for (var j = 0; j < streets.length; j++) { if (tests[i](streets[j][0].toLowerCase())) { return streets[j]; } }
    }
    return null;
  }

  function distanceText(m) {
    return m < 1000 ? t('distance_m', {metres: fmt(Math.round(m / 10) * 10)}) : t('distance_km_exact', {km: fmt(m / 1000, 1)});
  }

  function apply() {
    shown = [];
    unknown = [];
    distances = null;
    var w = windowAsked();
    for (var k = 0; k < assets.length; k++) {
      if (!matches(k)) { continue; }
      if (w) {
        var open = openIn(assets[k], w);
        // A story or a person has no hours: left out, not listed as "times unknown".
        if (open === 'unknown' && NOT_PLACES.indexOf(blocks[assets[k].b].key) < 0) { unknown.push(k); }
        if (open !== 'open') { continue; }
      }
      shown.push(k);
    }
    if (state.near) {
      distances = {};
      var near = state.near;
      shown = shown.filter(function (i) {
        distances[i] = metres(near.lat, near.lon, assets[i].y, assets[i].x);
        return distances[i] <= state.dist;
      });
      shown.sort(function (x, y) { return distances[x] - distances[y]; });
    }
    map.closePopup();
    layer.clearLayers();
    shown.forEach(function (i) { layer.addLayer(markers[i] || (markers[i] = makeMarker(i))); });
    state.limit = PAGE;
    renderList();
    renderStatus();
  }

  function renderStatus() {
    var text = t('shown', {shown: fmt(shown.length), total: fmt(assets.length)});
    $('status').textContent = shown.length ? text : text + '. ' + t('site_no_results');
    var notes = [];
    if (state.when === 'now') {
      var n = dutchNow();
      notes.push(t('open_now_at', {day: t('weekday_' + DAYS[n[0]]), time: ('0' + Math.floor(n[1] / 60)).slice(-2) + ':' + ('0' + n[1] % 60).slice(-2)}));
    } else if (state.when === 'on') {
      notes.push(t('open_on_window', {day: t('weekday_' + DAYS[state.day]), part: t('part_' + state.part)}));
    }
    if (state.near) { notes.push(t('site_near_sorted', {place: state.near.label, distance: distanceText(state.dist)})); }
    if (state.nearMissing) { notes.push(t('near_not_found', {typed: state.nearMissing})); }
    $('filter-note').textContent = notes.join(' ');
    var box = $('unknown'), list = $('unknown-list');
    box.hidden = !unknown.length;
    list.textContent = '';
    $('unknown-title').textContent = t('open_unknown_list', {count: fmt(unknown.length)});
    unknown.forEach(function (k) { list.appendChild(textNode('li', assets[k].nt, assets[k].n)); });
  }

  function showButton(k) {
    var button = el('button', {type: 'button', text: t('site_show_on_map')});
    button.addEventListener('click', function () { showOnMap(k, button); });
    return button;
  }

  function listItem(k) {
    var a = assets[k];
    var meta = blockLabel(a) + (a.c ? ' · ' + categoryLabel(a.c) : '') + (a.a && areaNames[a.a] ? ' · ' + areaNames[a.a] : '') +
      (distances && distances[k] !== undefined ? ' · ' + distanceText(distances[k]) : '');
    var item = el('details', null, [el('summary', null, [badge(a, 20), el('span', {class: 'entry'}, [
      textNode('span', a.nt, a.n, {class: 'name'}), el('span', {class: 'meta', text: meta})])])]);
    item.addEventListener('toggle', function () {
      if (item.open && item.children.length === 1) { item.appendChild(details(a, false)); item.appendChild(showButton(k)); }
    });
    return el('li', null, [item]);
  }

  function renderList() {
    var list = $('list'), more = $('more');
    list.textContent = '';
    var part = document.createDocumentFragment();
    shown.slice(0, state.limit).forEach(function (k) { part.appendChild(listItem(k)); });
    list.appendChild(part);
    var left = shown.length - state.limit;
    more.hidden = left <= 0;
    if (left > 0) { more.textContent = t('site_show_more', {count: left}); }
  }

  $('more').addEventListener('click', function () {
    var first = state.limit;
    state.limit += PAGE;
    renderList();
    var next = $('list').children[first];
    if (next) { next.querySelector('summary').focus(); }
  });

  function renderFilters() {
    var counts = blocks.map(function () { return 0; });
    assets.forEach(function (a) { counts[a.b] += 1; });
    var box = $('block-options');
    box.textContent = '';
    blocks.forEach(function (b, i) {
      var input = el('input', {type: 'checkbox', id: 'block-' + b.key, value: b.key});
      input.checked = !state.off[i];
      input.addEventListener('change', function () { state.off[i] = !input.checked; apply(); });
      box.appendChild(el('label', {class: 'check', for: 'block-' + b.key},
                         [input, el('img', {src: b.icon, alt: '', width: 20, height: 20}), b.label[lang] + ' (' + counts[i] + ')']));
    });
    var meetingIcon = $('meeting-icon');
    meetingIcon.textContent = '';
    meetingIcon.appendChild(el('img', {src: 'icons/' + blocks[2].key + '-meeting.svg', alt: '', width: 24, height: 24}));
    fillSelect($('category'), t('site_all_categories'), Object.keys(S.categories).map(function (c) {
      return [c, categoryLabel(c)];
    }).sort(function (x, y) { return x[1].localeCompare(y[1]); }), state.category);
    fillSelect($('area'), t('site_all_areas'), S.areas.map(function (a) { return [a.code, a.name]; }), state.area);
    fillOptions($('when'), [['', t('filter_when_any')], ['now', t('filter_when_now')], ['on', t('filter_when_on')]], state.when);
    fillOptions($('day'), DAYS.map(function (d, i) { return [String(i), t('weekday_' + d)]; }), String(state.day));
    fillOptions($('part'), Object.keys(PARTS).map(function (p) { return [p, t('part_' + p)]; }), state.part);
    fillOptions($('distance'), DISTANCES.map(function (m) { return [String(m), distanceText(m)]; }), String(state.dist));
    $('day-field').hidden = $('part-field').hidden = state.when !== 'on';
    $('near-box').hidden = !streets.length && !navigator.geolocation;
  }

  // The street names to pick from, added when the street box is first used (hundreds of options the
  // page need not build before someone asks).
  $('near').addEventListener('focus', function () {
    var names = $('street-names');
    if (!names.children.length) {
      streets.forEach(function (s) { names.appendChild(el('option', {value: s[0]})); });
    }
  });

  function fillOptions(select, options, value) {
    select.textContent = '';
    options.forEach(function (o) { select.appendChild(el('option', {value: o[0], text: o[1]})); });
    select.value = value;
  }

  function fillSelect(select, all, options, value) {
    select.textContent = '';
    select.appendChild(el('option', {value: '', text: all}));
    options.forEach(function (o) { select.appendChild(el('option', {value: o[0], text: o[1]})); });
    select.value = value;
  }

  var typing = null;
  $('q').addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () { state.q = $('q').value.trim().toLowerCase(); apply(); }, 250);
  });
  $('category').addEventListener('change', function () { state.category = $('category').value; apply(); });
  $('area').addEventListener('change', function () {
    state.area = $('area').value;
    // The calendar of the chosen area (agenda/<code>.ics, written per area shown), else of the whole site.
    if ($('agenda-link')) { $('agenda-link').setAttribute('href', state.area ? 'agenda/' + state.area + '.ics' : 'agenda.ics'); }
    apply();
  });
  $('filters').addEventListener('submit', function (e) { e.preventDefault(); state.q = $('q').value.trim().toLowerCase(); apply(); });
  $('when').addEventListener('change', function () {
    state.when = $('when').value;
    $('day-field').hidden = $('part-field').hidden = state.when !== 'on';
    apply();
  });
  $('day').addEventListener('change', function () { state.day = parseInt($('day').value, 10); apply(); });
  $('part').addEventListener('change', function () { state.part = $('part').value; apply(); });
  $('distance').addEventListener('change', function () { state.dist = parseInt($('distance').value, 10); apply(); });
  function nearStreet() {
    var typed = $('near').value.trim();
    var found = findStreet(typed);
    state.nearMissing = typed && !found ? typed : '';
    state.near = found ? {lat: found[1], lon: found[2], label: found[0]} : null;
    apply();
  }
  var typingNear = null;
  $('near').addEventListener('input', function () { clearTimeout(typingNear); typingNear = setTimeout(nearStreet, 400); });
  $('near').addEventListener('change', nearStreet);
  // The browser's location stays in the browser: used for the distances here, never sent or stored.
  $('locate').addEventListener('click', function () {
    if (!navigator.geolocation) { $('filter-note').textContent = t('site_near_no_location'); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      $('near').value = '';
      state.nearMissing = '';
      state.near = {lat: position.coords.latitude, lon: position.coords.longitude, label: t('site_near_my_location')};
      apply();
    }, function () { $('filter-note').textContent = t('site_near_no_location'); }, {maximumAge: 60000, timeout: 15000});
  });
  $('clear').addEventListener('click', function () {
    state.q = ''; state.off = {}; state.category = ''; state.area = '';
    state.when = ''; state.day = 0; state.part = 'day'; state.near = null; state.nearMissing = ''; state.dist = 500;
    $('q').value = '';
    $('near').value = '';
    renderFilters();
    apply();
  });

  // ------------------------------------------------------------------ stories, meeting places, coverage
  // A section's list shows its first few; a button adds the rest (a long list would make the phone page long).
  var SECTION_FIRST = 3;
  function shortList(box, nodes) {
    var old = $(box.id + '-more');
    if (old) { old.parentNode.removeChild(old); }
    nodes.slice(0, SECTION_FIRST).forEach(function (n) { box.appendChild(n); });
    if (nodes.length <= SECTION_FIRST) { return; }
    var rest = nodes.slice(SECTION_FIRST);
    var button = el('button', {type: 'button', id: box.id + '-more', class: 'section-more',
                               text: t('site_show_more', {count: fmt(rest.length)})});
    button.addEventListener('click', function () {
      rest.forEach(function (n) { box.appendChild(n); });
      button.parentNode.removeChild(button);
      var next = rest[0].querySelector('summary, button');
      if (next) { next.focus(); }
    });
    box.parentNode.insertBefore(button, box.nextSibling);
  }

  // Each story folded to its title (what people told, grouped under one heading), so the phone page stays short.
  function renderStories() {
    var box = $('story-list');
    box.textContent = '';
    if (!S.stories.length) { box.appendChild(el('p', {text: t('site_no_stories')})); return; }
    shortList(box, S.stories.map(function (s) {
      var parts = [el('summary', null, [textNode('h3', s.nt, s.n)])];
      if (s.t && s.t[lang]) { parts.push(el('p', {text: t('story_date') + ': ' + s.t[lang]})); }
      if (s.d || s.dt) { parts.push(textNode('p', s.dt, s.d || '', null, true)); }
      if (s.p !== undefined) {
        parts.push(el('p', null, [t('site_story_about', {name: nameOf(assets[s.p])}) + ' ', s.k !== undefined && s.k !== null ? showButton(s.p) : null]));
      } else if (s.k !== undefined && s.k !== null) {
        parts.push(showButton(s.k));
      }
      return el('article', {class: 'story'}, [el('details', null, parts)]);
    }));
  }

  function renderMeetingPlaces() {
    var list = $('meeting-list');
    list.textContent = '';
    if (!S.meeting_places.length) { list.appendChild(el('li', {text: t('site_no_meeting_places')})); return; }
    shortList(list, S.meeting_places.map(function (k) {
      var a = assets[k];
      var meta = (a.c ? categoryLabel(a.c) : blockLabel(a)) + (a.a && areaNames[a.a] ? ' · ' + areaNames[a.a] : '');
      return el('li', null, [badge(a, 22), el('span', {class: 'entry'}, [textNode('strong', a.nt, a.n), el('span', {class: 'meta', text: meta})]), showButton(k)]);
    }));
  }

  // The texts and numbers come written from publish (assetmap.numbers and coverage_notes: the words of
  // the CLI, the app and the profile); partial areas are starred and flagged below the table, as in the profile.
  function renderCoverage() {
    var box = $('coverage-body'), c = S.coverage;
    box.textContent = '';
    if (!c) { box.appendChild(el('p', {text: t('site_coverage_none')})); return; }
    var lines = c.lines[lang], method = lines[lines.length - 1];
    box.appendChild(el('p', {text: c.intro[lang]}));
    lines.slice(0, -1).forEach(function (line) { box.appendChild(el('p', {class: 'coverage-line', text: line})); });
    var head = el('tr', null, [el('th', {scope: 'col', text: t(c.level)}),
      el('th', {scope: 'col', class: 'num', text: t('col_population')}), el('th', {scope: 'col', class: 'num', text: t('col_covered')}),
      el('th', {scope: 'col', class: 'num', text: t('col_uncovered')}), el('th', {scope: 'col', class: 'num', text: t('col_pct')}),
      el('th', {scope: 'col', class: 'num', text: t('col_median')})]);
    var rows = c.areas.map(function (r) {
      var cells = r.cells[lang];
      return el('tr', null, [el('th', {scope: 'row', text: cells[0] + (r.partial ? ' *' : '')})].concat(
        cells.slice(1).map(function (v) { return el('td', {class: 'num', text: v}); })));
    });
    // The headline stays in view; the table, its flags and the method fold under one line (a short phone page).
    var more = el('details', {id: 'coverage-more'}, [el('summary', {text: t('site_coverage_details', {level: t(c.level).toLowerCase()})}),
      el('div', {class: 'table-wrap'}, [el('table', null, [
        el('caption', {text: t('site_coverage_title')}), el('thead', null, [head]), el('tbody', null, rows)])])]);
    var notes = c.areas.filter(function (r) { return r.partial; });
    if (notes.length) {
      more.appendChild(el('ul', {class: 'notes'}, notes.map(function (r) {
        return el('li', {class: 'partial-note', text: '* ' + r.name + ': ' + r.note[lang]});
      })));
    }
    more.appendChild(el('p', {class: 'hint', text: method}));
    box.appendChild(more);
  }

  // ------------------------------------------------------------------ language
  function setTexts() {
    document.documentElement.lang = lang;
    document.documentElement.dir = LANGUAGES[LANGS.indexOf(lang)].dir;
    // Arabic brings its own font (a phone without one would show boxes): linked only when asked for.
    if (lang === 'ar' && !$('font-ar')) {
      document.head.appendChild(el('link', {id: 'font-ar', rel: 'stylesheet', href: 'fonts-ar.css'}));
    }
    var title = t('map_title') + (S.area_name ? ': ' + S.area_name : '');
    document.title = title;
    $('title').textContent = title;
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (n) { n.textContent = t(n.getAttribute('data-t')); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-t-label]'), function (n) {
      n.setAttribute('aria-label', t(n.getAttribute('data-t-label')));
    });
    Array.prototype.forEach.call($('languages').querySelectorAll('button'), function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang));
    });
    var zoomIn = zoom.getContainer().querySelector('.leaflet-control-zoom-in');
    var zoomOut = zoom.getContainer().querySelector('.leaflet-control-zoom-out');
    [[zoomIn, 'site_zoom_in'], [zoomOut, 'site_zoom_out']].forEach(function (z) {
      if (z[0]) { z[0].setAttribute('title', t(z[1])); z[0].setAttribute('aria-label', t(z[1])); }
    });
    $('map-hint').textContent = t(canvasMode ? 'site_map_hint_many' : 'site_map_hint');
    $('content-language').textContent = t('content_language_note');
    $('content-language').hidden = lang === 'nl';
    $('updated').textContent = t('site_updated', {date: (S.published_day || {})[lang] || S.published});
    shown.forEach(function (k) { if (markers[k]) { nameMarker(markers[k], assets[k]); } });
  }

  function renderAll() {
    setTexts();
    renderFilters();
    renderStatus();
    renderList();
    renderStories();
    renderMeetingPlaces();
    renderCoverage();
  }

  // One button per language, each in its own language (lang, dir), so every reader finds theirs.
  LANGUAGES.forEach(function (x) {
    var button = el('button', {type: 'button', id: 'lang-' + x.code, 'data-lang': x.code, lang: x.code, dir: x.dir,
                               'aria-pressed': String(x.code === lang), text: x.name});
    button.addEventListener('click', function () {
      lang = x.code;
      map.closePopup();
      renderAll();
      try { window.localStorage.setItem('assetmap-lang', lang); } catch (e) { /* storage switched off */ }
      try { window.history.replaceState(null, '', '?lang=' + lang + window.location.hash); } catch (e) { /* file:// in some browsers */ }
    });
    $('languages').appendChild(button);
  });

  // The map is set up in this task; its markers and the list in the next (two shorter tasks than one).
  setTimeout(function () {
    setTexts();
    renderFilters();
    apply();
    // For the benchmark: the first frame after every marker was added has been painted. The sections
    // below the map and the offline base map follow right after (data-ready), so they do not hold up the markers.
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        document.documentElement.setAttribute('data-painted', String(performance.now()));
        // Each in its own task, so the page answers a tap in between: the base map, then the sections.
        setTimeout(function () {
          drawBasemap(function () {
            var steps = [renderStories, renderMeetingPlaces, renderCoverage];
            (function next() {
              if (steps.length) { steps.shift()(); setTimeout(next, 0); return; }
              document.documentElement.setAttribute('data-ready', String(performance.now()));
            }());
          });
        }, 0);
      });
    });
  }, 0);
}());
