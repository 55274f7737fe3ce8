/* The Dân vận KG query editor: YASGUI (static/vendor/, installed by `make assets`) wired to our own
 * endpoint and ontology. Everything comes from this server: the configuration is GET <data-config>
 * (webapp/editor.py), so the page has no inline script and asks no other host for anything (YASGUI's
 * online prefix and vocabulary lookups are replaced by our lists). Without JavaScript, or if anything here
 * fails, the plain form (#fallback) stays and still queries the endpoint.
 */
(function () {
  "use strict";

  var root = document.getElementById("editor");
  if (!root || typeof window.Yasgui === "undefined") return;
  var Yasgui = window.Yasgui;
  var LANG = document.documentElement.getAttribute("lang") || "vi";
  var MSG = {};
  try { MSG = JSON.parse(root.getAttribute("data-messages") || "{}"); } catch (e) { MSG = {}; }

  fetch(root.getAttribute("data-config"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (r) {
      if (!r.ok) throw new Error("editor configuration: HTTP " + r.status);
      return r.json();
    })
    .then(start)
    .catch(function (e) {
      // The plain form stays usable; say why the editor did not start.
      console.error("the query editor could not start:", e);
    });

  function start(cfg) {
    var endpoint = new URL(cfg.endpoint, window.location.href).href;
    var fallback = document.getElementById("fallback");
    var defaultQuery = (fallback && fallback.querySelector("textarea") || {}).value || "";
    var initialQuery = root.getAttribute("data-initial-query") || "";
    var labels = {}; // IRI -> label (our entities), filled as results are shown
    var termLabels = {}; // ontology IRI -> {vi, en}
    cfg.classes.concat(cfg.properties).forEach(function (t) { termLabels[t.iri] = t.label || {}; });

    registerCompleters(cfg, termLabels);
    Yasgui.Yasr.defaults.errorRenderers = [renderServerError];

    // Show the container before YASGUI builds into it: CodeMirror measures its box when it is made, and
    // in a hidden one it draws nothing until clicked.
    root.hidden = false;
    if (fallback) fallback.classList.add("replaced");

    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      persistenceId: "danvan-sparql",           // tabs are kept in this browser's localStorage
      tabName: MSG.tab || "Query",
      copyEndpointOnNewTab: false,
      corsProxy: undefined,
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      // A share link reopens its query here, against this server's endpoint only.
      populateFromUrl: function (tab) {
        tab.requestConfig.endpoint = endpoint;
        tab.requestConfig.headers = {};
        return tab;
      },
      yasqe: {
        value: defaultQuery,
        autocompleters: COMPLETERS,
        prefixCcApi: null,
        editorHeight: "280px",
        syntaxErrorCheck: true
      },
      yasr: { prefixes: cfg.prefixes, defaultPlugin: "table" }
    });
    window.danvanYasgui = yasgui; // for the browser tests and the curious
    translateChrome(document.getElementById("yasgui"));
    var shown = yasgui.getTab();
    var shownYasqe = shown && shown.getYasqe && shown.getYasqe();
    if (shownYasqe) shownYasqe.refresh();

    // Every tab queries our endpoint, whatever an older stored tab says.
    Object.keys(yasgui._tabs).forEach(function (id) {
      var tab = yasgui.getTab(id);
      if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
    });

    if (initialQuery) {
      // The page answered a query (a link or the plain form): open it in a tab and run it here.
      var tab = yasgui.addTab(true, { yasqe: { value: initialQuery }, requestConfig: { endpoint: endpoint } },
                              { avoidDuplicateTabs: true });
      runWhenReady(tab);
    }

    wireGallery(cfg, yasgui, endpoint);
    wireDownloads(yasgui);
    wireShare(yasgui);
    wireTruncation(cfg, yasgui);
    watchResults(cfg, labels);
  }

  var COMPLETERS = ["variables", "dv-prefixes", "dv-properties", "dv-classes"];

  function registerCompleters(cfg, termLabels) {
    var Yasqe = Yasgui.Yasqe;
    var prefixList = Object.keys(cfg.prefixes).sort().map(function (p) {
      return p + ": <" + cfg.prefixes[p] + ">";
    });
    function withLabels(yasqe, hints) {
      var declared = yasqe.getPrefixesFromQuery();
      hints.forEach(function (h) {
        var iri = expand(h.text, declared);
        var l = termLabels[iri];
        if (l && (l.vi || l.en)) h.displayText = h.text + " — " + [l.vi, l.en].filter(Boolean).join(" / ");
      });
      return hints;
    }
    // Bulk completers over fixed lists: nothing is fetched, nothing is cached across builds.
    Yasqe.forkAutocompleter("prefixes", { name: "dv-prefixes", get: prefixList, persistenceId: null }, false);
    Yasqe.forkAutocompleter("property", {
      name: "dv-properties", bulk: true, autoShow: false, persistenceId: null,
      get: cfg.properties.map(function (t) { return t.iri; }), postprocessHints: withLabels
    }, false);
    Yasqe.forkAutocompleter("class", {
      name: "dv-classes", bulk: true, autoShow: false, persistenceId: null,
      get: cfg.classes.map(function (t) { return t.iri; }), postprocessHints: withLabels
    }, false);
    Yasqe.defaults.autocompleters = COMPLETERS.slice();
    Yasgui.defaults.yasqe.autocompleters = COMPLETERS.slice();
    Yasqe.defaults.prefixCcApi = null;
  }

  function expand(text, declared) {
    if (text.charAt(0) === "<") return text.slice(1, -1);
    var i = text.indexOf(":");
    var ns = i >= 0 ? declared[text.slice(0, i)] : undefined;
    return ns ? ns + text.slice(i + 1) : text;
  }

  function runWhenReady(tab) {
    var tries = 0;
    (function attempt() {
      if (tab.getYasqe && tab.getYasqe()) { tab.query().catch(function () {}); return; }
      if (++tries < 50) setTimeout(attempt, 50);
    })();
  }

  // ------------------------------------------------------------------ examples gallery
  function wireGallery(cfg, yasgui, endpoint) {
    var byName = {};
    cfg.queries.forEach(function (q) { byName[q.name] = q; });
    var buttons = document.querySelectorAll("#gallery button.open-in-editor");
    Array.prototype.forEach.call(buttons, function (button) {
      var q = byName[button.getAttribute("data-query-name")];
      if (!q) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        yasgui.addTab(true, {
          name: q.title[LANG] || q.title.vi || q.name,
          yasqe: { value: q.query },
          requestConfig: { endpoint: endpoint }
        }, { avoidDuplicateTabs: true });
        root.scrollIntoView({ behavior: "smooth", block: "start" });
      });
    });
  }

  // ------------------------------------------------------------------ downloads and share link
  function currentQuery(yasgui) {
    var tab = yasgui.getTab();
    return tab ? tab.getQuery() : "";
  }

  function wireDownloads(yasgui) {
    var links = root.querySelectorAll(".downloads a[data-format]");
    Array.prototype.forEach.call(links, function (a) {
      var base = a.getAttribute("href");
      function refresh() {
        var params = new URLSearchParams({ query: currentQuery(yasgui), format: a.getAttribute("data-format") });
        a.setAttribute("href", base + "?" + params.toString());
      }
      ["mouseover", "focus", "click"].forEach(function (ev) { a.addEventListener(ev, refresh); });
      refresh();
    });
  }

  function wireShare(yasgui) {
    var button = document.getElementById("share"), out = document.getElementById("share-link");
    button.addEventListener("click", function () {
      var tab = yasgui.getTab();
      if (!tab) return;
      out.value = tab.getShareableLink();
      out.hidden = false;
      out.focus();
      out.select();
    });
  }

  // ------------------------------------------------------------------ the endpoint's result cap
  function wireTruncation(cfg, yasgui) {
    var note = document.getElementById("truncated");
    yasgui.on("queryBefore", function () { note.hidden = true; });
    yasgui.on("tabSelect", function () { note.hidden = true; });
    yasgui.on("queryResponse", function (instance, tab) {
      // The tab hands the response to its results view right after this event.
      setTimeout(function () {
        var yasr = tab.getYasr && tab.getYasr();
        var res = yasr && yasr.results && yasr.results.res;
        var value = res && res.headers && res.headers.get ? res.headers.get(cfg.truncation_header) : null;
        if (!value) { note.hidden = true; return; }
        var limit = res.headers.get(cfg.row_limit_header);
        note.textContent = limit && /^\d+$/.test(limit.trim())
          ? MSG.truncated.replace("{n}", limit.trim()) : MSG.truncated_any;
        note.hidden = false;
      }, 0);
    });
  }

  // ------------------------------------------------------------------ errors, in place
  // The server explains in English; the page says what happened in its own language, by status, and
  // keeps the server's words (they quote the query) for a syntax error.
  var BY_STATUS = { 403: "read_only", 429: "too_many", 503: "busy" };

  // YASGUI has no message catalogue: its own words (buttons, tooltips, the table's pager) are swapped for
  // the page language's from MSG.ui, on the nodes it draws and redraws. Only text YASGUI itself writes is
  // touched: the query, the result cells and the column names are left as they are.
  var CHROME_ATTRS = ["title", "placeholder", "aria-label"];
  function translateChrome(container) {
    var words = MSG.ui;
    if (!container || !words) return;
    var patterns = (MSG.ui_patterns || []).map(function (p) { return [new RegExp(p[0]), p[1]]; });
    function say(text) {
      var key = text.trim();
      if (!key) return null;
      if (Object.prototype.hasOwnProperty.call(words, key)) return text.replace(key, words[key]);
      for (var i = 0; i < patterns.length; i++) {
        if (patterns[i][0].test(key)) return text.replace(key, key.replace(patterns[i][0], patterns[i][1]));
      }
      return null;
    }
    function skip(el) { return !el || el.closest(".CodeMirror-lines, .CodeMirror-hints, tbody"); }
    function pass(node) {
      var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      var text;
      while ((text = walker.nextNode())) {
        if (skip(text.parentElement) || text.parentElement.closest("thead")) continue; // column names are the query's
        var said = say(text.nodeValue);
        if (said !== null && said !== text.nodeValue) text.nodeValue = said;
      }
      var elements = node.querySelectorAll ? node.querySelectorAll("[title],[placeholder],[aria-label]") : [];
      Array.prototype.forEach.call(elements, function (el) {
        if (skip(el)) return;
        CHROME_ATTRS.forEach(function (name) {
          var value = el.getAttribute(name);
          var said = value && say(value);
          if (said && said !== value) el.setAttribute(name, said);
        });
      });
    }
    pass(container);
    var scheduled = false;
    new MutationObserver(function () {
      if (scheduled) return;
      scheduled = true;
      setTimeout(function () { scheduled = false; pass(container); }, 0);
    }).observe(container, { childList: true, subtree: true, characterData: true, attributes: true,
                            attributeFilter: CHROME_ATTRS });
  }

  function renderServerError(summary) {
    var text = summary && summary.text;
    if (!text) return Promise.resolve(undefined);
    var err;
    try { err = JSON.parse(text).error; } catch (e) { return Promise.resolve(undefined); }
    if (!err || !err.message) return Promise.resolve(undefined);
    var box = document.createElement("div");
    box.className = "dv-error";
    var p = document.createElement("p");
    p.className = "dv-error-message";
    var key = BY_STATUS[err.status || summary.status];
    p.textContent = key && MSG[key] ? MSG[key] : (LANG === "en" ? err.message : MSG.bad);
    box.appendChild(p);
    if (!key && LANG !== "en") {
      // the parser's own words, which quote the query, for whoever wants them
      var more = document.createElement("details");
      var label = document.createElement("summary");
      label.textContent = MSG.details;
      var said = document.createElement("p");
      said.setAttribute("lang", "en");
      said.textContent = err.message;
      more.appendChild(label);
      more.appendChild(said);
      box.appendChild(more);
    }
    if (err.line) {
      var where = document.createElement("p");
      where.className = "dv-error-position";
      where.textContent = MSG.position.replace("{line}", err.line).replace("{column}", err.column);
      box.appendChild(where);
      markLine(err.line, err.column);
    }
    return Promise.resolve(box);
  }

  function markLine(line, column) {
    var yasgui = window.danvanYasgui, tab = yasgui && yasgui.getTab();
    var yasqe = tab && tab.getYasqe && tab.getYasqe();
    if (!yasqe) return;
    var n = Number(line) - 1;
    if (!(n >= 0) || n > yasqe.lastLine()) return;
    yasqe.addLineClass(n, "background", "dv-error-line");
    var mark = yasqe.markText({ line: n, ch: Math.max(0, Number(column) - 1) }, { line: n, ch: yasqe.getLine(n).length },
                              { className: "dv-error-text" });
    yasqe.on("change", function clear() {
      yasqe.removeLineClass(n, "background", "dv-error-line");
      mark.clear();
      yasqe.off("change", clear);
    });
  }

  // ------------------------------------------------------------------ results: our entities, labelled
  function localHref(cfg, iri) {
    if (iri.indexOf(cfg.entity_base) !== 0) return null;
    var m = /^([a-z-]+)\/([A-Za-z0-9][A-Za-z0-9._~-]*)$/.exec(iri.slice(cfg.entity_base.length));
    if (!m || cfg.kinds.indexOf(m[1]) < 0) return null;
    return cfg.entity_href.replace("{kind}", m[1]).replace("{slug}", m[2]);
  }

  function watchResults(cfg, labels) {
    var container = document.getElementById("yasgui");
    var scheduled = false;
    new MutationObserver(function () {
      if (scheduled) return;
      scheduled = true;
      setTimeout(function () { scheduled = false; relink(cfg, labels, container); }, 30);
    }).observe(container, { childList: true, subtree: true });
  }

  function relink(cfg, labels, container) {
    var wanted = [];
    var anchors = container.querySelectorAll(".yasr a.iri:not([data-dv-iri])");
    Array.prototype.forEach.call(anchors, function (a) {
      var iri = a.getAttribute("href");
      a.setAttribute("data-dv-iri", iri);
      var local = localHref(cfg, iri);
      if (!local) return;
      a.setAttribute("href", local);
      a.setAttribute("title", iri);
      a.setAttribute("target", "_self");
      a.classList.add("dv-entity");
      if (labels[iri]) applyLabel(a, labels[iri]);
      else if (!(iri in labels) && wanted.indexOf(iri) < 0) wanted.push(iri);
    });
    if (!wanted.length) return;
    var body = new URLSearchParams();
    wanted.forEach(function (iri) { body.append("iri", iri); labels[iri] = labels[iri] || null; });
    fetch(cfg.labels, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (found) {
        Object.keys(found).forEach(function (iri) { labels[iri] = found[iri]; });
        var all = container.querySelectorAll(".yasr a.dv-entity");
        Array.prototype.forEach.call(all, function (a) {
          var label = labels[a.getAttribute("data-dv-iri")];
          if (label) applyLabel(a, label);
        });
      })
      .catch(function (e) { console.warn("labels:", e); });
  }

  function applyLabel(a, label) {
    if (a.getAttribute("data-dv-label") === label) return;
    a.textContent = label;
    a.setAttribute("data-dv-label", label);
    // The table writes <IRI> around IRIs it cannot shorten; a label needs no brackets.
    var parent = a.parentNode;
    Array.prototype.slice.call(parent.childNodes).forEach(function (n) {
      if (n.nodeType === 3 && /^\s*[<>]\s*$/.test(n.nodeValue)) parent.removeChild(n);
    });
  }
})();
