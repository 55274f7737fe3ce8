/* Typeahead for the header search box (templates/_search_box.html), and the entity pickers of the named
 * queries' IRI parameters (templates/query.html: an element with data-suggest and data-pick, whose input
 * gets the chosen entity's IRI while its name is shown beside it).
 *
 * Progressive enhancement: without this script the box is a plain GET form to /search. With it, the input
 * becomes an ARIA 1.2 combobox: as the visitor types (debounced), suggestions come from the URL in the
 * form's data-suggest (/search.json) and are shown in the listbox under it. ArrowDown/ArrowUp move through
 * them (aria-activedescendant), Enter opens the highlighted one (or submits the form when none is),
 * Escape closes the list. Text is only ever set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var DELAY = 150;
  var LIMIT = 8;

  function setup(form) {
    var input = form.querySelector("input[data-typeahead]") || form.querySelector("input[name=q]");
    var pick = form.hasAttribute("data-pick");
    var chosen = pick ? document.getElementById(input.id + "-chosen") : null;
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[role=status]");
    var endpoint = form.getAttribute("data-suggest");
    if (!input || !list || !endpoint || !window.fetch) return;
    var kinds = {};
    try { kinds = JSON.parse(form.getAttribute("data-kinds") || "{}"); } catch (e) { kinds = {}; }

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var shownFor = null;

    function option(i) { return document.getElementById(list.id + "-" + i); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!results.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(i) {
      var old = option(active);
      if (old) old.setAttribute("aria-selected", "false");
      active = i;
      var now = option(i);
      if (now) {
        now.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", now.id);
        if (now.scrollIntoView) now.scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function kindOf(url) {
      var m = /\/id\/([^\/]+)\//.exec(url || "");
      return m ? (kinds[m[1]] || m[1]) : "";
    }

    function go(i) {
      var r = results[i];
      if (!r) return;
      if (pick) {
        input.value = r.iri;
        shownFor = r.iri;
        if (chosen) chosen.textContent = r.label;
        close();
      } else if (r.url) {
        window.location.assign(r.url);
      }
    }

    function render(query, found) {
      results = found;
      shownFor = query;
      active = -1;
      while (list.firstChild) list.removeChild(list.firstChild);
      found.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-url", r.url);
        var label = document.createElement("span");
        label.className = "site-search-option-label";
        label.textContent = r.label;
        var kind = document.createElement("span");
        kind.className = "site-search-option-kind";
        kind.textContent = kindOf(r.url);
        li.appendChild(label);
        li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep focus in the input
        li.addEventListener("click", function () { go(i); });
        list.appendChild(li);
      });
      if (status) status.textContent = found.length ? found.length + "" : (form.getAttribute("data-none") || "");
      if (found.length) open(); else close();
    }

    function worth(q) {
      q = q.trim();
      return q.length >= 2 || /^\d+$/.test(q);
    }

    function suggest() {
      var q = input.value;
      if (!worth(q)) { render(q, []); return; }
      if (q === shownFor) { open(); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var sep = endpoint.indexOf("?") < 0 ? "?" : "&";
      var url = endpoint + sep + "q=" + encodeURIComponent(q) + "&limit=" + LIMIT;
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin",
                  signal: controller ? controller.signal : undefined})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (body) { if (input.value === q) render(q, body.results || []); })
        .catch(function () { /* aborted or offline: the form still submits */ });
    }

    input.addEventListener("input", function () {
      if (chosen) chosen.textContent = "";
      if (timer) clearTimeout(timer);
      timer = setTimeout(suggest, DELAY);
    });

    input.addEventListener("keydown", function (e) {
      var expanded = !list.hidden;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (!expanded) { open(); if (list.hidden) { suggest(); return; } }
        highlight(active + 1 < results.length ? active + 1 : 0);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        if (!expanded) open();
        highlight(active > 0 ? active - 1 : results.length - 1);
      } else if (e.key === "Enter") {
        if (expanded && active >= 0) { e.preventDefault(); go(active); }
      } else if (e.key === "Escape") {
        if (expanded) { e.preventDefault(); close(); }
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("focus", function () { if (results.length && input.value === shownFor) open(); });
  }

  function init() {
    var forms = document.querySelectorAll("[data-suggest]");
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
