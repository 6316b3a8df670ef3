// Relative dates that stay true between builds (issue 12). The build writes "posted 3 days ago"
// or "expires in 9 days" as seen on its own day, inside <time datetime="…" data-built="…">.
// Seen on a later day, this script swaps the words for the build's distance ("3 days ago") for
// the words for the visitor's ("5 days ago"), as Intl.RelativeTimeFormat words them in the
// page's language; the rest of the sentence stays the build's own, translated, text. Without
// JavaScript, on the build's day, or when the words are not found, the build's text stays.
(function () {
  "use strict";

  var DAY_MS = 86400000;

  // Days since 1970 of an ISO date (yyyy-mm-dd), or NaN.
  function dayNumber(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return parts ? Date.UTC(+parts[1], +parts[2] - 1, +parts[3]) / DAY_MS : NaN;
  }

  // The visitor's calendar day, in their own time zone.
  function today() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / DAY_MS;
  }

  var made = {};

  // One pair of formatters per language: making them costs more than using them.
  function wordsFor(lang) {
    if (!made[lang]) made[lang] = makeWords(lang);
    return made[lang];
  }

  function makeWords(lang) {
    var auto = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    var always = new Intl.RelativeTimeFormat(lang, { numeric: "always" });
    // "yesterday", "today", "tomorrow" by name; beyond that numbers, as the build words them
    // (German "auto" would say "vorgestern", which the build never does).
    return function (days) {
      return (Math.abs(days) <= 1 ? auto : always).format(days, "day");
    };
  }

  function rewrite(el, words, now) {
    var date = dayNumber(el.getAttribute("datetime"));
    var built = dayNumber(el.dataset.built);
    if (isNaN(date) || isNaN(built) || now === built) return;
    var posted = el.dataset.relative === "posted";
    // The build says "today" for a date after its day; a visitor's clock behind the date too.
    var was = posted ? Math.min(date - built, 0) : date - built;
    var is = posted ? Math.min(date - now, 0) : date - now;
    if (!posted && is < 0 && el.dataset.expired) {
      el.textContent = el.dataset.expired;
      return;
    }
    var text = el.textContent;
    var old = words(was);
    // Only an unambiguous match is replaced; textContent, never markup.
    if (was === is || text.indexOf(old) < 0 || text.indexOf(old) !== text.lastIndexOf(old)) return;
    el.textContent = text.replace(old, words(is));
  }

  function init(root) {
    var times = (root || document).querySelectorAll("time[data-relative][data-built]");
    if (!times.length || typeof Intl === "undefined" || !Intl.RelativeTimeFormat) return;
    var words = wordsFor(document.documentElement.lang || "en");
    var now = today();
    times.forEach(function (el) { rewrite(el, words, now); });
  }

  // For the cards tandem.js writes later.
  window.tandemRelativeDates = init;

  // As in tandem.js: Material's `document$` for every page, else the plain DOM event.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
