// Marketplace filters (issue 5). Without JavaScript the form stays hidden and every card
// stays visible. The filter state lives in the address (?text=…&skill=…&lang=de&remote=1), so
// a filtered view can be shared. Built for thousands of cards: the per-card index is read from
// the DOM once, on first use; a filter pass only compares precomputed values and writes
// `hidden` on the cards whose visibility changes — no layout is read.
(function () {
  "use strict";

  var TEXT_DELAY_MS = 120;
  // Fields kept in the address, in this order; a field at its default is left out.
  var FIELDS = ["q", "skill", "dir", "lang", "loc", "remote", "format", "hours"];
  var DEFAULTS = { dir: "any" };
  // Material owns `?q=` (it opens its search with that query), so free text travels as `text`.
  var PARAMS = { q: "text" };
  var GERMAN = { "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss" };

  // Case- and accent-insensitive: "Zürich", "zurich" and "ZÜRICH" all become "zurich".
  function fold(text) {
    var lower = text.toLowerCase();
    if (/[^\x00-\x7f]/.test(lower)) {
      lower = lower.replace(/ß/g, "ss").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return lower.replace(/\s+/g, " ").trim();
  }

  // Card text is also indexed spelled the German way, so "Mueller" finds "Müller".
  function foldBoth(text) {
    var plain = fold(text);
    if (!/[äöüß]/i.test(text)) return plain;
    return plain + "\n" + fold(text.toLowerCase().replace(/[äöüß]/g, function (c) {
      return GERMAN[c];
    }));
  }

  function split(value) {
    return value ? value.split("|") : [];
  }

  function textOf(card, selector) {
    var parts = [];
    card.querySelectorAll(selector).forEach(function (el) { parts.push(el.textContent); });
    return parts.join(" ");
  }

  function indexCards(cards, skillNames) {
    return cards.map(function (card) {
      var data = card.dataset;
      var offers = split(data.offers);
      var seeks = split(data.seeks);
      var names = offers.concat(seeks).map(function (key) { return skillNames[key] || key; });
      var text = [
        textOf(card, ".tandem-card__name, .tandem-card__meta, .tandem-chip"),
        names.join(" "), offers.join(" "), seeks.join(" ")
      ].join(" ");
      return {
        card: card,
        shown: !card.hidden,
        text: foldBoth(text),
        offers: offers,
        seeks: seeks,
        languages: split(data.languages),
        location: data.location || "",
        remote: data.remote === "true",
        formats: split(data.formats),
        hours: parseFloat(data.hours)
      };
    });
  }

  function readForm(form) {
    var state = {};
    FIELDS.forEach(function (name) {
      var control = form.elements.namedItem(name);
      if (!control) return;
      state[name] = control.type === "checkbox" ? (control.checked ? control.value : "")
        : control.value.trim();
    });
    return state;
  }

  // Sets the form from the address; values that no option offers are dropped.
  function writeForm(form, params) {
    FIELDS.forEach(function (name) {
      var control = form.elements.namedItem(name);
      if (!control || !params.has(PARAMS[name] || name)) return;
      var value = params.get(PARAMS[name] || name);
      if (control.type === "checkbox") {
        control.checked = value === control.value;
      } else {
        control.value = value;
        if (control.value !== value) control.value = DEFAULTS[name] || "";
      }
    });
  }

  // The filter part of the address; other parameters (Material's `h`, say) are kept.
  function queryOf(state, search) {
    var params = new URLSearchParams(search || "");
    FIELDS.forEach(function (name) {
      var param = PARAMS[name] || name;
      params.delete(param);
      if (state[name] && state[name] !== (DEFAULTS[name] || "")) params.set(param, state[name]);
    });
    return params.toString();
  }

  function matcher(state) {
    var terms = state.q ? fold(state.q).split(" ") : [];
    var hours = state.hours ? parseFloat(state.hours) : NaN;
    var dir = state.dir || "any";
    return function (entry) {
      for (var i = 0; i < terms.length; i++) {
        if (entry.text.indexOf(terms[i]) === -1) return false;
      }
      if (state.skill) {
        var offered = dir !== "seeks" && entry.offers.indexOf(state.skill) !== -1;
        var sought = dir !== "offers" && entry.seeks.indexOf(state.skill) !== -1;
        if (!offered && !sought) return false;
      }
      if (state.lang && entry.languages.indexOf(state.lang) === -1) return false;
      // A chosen place and "open to remote" together mean either: here, or from anywhere.
      if (state.loc || state.remote) {
        var here = Boolean(state.loc) && entry.location === state.loc;
        var remote = Boolean(state.remote) && entry.remote;
        if (!here && !remote) return false;
      }
      if (state.format && entry.formats.indexOf(state.format) === -1) return false;
      if (!isNaN(hours) && !(entry.hours <= hours)) return false;
      return true;
    };
  }

  function setUp(form) {
    var list = document.getElementById("tandem-cards");
    if (!list || form.dataset.tandemReady) return;
    form.dataset.tandemReady = "true";

    var count = document.getElementById("tandem-result-count");
    var none = document.getElementById("tandem-no-results");
    var entries = null;
    var applied = null;
    var timer = 0;

    function skillNames() {
      var names = {};
      var select = form.elements.namedItem("skill");
      if (select && select.options) {
        Array.prototype.forEach.call(select.options, function (o) { names[o.value] = o.text; });
      }
      return names;
    }

    // Read the cards once, when someone first reaches for a filter, not at page load.
    function index() {
      if (!entries) {
        var cards = Array.prototype.slice.call(list.querySelectorAll(".tandem-card[data-id]"));
        entries = indexCards(cards, skillNames());
      }
      return entries;
    }

    function apply() {
      clearTimeout(timer);
      var state = readForm(form);
      var filters = queryOf(state);
      if (filters === applied) return;
      applied = filters;
      var all = index();
      var matches = matcher(state);
      var visible = 0;
      for (var i = 0; i < all.length; i++) {
        var entry = all[i];
        var show = matches(entry);
        if (show) visible++;
        if (show !== entry.shown) {
          entry.shown = show;
          entry.card.hidden = !show;
        }
      }
      if (count) count.textContent = String(visible);
      if (none) none.hidden = visible > 0;
      var query = queryOf(state, location.search);
      if ("?" + query !== location.search && (query || location.search)) {
        history.replaceState(history.state, "", location.pathname +
          (query ? "?" + query : "") + location.hash);
      }
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(apply, TEXT_DELAY_MS);
    }

    form.addEventListener("focusin", index);
    form.addEventListener("input", function (event) {
      if (event.target.type === "search") later(); else apply();
    });
    form.addEventListener("change", function (event) {
      if (event.target.type !== "search") apply();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
    // `reset` fires before the controls are reset; read them once it is done.
    form.addEventListener("reset", function () {
      clearTimeout(timer);
      setTimeout(apply, 0);
    });

    var params = new URLSearchParams(location.search);
    writeForm(form, params);
    form.hidden = false;
    var restored = FIELDS.some(function (name) { return params.has(PARAMS[name] || name); });
    if (restored) apply(); else applied = "";
  }

  function init() {
    var form = document.getElementById("tandem-filters");
    if (form) setUp(form);
  }

  // Material's `document$` emits for the first page and, with instant navigation, every
  // later one; without Material's bundle, the plain DOM event does.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
