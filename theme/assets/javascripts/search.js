/* Tandem: a site search that finds nothing offers the closest skill.
 *
 * When Material's search shows no result, the typed text is compared with every spelling of
 * every skill in the search index (Tandem's skill entries carry them: generator/site/search.py)
 * and, when one is a few typos away, "Did you mean <skill>?" links to that skill's page. The
 * sentence comes from the index too (`tandem.did_you_mean`, in the site's language).
 * Guarded by tests/test_browser.py ("kuberntes" offers Kubernetes).
 */
(function () {
  "use strict";
  var config = document.getElementById("__config");
  var results = document.querySelector(".md-search-result");
  var input = document.querySelector(".md-search__input");
  if (!config || !results || !input) return;
  var base = new URL(JSON.parse(config.textContent).base + "/", location.href);
  var skills = null; // [{name, href, spellings: [folded]}], once the index is read
  var sentence = "";
  var loading = null;

  function fold(text) {
    return String(text).toLowerCase().replace(/[\s\-_\/.,;:()]+/g, " ").trim();
  }

  // Tags and spellings come escaped as HTML (`&`, `<`, `>` only).
  function unescape(html) {
    return String(html).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function load() {
    loading = loading || fetch(new URL("search/search_index.json", base))
      .then(function (response) { return response.json(); })
      .then(function (index) {
        sentence = (index.tandem && index.tandem.did_you_mean) || "";
        skills = index.docs.filter(function (doc) {
          return Array.isArray(doc.spellings) && doc.tags && /^skills\/[^/?#]+\/$/.test(doc.location);
        }).map(function (doc) {
          return {
            name: unescape(doc.tags[0]),
            href: new URL(doc.location, base).href,
            spellings: doc.spellings.map(function (s) { return fold(unescape(s)); }),
          };
        });
      });
    return loading;
  }

  // Optimal string alignment: insertions, deletions, substitutions, swaps of neighbours.
  function distance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) return most + 1;
    var before = [], row = [], prior = [];
    for (var j = 0; j <= b.length; j++) row[j] = j;
    for (var i = 1; i <= a.length; i++) {
      prior = before; before = row; row = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row[j] = Math.min(before[j] + 1, row[j - 1] + 1, before[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          row[j] = Math.min(row[j], prior[j - 2] + 1);
        least = Math.min(least, row[j]);
      }
      if (least > most) return most + 1;
    }
    return row[b.length];
  }

  function closest(text) {
    var typed = fold(text);
    var most = typed.length < 4 ? 0 : typed.length < 8 ? 1 : 2;
    var best = null, bestDistance = most + 1;
    (skills || []).forEach(function (skill) {
      skill.spellings.forEach(function (spelling) {
        var d = distance(typed, spelling, Math.min(most, bestDistance - 1));
        if (d < bestDistance) { best = skill; bestDistance = d; }
      });
    });
    return best;
  }

  function hint(skill) {
    var box = document.createElement("p");
    box.className = "tandem-did-you-mean";
    var parts = sentence.split("{skill}");
    var link = document.createElement("a");
    link.href = skill.href;
    link.textContent = skill.name;
    box.append(parts[0] || "", link, parts.slice(1).join("{skill}"));
    return box;
  }

  function update() {
    var old = results.querySelector(".tandem-did-you-mean");
    var empty = !results.querySelector(".md-search-result__item");
    var text = input.value.trim();
    if (!empty || text.length < 3) {
      if (old) old.remove();
      return;
    }
    load().then(function () {
      if (input.value.trim() !== text || results.querySelector(".md-search-result__item")) return;
      var skill = closest(text);
      var now = results.querySelector(".tandem-did-you-mean");
      if (now) now.remove();
      if (skill && sentence) {
        var meta = results.querySelector(".md-search-result__meta");
        if (meta) meta.after(hint(skill)); else results.prepend(hint(skill));
      }
    });
  }

  function isHint(node) {
    return node.nodeType === 1 && node.classList.contains("tandem-did-you-mean");
  }

  function ours(change) {
    var nodes = Array.prototype.slice.call(change.addedNodes)
      .concat(Array.prototype.slice.call(change.removedNodes));
    var inside = change.target.closest && change.target.closest(".tandem-did-you-mean");
    return inside || (nodes.length > 0 && nodes.every(isHint));
  }

  new MutationObserver(function (changes) {
    if (!changes.every(ours)) update();
  }).observe(results, { childList: true, subtree: true, characterData: true });
})();
