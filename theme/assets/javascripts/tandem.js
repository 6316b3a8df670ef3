// The marketplace (issues 5, 12, 13). The server writes one page of cards, newest first, with
// plain links to the other pages (/ads/page/2/, …): that is the whole page without JavaScript.
// With it, the filters show from the first paint (`tandem-js` on <html>, set in the page's
// head) and every open ad comes once, as compact data (ads/index.json), when someone first
// reaches for a filter or asks for more; cards for it are written here with textContent, never
// markup. The filter state lives in the address (?text=…&skill=…&lang=de&remote=1), so a
// filtered view can be shared. A keystroke compares precomputed folded text and writes at
// most one page of cards: it stays far below 50 ms at 10,000 ads.
(function () {
  "use strict";

  // Fields kept in the address, in this order; a field at its default is left out.
  var FIELDS = ["q", "skill", "dir", "lang", "loc", "remote", "format", "hours"];
  var DEFAULTS = { dir: "any" };
  // Material owns `?q=` (it opens its search with that query), so free text travels as `text`.
  var PARAMS = { q: "text" };
  var FORMATS = ["tandem", "wol-circle", "lernos-circle"]; // bit i of a row's formats
  var GERMAN = { "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss" };
  var MIN_SUGGEST_LENGTH = 4;
  // Cards written at once when a filter changes (a screenful); the rest of a page of results
  // follows after the next frame, so a keystroke is answered without waiting for them.
  var AT_ONCE = 12;

  // Case- and accent-insensitive: "Zürich", "zurich" and "ZÜRICH" all become "zurich".
  function fold(text) {
    var lower = text.toLowerCase();
    if (/[^\x00-\x7f]/.test(lower)) {
      lower = lower.replace(/ß/g, "ss").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return lower.replace(/\s+/g, " ").trim();
  }

  // Text is also indexed spelled the German way, so "Mueller" finds "Müller".
  function foldBoth(text) {
    var plain = fold(text);
    if (!/[äöüß]/i.test(text)) return plain;
    return plain + "\n" + fold(text.toLowerCase().replace(/[äöüß]/g, function (c) {
      return GERMAN[c];
    }));
  }

  // Only letters and digits: how "did you mean" compares what was typed with a spelling.
  function squeeze(text) {
    return foldBoth(text).split("\n").pop().replace(/[^a-z0-9+#]/g, "");
  }

  // --- the data: ads/index.json, as generator/site/views.py `view_market_data` writes it ----

  function skillTable(rows) {
    return rows.map(function (row, index) {
      var spellings = row.slice(1);
      return {
        index: index,
        key: row[0],
        name: row[1],
        text: foldBoth(spellings.join(" ")),
        squeezed: spellings.map(squeeze),
        uses: 0
      };
    });
  }

  function chipsOf(cells, skills) {
    return cells.map(function (cell) {
      var index = typeof cell === "number" ? cell : cell[0];
      skills[index].uses++;
      return { skill: skills[index], written: typeof cell === "number" ? "" : cell[1] };
    });
  }

  function entriesOf(data) {
    var skills = skillTable(data.skills);
    var built = Date.UTC.apply(null, data.built.split("-").map(function (n, i) {
      return i === 1 ? +n - 1 : +n;
    }));
    var entries = data.ads.map(function (row) {
      var place = data.places[row[3]];
      var team = data.teams[row[2]];
      var offers = chipsOf(row[7], skills);
      var seeks = chipsOf(row[8], skills);
      var words = [row[1], team, place, row[5].replace(/\|/g, " ")];
      var skillIndexes = [];
      offers.concat(seeks).forEach(function (chip) {
        if (chip.written) words.push(chip.written);
        skillIndexes.push(chip.skill.index);
      });
      return {
        id: row[0],
        name: row[1],
        team: team,
        place: place,
        location: place.toLowerCase(),
        remote: row[4] === 1,
        languages: row[5].split("|"),
        formats: FORMATS.filter(function (_, bit) { return row[6] & (1 << bit); }),
        offers: offers,
        seeks: seeks,
        offerKeys: offers.map(function (c) { return c.skill.key; }),
        seekKeys: seeks.map(function (c) { return c.skill.key; }),
        hours: row[9],
        weeks: row[10],
        age: row[11],
        posted: new Date(built - row[11] * 86400000).toISOString().slice(0, 10),
        skillIndexes: skillIndexes,
        // Name, team, place, languages and skills as written; the skills' own spellings are
        // matched once per keystroke in their table (`matcher`), not in every ad.
        text: foldBoth(words.join(" "))
      };
    });
    return { built: data.built, entries: entries, skills: skills };
  }

  // --- the form and the address -----------------------------------------------------------

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

  function isSet(state, name) {
    return Boolean(state[name]) && state[name] !== (DEFAULTS[name] || "");
  }

  // The filter part of the address; other parameters (Material's `h`, say) are kept.
  function queryOf(state, search) {
    var params = new URLSearchParams(search || "");
    FIELDS.forEach(function (name) {
      var param = PARAMS[name] || name;
      params.delete(param);
      if (isSet(state, name)) params.set(param, state[name]);
    });
    return params.toString();
  }

  // For each word typed, which skills any of whose spellings contain it.
  function skillsHit(terms, skills) {
    return terms.map(function (term) {
      var hit = new Uint8Array(skills.length);
      for (var i = 0; i < skills.length; i++) hit[i] = skills[i].text.indexOf(term) !== -1 ? 1 : 0;
      return hit;
    });
  }

  function hasTerm(entry, term, hit) {
    if (entry.text.indexOf(term) !== -1) return true;
    for (var i = 0; i < entry.skillIndexes.length; i++) {
      if (hit[entry.skillIndexes[i]]) return true;
    }
    return false;
  }

  function matcher(state, skills) {
    var terms = state.q ? fold(state.q).split(" ") : [];
    var hits = skillsHit(terms, skills);
    var hours = state.hours ? parseFloat(state.hours) : NaN;
    var dir = state.dir || "any";
    return function (entry) {
      for (var i = 0; i < terms.length; i++) {
        if (!hasTerm(entry, terms[i], hits[i])) return false;
      }
      if (state.skill) {
        var offered = dir !== "seeks" && entry.offerKeys.indexOf(state.skill) !== -1;
        var sought = dir !== "offers" && entry.seekKeys.indexOf(state.skill) !== -1;
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

  // --- did you mean: the listed skill closest to a text that found nothing -----------------

  // Edits between two texts (drop, add, replace, swap two neighbours), or more than `most`.
  function distance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) return most + 1;
    var before = [], row = [], next;
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      next = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, before[j - 2] + 1);
        }
        next.push(value);
        if (value < best) best = value;
      }
      if (best > most) return most + 1;
      before = row;
      row = next;
    }
    return row[b.length];
  }

  function closestSkill(text, skills) {
    var typed = squeeze(text);
    if (typed.length < MIN_SUGGEST_LENGTH) return null;
    var most = typed.length >= 8 ? 2 : 1;
    var found = null, nearest = most + 1;
    skills.forEach(function (skill) {
      if (!skill.uses) return;
      skill.squeezed.forEach(function (spelling) {
        var d = distance(typed, spelling, most);
        if (d < nearest || (d === nearest && found && skill.uses > found.uses)) {
          nearest = d;
          found = skill;
        }
      });
    });
    return nearest <= most ? found : null;
  }

  // --- cards written from the data, as the template's `ad_card` writes them ----------------

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  // A text with `{name}` placeholders, each replaced by a node or a text.
  function filled(pattern, values) {
    var fragment = document.createDocumentFragment();
    pattern.split(/(\{\w+\})/).forEach(function (part) {
      var name = /^\{(\w+)\}$/.exec(part);
      var value = name && Object.prototype.hasOwnProperty.call(values, name[1])
        ? values[name[1]] : part;
      if (value === "") return;
      fragment.appendChild(typeof value === "string" ? document.createTextNode(value) : value);
    });
    return fragment;
  }

  function wordsWith(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function cardWriter(words, root, built) {
    function chips(line, label, list, kind) {
      line.appendChild(element("strong", "", label + ":"));
      line.appendChild(document.createTextNode(" "));
      list.forEach(function (chip) {
        var link = element("a", "tandem-chip tandem-chip--" + kind, chip.skill.name);
        link.href = root + "skills/" + encodeURIComponent(chip.skill.key) + "/";
        if (chip.written) link.title = wordsWith(words["market.written_as"], { text: chip.written });
        line.appendChild(link);
      });
      return line;
    }

    function posted(entry) {
      var time = element("time", "", entry.age <= 0 ? words["ad.posted_today"]
        : entry.age === 1 ? words["ad.posted_yesterday"]
          : wordsWith(words["ad.posted_days_ago"], { days: entry.age }));
      time.setAttribute("datetime", entry.posted);
      time.dataset.built = built;
      time.dataset.relative = "posted";
      return time;
    }

    return function (entry) {
      var card = element("article", "tandem-card");
      card.dataset.id = entry.id;
      var heading = card.appendChild(element("h2", "tandem-card__name"));
      var link = heading.appendChild(element("a", "", entry.name));
      link.href = root + "ads/" + encodeURIComponent(entry.id) + "/";
      var meta = card.appendChild(element("p", "tandem-card__meta", (entry.team ? entry.team + " · " : "") +
        entry.place + (entry.remote ? " · " + words["ad.remote_ok"] : "") + " · "));
      var langs = meta.appendChild(element("span", "", entry.languages.join(", ").toUpperCase()));
      langs.title = words["ad.languages"];
      card.appendChild(chips(element("p", "tandem-card__offers"), words["ad.offers"], entry.offers, "offer"));
      card.appendChild(chips(element("p", "tandem-card__seeks"), words["ad.seeks"], entry.seeks, "seek"));
      var foot = card.appendChild(element("p", "tandem-card__foot", wordsWith(words["ad.hours_weeks"], {
        hours: String(entry.hours).replace(".", words["number.decimal"]),
        weeks: entry.weeks
      }) + " · "));
      foot.appendChild(posted(entry));
      if (window.tandemRelativeDates) window.tandemRelativeDates(card);
      return card;
    };
  }

  // --- the page ---------------------------------------------------------------------------

  function setUp(market) {
    var form = document.getElementById("tandem-filters");
    var list = document.getElementById("tandem-cards");
    if (!form || !list || market.dataset.tandemReady) return;
    market.dataset.tandemReady = "true";

    var results = document.getElementById("tandem-results");
    var count = document.getElementById("tandem-result-count");
    var none = document.getElementById("tandem-no-results");
    var more = document.getElementById("tandem-more");
    var toggle = document.getElementById("tandem-filters-toggle");
    var active = document.getElementById("tandem-filter-count");
    var suggestion = document.getElementById("tandem-did-you-mean");
    var feed = document.getElementById("tandem-skill-feed");
    var words = JSON.parse(document.getElementById("tandem-market-words").textContent);
    var root = market.dataset.root || "";
    var perPage = parseInt(market.dataset.perPage, 10) || 48;
    // The cards of this page are the ads from `first` on; "more" continues after them.
    var first = (parseInt(market.dataset.page, 10) - 1) * perPage;
    var listed = list.children.length;
    var total = parseInt(count.textContent, 10);
    var data = null;
    var loading = null;
    var matches = null;
    var shown = 0;
    var applied = null;
    var writeCard = null;

    function load() {
      if (!loading) {
        loading = fetch(market.dataset.src, { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error(market.dataset.src + ": " + response.status);
            return response.json();
          })
          .then(function (json) {
            data = entriesOf(json);
            writeCard = cardWriter(words, root, data.built);
            return data;
          });
        loading.catch(function () { loading = null; });
      }
      return loading;
    }

    // Results reuse the cards once written; the page's own list gets cards of its own.
    var written = new Map();
    var rest = null;

    function resultCard(entry) {
      var card = written.get(entry.id);
      if (!card) written.set(entry.id, card = writeCard(entry));
      return card;
    }

    function append(container, entries, write) {
      var fragment = document.createDocumentFragment();
      entries.forEach(function (entry) { fragment.appendChild(write(entry)); });
      container.appendChild(fragment);
    }

    // The results not written yet, written now: before "more" adds to them or they change.
    function flush() {
      if (rest) rest();
    }

    function later(entries) {
      var frame = 0, timer = 0;
      rest = function () {
        cancelAnimationFrame(frame);
        clearTimeout(timer);
        rest = null;
        append(results, entries, resultCard);
      };
      frame = requestAnimationFrame(function () { timer = setTimeout(flush, 0); });
    }

    function showSuggestion(state) {
      suggestion.replaceChildren();
      var skill = state.q && !matches.length && !state.skill ? closestSkill(state.q, data.skills) : null;
      suggestion.hidden = !skill;
      if (!skill) return;
      var button = element("button", "tandem-did-you-mean__skill", skill.name);
      button.type = "button";
      button.addEventListener("click", function () {
        form.elements.namedItem("q").value = "";
        form.elements.namedItem("skill").value = skill.key;
        apply();
        form.elements.namedItem("skill").focus();
      });
      suggestion.appendChild(filled(words["market.did_you_mean"], { skill: button }));
    }

    function showFeed(state) {
      feed.replaceChildren();
      var select = form.elements.namedItem("skill");
      feed.hidden = !state.skill || !select.selectedOptions.length;
      if (feed.hidden) return;
      var link = element("a", "", wordsWith(words["market.skill_feed"], {
        skill: select.selectedOptions[0].text
      }));
      link.href = root + "skills/" + encodeURIComponent(state.skill) + "/feed.xml";
      link.type = "application/atom+xml";
      feed.appendChild(link);
    }

    function showPage() {
      list.hidden = false;
      results.hidden = true;
      none.hidden = true;
      suggestion.hidden = true;
      count.textContent = String(total);
      more.hidden = first + listed >= total;
    }

    // The ads a filter pass needs to look at: when only more text was typed after the last
    // pass's text (and nothing else changed), the last pass's matches are all that can match.
    var last = null;

    function candidates(state) {
      var others = queryOf(Object.assign({}, state, { q: "" }));
      var text = state.q ? fold(state.q) : "";
      var narrower = last && last.others === others && last.text && text.indexOf(last.text) === 0;
      var pool = narrower ? last.matches : data.entries;
      return { others: others, text: text, pool: pool };
    }

    function showMatches(state) {
      if (rest) rest = null;
      var pass = candidates(state);
      matches = pass.pool.filter(matcher(state, data.skills));
      last = { others: pass.others, text: pass.text, matches: matches };
      shown = Math.min(perPage, matches.length);
      results.replaceChildren();
      append(results, matches.slice(0, Math.min(AT_ONCE, shown)), resultCard);
      if (shown > AT_ONCE) later(matches.slice(AT_ONCE, shown));
      list.hidden = true;
      results.hidden = false;
      none.hidden = matches.length > 0;
      count.textContent = String(matches.length);
      more.hidden = shown >= matches.length;
      showSuggestion(state);
    }

    function apply() {
      var state = readForm(form);
      var filters = queryOf(state);
      if (filters === applied) return;
      var set = FIELDS.filter(function (name) { return isSet(state, name); }).length;
      active.textContent = String(set);
      showFeed(state);
      var query = queryOf(state, location.search);
      if ("?" + query !== location.search && (query || location.search)) {
        history.replaceState(history.state, "", location.pathname +
          (query ? "?" + query : "") + location.hash);
      }
      if (!set) {
        applied = filters;
        showPage();
        return;
      }
      if (!data) {
        load().then(apply, function () { applied = null; });
        return;
      }
      applied = filters;
      showMatches(state);
    }

    function showMore() {
      load().then(function () {
        var container, next, write = resultCard;
        flush();
        if (results.hidden) {
          container = list;
          write = writeCard;
          next = data.entries.slice(first + listed, first + listed + perPage);
          listed += next.length;
          more.hidden = first + listed >= total;
        } else {
          container = results;
          next = matches.slice(shown, shown + perPage);
          shown += next.length;
          more.hidden = shown >= matches.length;
        }
        var firstNew = container.children.length;
        append(container, next, write);
        // Keyboard and screen-reader users go on where the new cards begin.
        var link = container.children[firstNew] && container.children[firstNew].querySelector("a");
        if (link) link.focus();
      });
    }

    form.addEventListener("focusin", function () { load(); });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
    // `reset` fires before the controls are reset; read them once it is done.
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    more.addEventListener("click", showMore);
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      market.classList.toggle("is-open", open);
    });

    var params = new URLSearchParams(location.search);
    writeForm(form, params);
    apply();
  }

  function init() {
    var market = document.getElementById("tandem-market");
    if (market) setUp(market);
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
