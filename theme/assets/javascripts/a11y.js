// Keyboard access to every region that scrolls (WCAG 2.1.1). Material makes a code block
// focusable only while it overflows on a device with hover, and removes the tab stop
// otherwise, even one written in the page; its table wrappers get none. On a phone, or with a
// keyboard on a touch screen, such a region could not be scrolled. Here every code block and
// table wrapper that overflows keeps tabindex="0", whatever Material decides later.
(function () {
  "use strict";

  var SELECTOR = ".md-typeset pre > code, .md-typeset .md-typeset__scrollwrap";

  function overflows(el) {
    return el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
  }

  function keepFocusable(el) {
    if (overflows(el) && el.getAttribute("tabindex") !== "0") el.setAttribute("tabindex", "0");
  }

  function watch() {
    var regions = document.querySelectorAll(SELECTOR);
    var resized = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { keepFocusable(entry.target); });
    });
    var changed = new MutationObserver(function (records) {
      records.forEach(function (record) { keepFocusable(record.target); });
    });
    regions.forEach(function (el) {
      keepFocusable(el);
      resized.observe(el);
      changed.observe(el, { attributes: true, attributeFilter: ["tabindex"] });
    });
  }

  // Material wraps tables when it mounts the page; `document$` emits once it has.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(watch);
  } else {
    document.addEventListener("DOMContentLoaded", watch);
  }
})();
