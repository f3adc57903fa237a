"use strict";
/* The live page and the item page.  Every piece of feed data reaches the DOM through textContent or a
   checked attribute (http(s)-only links, encoded item paths): never as markup. */
(function () {
  var body = document.body;
  var FEED = body.getAttribute("data-feed");
  var EVERY = Number(body.getAttribute("data-refresh")) * 1000;
  var PAGE = 100;
  var SVGNS = "http://www.w3.org/2000/svg";
  var STATUSES = {occurred: 1, scheduled: 1, proposed: 1};
  var FIELDS = ["q", "type", "status", "actor", "with", "outlet", "min_sources", "from", "to", "sort"];
  var COLORS = ["#2f6fb0", "#d9822b", "#3a9a5b", "#c23b3b", "#8a5cc2", "#8c6d3f", "#d166a8", "#6b7280",
    "#a3a12b", "#1fa2b8", "#5a4fcf", "#e0a400", "#0f7d6b", "#b5495b", "#7a9a2e", "#4b6584"];
  var statusLine = document.getElementById("status");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }
  function safeHref(url) {
    if (typeof url !== "string") { return null; }
    try {
      var parsed = new URL(url);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (e) { return null; }
  }
  function itemPath(id) { return "/feed/" + encodeURIComponent(String(id)); }
  function list(value) { return Array.isArray(value) ? value : []; }
  function when(d) {
    if (d.time_utc) {
      return String(d.time_utc).replace("T", " ").replace(/:00(\.0+)?(Z|\+00:00)$/, " UTC");
    }
    if (d.date) { return String(d.date); }
    var reported = list(d.sources).map(function (s) { return s.published_date; }).filter(Boolean).sort()[0];
    return reported ? "undated \u00b7 reported " + reported : "undated";
  }
  function stamp(value) {
    return value ? String(value).replace("T", " ").replace(/:\d\d(\.\d+)?(Z|\+00:00)$/, " UTC") : "unknown";
  }
  function badge(text, status) {
    return el("span", status && STATUSES[text] ? "badge " + text : "badge", text);
  }
  function badges(d, types) {
    var row = el("div", "badges");
    types.forEach(function (t) { row.appendChild(badge(t)); });
    if (d.mode) { row.appendChild(badge(String(d.mode).replace(/_/g, " "))); }
    row.appendChild(badge(d.status, true));
    return row;
  }
  function typesOf(d) {
    var types = [d.type];
    list(d.types).forEach(function (t) { if (types.indexOf(t) < 0) { types.push(t); } });
    return types;
  }
  function sourceLabel(s) { return [s.outlet, s.title].filter(Boolean).join(" \u2014 ") || s.article_id; }
  function link(text, href) {
    var a = el("a", null, text);
    a.href = href; a.rel = "noopener noreferrer nofollow"; a.target = "_blank";
    return a;
  }
  function quote(q) {
    var bq = el("blockquote");
    bq.appendChild(el("span", null, "\u201c" + q.text + "\u201d"));
    bq.appendChild(el("cite", null, "\u2014 " + (q.speaker || "unattributed")));
    return bq;
  }

  /* The live page's last query, so an item page's way back returns to the same view. */
  var MEMORY = "diplofeed.live-query";
  function remember(query) { try { sessionStorage.setItem(MEMORY, query); } catch (e) { /* storage off */ } }
  function recalled() {
    try { return new URLSearchParams(sessionStorage.getItem(MEMORY) || "").toString(); } catch (e) { return ""; }
  }

  /* ------------------------------------------------------------------ the live page */

  function renderItem(d) {
    var card = el("article", "item");
    if (typeof d.id === "string") { card.id = "item-" + d.id; }
    card.appendChild(badges(d, typesOf(d)));
    var h2 = el("h2");
    var a = el("a", null, d.headline);
    a.href = itemPath(d.id);
    h2.appendChild(a);
    card.appendChild(h2);
    card.appendChild(el("p", "meta", when(d) + (d.location ? " \u00b7 " + d.location : "")));
    if (list(d.actors).length) { card.appendChild(el("p", "meta", "Actors: " + d.actors.join(", "))); }
    var sources = list(d.sources);
    var outlets = d.source_count || sources.length;
    card.appendChild(el("p", "meta", "Sources (" + outlets + (outlets === 1 ? " outlet):" : " outlets):")));
    var ul = el("ul", "sources");
    sources.forEach(function (s) {
      var li = el("li");
      var href = safeHref(s.url);
      if (href) {
        li.appendChild(link(sourceLabel(s), href));
      } else {
        li.appendChild(el("span", null, sourceLabel(s) + (s.outlet || s.title ? " (" + s.article_id + ")" : "")));
      }
      ul.appendChild(li);
    });
    card.appendChild(ul);
    list(d.quotes).forEach(function (q) { card.appendChild(quote(q)); });
    return card;
  }

  function livePage() {
    var form = document.getElementById("controls");
    var items = document.getElementById("items");
    var fresh = document.getElementById("fresh");
    var more = document.getElementById("more");
    var typeSelect = document.getElementById("f-type");
    var types = [].slice.call(typeSelect.options).map(function (o) { return o.value; }).filter(Boolean);
    var limit = PAGE, shown = null, pending = null, etag = null, timer = null, lastField = null, seq = 0;
    var days = [];  // the timeline's data, redrawn at the new width when the window is resized
    var committed = "";  // the query of the address: what is shown and polled (controls may be mid-edit)

    function color(type) { var i = types.indexOf(type); return COLORS[(i < 0 ? 0 : i) % COLORS.length]; }
    function control(name) { return form.elements.namedItem(name); }
    function stateFromUrl() {
      var params = new URLSearchParams(location.search);
      FIELDS.forEach(function (name) {
        var field = control(name);
        field.value = params.get(name) || "";
        if (name === "sort" && !field.value) { field.value = "updated"; }  // no sort, or not one we have
      });
      committed = stateQuery().toString();
      remember(committed);
    }
    function stateQuery() {
      var params = new URLSearchParams();
      FIELDS.forEach(function (name) {
        var value = String(control(name).value || "").trim();
        if (value && !(name === "sort" && value === "updated")) { params.set(name, value); }
      });
      return params;
    }
    function commit(field) {
      var query = committed = stateQuery().toString();
      remember(query);
      var url = location.pathname + (query ? "?" + query : "");
      if (url !== location.pathname + location.search) {
        // Successive changes of one control (a typing burst, arrowing through a list) are one step back.
        if (field && field === lastField) { history.replaceState(null, "", url); } else { history.pushState(null, "", url); }
      }
      lastField = field;
      limit = PAGE;
      load(false);
    }
    function feedUrl(after) {
      var params = new URLSearchParams(committed);
      params.set("limit", String(limit));
      if (after) { params.set("after", after); }
      return FEED + "?" + params.toString();
    }

    function datalist(id, values) {
      var node = document.getElementById(id);
      node.replaceChildren.apply(node, list(values).map(function (v) { var o = el("option"); o.value = String(v); return o; }));
    }
    function timeline(days) {
      var box = document.getElementById("timeline");
      var width = Math.max(240, box.clientWidth || 600), height = 140, top = 8, bottom = 22, left = 28;
      var max = 0;
      days.forEach(function (d) {
        var n = 0; Object.keys(d.types || {}).forEach(function (t) { n += d.types[t]; }); d.n = n; max = Math.max(max, n);
      });
      var total = days.reduce(function (a, d) { return a + d.n; }, 0);
      var chart = svg("svg", {viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": "timeline-label"});
      var label = svg("title", {id: "timeline-label"});
      label.textContent = days.length
        ? "Events per day by type, " + days[0].day + " to " + days[days.length - 1].day + ": " + total + " in all"
        : "No events in the selection";
      chart.appendChild(label);
      var plot = height - top - bottom, step = days.length ? (width - left) / days.length : 0;
      var barWidth = Math.max(1, Math.min(48, step * 0.8));
      chart.appendChild(svg("line", {x1: left, x2: width, y1: top + plot + 0.5, y2: top + plot + 0.5, stroke: "currentColor", "stroke-opacity": 0.3}));
      var yLabel = svg("text", {x: left - 4, y: top + 10, "text-anchor": "end"});
      yLabel.textContent = String(max);
      chart.appendChild(yLabel);
      days.forEach(function (d, i) {
        var x = left + i * step + (step - barWidth) / 2, y = top + plot;
        types.forEach(function (t) {
          var n = (d.types || {})[t];
          if (!n) { return; }
          var h = plot * n / max;
          y -= h;
          var rect = svg("rect", {x: x.toFixed(1), y: y.toFixed(1), width: barWidth.toFixed(1), height: Math.max(0.5, h).toFixed(1), fill: color(t)});
          var tip = svg("title");
          tip.textContent = d.day + " \u00b7 " + t + ": " + n;
          rect.appendChild(tip);
          chart.appendChild(rect);
        });
      });
      var ticks = days.length > 1 ? [0, Math.floor((days.length - 1) / 2), days.length - 1] : [0];
      ticks.filter(function (v, i, a) { return days.length && a.indexOf(v) === i; }).forEach(function (i, k, all) {
        var anchor = all.length > 1 && k === all.length - 1 ? "end" : (k === 0 ? "start" : "middle");
        var x = anchor === "end" ? width : (anchor === "start" ? left : left + (i + 0.5) * step);
        var t = svg("text", {x: x.toFixed(1), y: height - 6, "text-anchor": anchor});
        t.textContent = String(days[i].day).slice(5);
        chart.appendChild(t);
      });
      box.replaceChildren(chart);
    }
    function typeCounts(counts) {
      var ul = document.getElementById("type-counts");
      var current = control("type").value;
      var rows = Object.keys(counts || {}).map(function (t) {
        var li = el("li");
        var button = el("button", "typebtn");
        button.type = "button";
        button.setAttribute("aria-pressed", String(current === t));
        button.setAttribute("data-type", t);
        var sw = el("span", "swatch");
        sw.style.background = color(t);
        button.appendChild(sw);
        button.appendChild(el("span", null, t));
        button.appendChild(el("span", "count", counts[t]));
        button.addEventListener("click", function () { control("type").value = current === t ? "" : t; commit("type"); });
        li.appendChild(button);
        return li;
      });
      if (!rows.length) { rows = [el("li", "meta", "none")]; }
      ul.replaceChildren.apply(ul, rows);
    }
    function pairs(top) {
      var ol = document.getElementById("pairs");
      var max = top.length ? top[0].count : 1;
      var rows = top.map(function (p) {
        var li = el("li");
        var names = list(p.actors);
        var button = el("button", "typebtn");  // a pair is a filter too: what these two did together
        button.type = "button";
        button.appendChild(el("span", "pair", names.join(" \u2194 ")));
        var bar = el("span", "bar");
        bar.style.width = (3 * p.count / max).toFixed(2) + "rem";
        button.appendChild(bar);
        button.appendChild(el("span", "count", p.count));
        button.addEventListener("click", function () {
          control("actor").value = names[0] || ""; control("with").value = names[1] || ""; commit("pair");
        });
        li.appendChild(button);
        return li;
      });
      if (!rows.length) { rows = [el("li", "meta", "none")]; }
      ol.replaceChildren.apply(ol, rows);
    }
    function render(feed) {
      var entries = list(feed && feed.items);
      var summary = (feed && feed._diplofeed) || {};
      var nodes = entries.map(function (it) { return renderItem(it._diplofeed || {}); });
      if (!nodes.length) {
        nodes = [el("p", "empty", summary.window_total ? "No events match these filters." : "No events in the window yet.")];
      }
      items.replaceChildren.apply(items, nodes);
      var total = typeof summary.total === "number" ? summary.total : entries.length;
      more.hidden = entries.length >= total;
      more.textContent = "Show more (" + entries.length + " of " + total + " shown)";
      days = list(summary.days);
      timeline(days);
      typeCounts(summary.types);
      pairs(list(summary.pairs));
      var facets = summary.facets || {};
      datalist("actors-list", facets.actors);
      datalist("outlets-list", facets.outlets);
      shown = {latest: summary.latest || null, total: total, signature: signature(feed)};
      pending = null;
      fresh.hidden = true;
      statusLine.textContent = total + " items" + (summary.window_total !== undefined && summary.window_total !== total
        ? " of " + summary.window_total : "") + " \u00b7 updated " + new Date().toLocaleTimeString();
      if (!performance.getEntriesByName("first-render").length) { performance.mark("first-render"); }
    }
    function signature(feed) {
      var summary = (feed && feed._diplofeed) || {};
      return summary.total + "|" + list(feed && feed.items).map(function (it) { return it.id + "@" + it.date_modified; }).join(",");
    }
    function announce(feed) {
      if (signature(feed) === shown.signature) { return; }  // the feed changed elsewhere: nothing to show here
      var summary = (feed && feed._diplofeed) || {};
      var n = summary.new || 0;
      pending = feed;
      var news = n ? n + (n === 1 ? " new item" : " new items") : "Feed updated";
      fresh.textContent = news + " \u2014 show";
      fresh.hidden = false;
      statusLine.textContent = shown.total + " items \u00b7 " + news.toLowerCase() + " (press the button above the list)";
    }
    function load(poll) {
      clearTimeout(timer);
      var mine = ++seq;
      var headers = {Accept: "application/feed+json"};
      if (poll && etag) { headers["If-None-Match"] = etag; }
      fetch(feedUrl(poll && shown ? shown.latest : null), {headers: headers, cache: "no-store"})
        .then(function (r) {
          if (r.status === 304) { return null; }
          if (!r.ok) { throw new Error("HTTP " + r.status); }
          var tag = r.headers.get("ETag");
          return r.json().then(function (feed) { return {feed: feed, etag: tag}; });
        })
        .then(function (got) {
          if (mine !== seq || !got) { return; }
          etag = got.etag;
          if (poll && shown) { announce(got.feed); } else { render(got.feed); }
        })
        .catch(function (e) {
          if (mine === seq) { statusLine.textContent = "feed unavailable (" + e.message + "), retrying\u2026"; }
        })
        .then(function () { if (mine === seq) { timer = setTimeout(function () { load(true); }, EVERY); } });
    }

    var typing = null;
    form.addEventListener("input", function (event) {
      var target = event.target;
      if (target.tagName === "SELECT") { return; }
      clearTimeout(typing);
      typing = setTimeout(function () { commit(target.name); }, 300);
    });
    form.addEventListener("change", function (event) { clearTimeout(typing); commit(event.target.name); });
    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(typing); commit(null); });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      FIELDS.forEach(function (name) { control(name).value = name === "sort" ? "updated" : ""; });
      commit(null);
    });
    fresh.addEventListener("click", function () { if (pending) { render(pending); items.focus(); } });
    document.addEventListener("keydown", function (event) {  // "/" jumps to the search, as on many sites
      var tag = event.target && event.target.tagName;
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|SELECT|TEXTAREA)$/.test(tag)) { return; }
      event.preventDefault();
      document.getElementById("filters").open = true;
      control("q").focus();
    });
    more.addEventListener("click", function () { limit += PAGE; load(false); });
    window.addEventListener("popstate", function () { stateFromUrl(); lastField = null; limit = PAGE; load(false); });
    var resized = null;
    window.addEventListener("resize", function () {
      clearTimeout(resized);
      resized = setTimeout(function () { timeline(days); }, 150);
    });
    stateFromUrl();
    if (window.matchMedia("(max-width: 640px)").matches && !committed) {
      document.getElementById("filters").open = false;
    }
    load(false);
  }

  /* ------------------------------------------------------------------ an item's page */

  function evidence(r) {
    var p = el("p", "evidence");
    var text = String(r.evidence || ""), trigger = r.trigger ? String(r.trigger) : "";
    var at = trigger ? text.toLowerCase().indexOf(trigger.toLowerCase()) : -1;
    if (at < 0) {
      p.textContent = text;
      if (trigger) { p.appendChild(el("span", "meta", " (trigger: " + trigger + ")")); }
      return p;
    }
    p.appendChild(document.createTextNode(text.slice(0, at)));
    p.appendChild(el("mark", null, text.slice(at, at + trigger.length)));
    p.appendChild(document.createTextNode(text.slice(at + trigger.length)));
    return p;
  }
  function fact(dl, term, value) {
    if (value === undefined || value === null || value === "") { return; }
    dl.appendChild(el("dt", null, term));
    dl.appendChild(el("dd", null, value));
  }
  function renderDetail(d) {
    var box = el("article", "item detail");
    if (typeof d.id === "string") { box.id = "item-" + d.id; }
    box.appendChild(badges(d, typesOf(d)));
    box.appendChild(el("h2", null, d.headline));
    var dl = el("dl", "facts");
    fact(dl, "When", when(d));
    fact(dl, "Where", d.location);
    fact(dl, "Actors", list(d.actors).join(", "));
    fact(dl, "Recipient", d.recipient);
    fact(dl, "Outlets", d.source_count);
    fact(dl, "First seen", stamp(d.first_seen));
    fact(dl, "Last seen", stamp(d.last_seen));
    box.appendChild(dl);

    var sources = list(d.sources);
    box.appendChild(el("h3", null, "Sources (" + sources.length + ")"));
    var table = el("table", "srcs");
    var head = el("tr");
    ["Outlet", "Published", "Article"].forEach(function (h) { var th = el("th", null, h); th.scope = "col"; head.appendChild(th); });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = table.appendChild(el("tbody"));
    sources.forEach(function (s) {
      var tr = el("tr");
      tr.appendChild(el("td", null, s.outlet || "unknown outlet"));
      tr.appendChild(el("td", null, s.published_at ? stamp(s.published_at) : (s.published_date || "undated")));
      var td = el("td");
      var href = safeHref(s.url);
      var label = s.title || s.url || s.article_id;
      if (href) { td.appendChild(link(label, href)); } else { td.appendChild(el("span", null, label + " (no link)")); }
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    box.appendChild(table);

    var reports = list(d.reports);
    box.appendChild(el("h3", null, "Reports (" + reports.length + ")"));
    if (!reports.length) {
      box.appendChild(el("p", "meta", "This item carries no per-report evidence (" + list(d.event_ids).length + " event(s) merged)."));
    }
    reports.forEach(function (r) {
      var div = el("div", "report");
      var row = badges({mode: r.mode, status: r.status}, [r.type]);
      if (r.date) { row.appendChild(badge(String(r.date))); }
      div.appendChild(row);
      div.appendChild(evidence(r));
      div.appendChild(el("p", "meta", "Reported by " + (r.outlet || "an unknown outlet") + " (" + r.article_id + ")"));
      box.appendChild(div);
    });

    var quotes = list(d.quotes);
    box.appendChild(el("h3", null, "Quotes (" + quotes.length + ")"));
    if (!quotes.length) { box.appendChild(el("p", "meta", "No quotes.")); }
    quotes.forEach(function (q) { box.appendChild(quote(q)); });
    return box;
  }
  function itemPage() {
    var query = recalled(), back = document.getElementById("back");
    if (query) { back.href = "/live?" + query; back.textContent = "\u2190 Back to your view of the events"; }
    var main = document.getElementById("items");
    fetch(location.pathname, {headers: {Accept: "application/json"}, cache: "no-store"})
      .then(function (r) {
        if (r.status === 404) { return null; }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (d) {
        main.replaceChildren(d ? renderDetail(d) : el("p", "empty", "No such item: it may have left the window."));
        statusLine.textContent = d ? "item " + d.id : "not found";
        performance.mark("first-render");
      })
      .catch(function (e) { statusLine.textContent = "item unavailable (" + e.message + ")"; });
  }

  if (body.getAttribute("data-view") === "item") { itemPage(); } else { livePage(); }
})();
