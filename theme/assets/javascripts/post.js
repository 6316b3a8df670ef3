// The forms at /post/ (a new ad) and /post/partnership/ (a new partnership log), issue 11.
//
// This script holds no rule of its own. The form's `data-form` JSON, written at build time by
// generator/site/forms.py, carries the JSON schema, the id rule and reserved ids, the date
// limits, the file's layout (generator/workflow/layout.py) and the forge's address; the same
// values drive `tandem validate` and `tandem new-ad`, so the form cannot drift from them.
//
// Contributor text and the address's `?partners=` only ever become control values,
// textContent or URL parameters, never markup. Nothing is sent anywhere: the file leaves the
// page only by Copy, Download, or the forge link the person clicks.
(function () {
  "use strict";

  var form = document.getElementById("tandem-post");
  if (!form) return;
  var rules = JSON.parse(form.getAttribute("data-form"));
  var words = rules.words;
  var schema = rules.schema;

  // --- the file, laid out as generator/workflow/layout.py lays it out ----------------------

  var style = rules.style;
  var QUOTE = style.quote.map(function (p) { return new RegExp(p, "u"); });
  var ESCAPE = new RegExp(style.escape, "u");
  var BLOCK = new RegExp(style.block, "u");
  var ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  var ESCAPES = { "\\": "\\\\", "\"": "\\\"", "\n": "\\n", "\t": "\\t" };

  function spaces(n) { return new Array(n + 1).join(" "); }

  function isMapping(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function resolved(node) {
    var ref = (node && node.$ref) || "";
    return ref.indexOf("#/$defs/") === 0 ? schema.$defs[ref.slice(8)] : (node || {});
  }

  function hex(code, width) {
    var digits = code.toString(16).toUpperCase();
    while (digits.length < width) digits = "0" + digits;
    return digits;
  }

  function doubleQuoted(value) {
    var out = "\"";
    for (var ch of value) {
      if (Object.prototype.hasOwnProperty.call(ESCAPES, ch)) out += ESCAPES[ch];
      else if (ESCAPE.test(ch)) {
        var code = ch.codePointAt(0);
        out += code < 0x100 ? "\\x" + hex(code, 2) : "\\u" + hex(code, 4);
      } else out += ch;
    }
    return out + "\"";
  }

  function literal(value, indent) {
    var body = value.replace(/\n+$/, "");
    var trailing = value.length - body.length;
    var chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
    var lines = body.split("\n").map(function (line) { return line ? spaces(indent) + line : ""; });
    for (var i = 1; i < trailing; i++) lines.push("");
    return ["|" + chomp].concat(lines).join("\n");
  }

  function text(value, indent) {
    if (ESCAPE.test(value)) return doubleQuoted(value);
    if (value.indexOf("\n") >= 0) return BLOCK.test(value) ? literal(value, indent) : doubleQuoted(value);
    if (QUOTE.some(function (p) { return p.test(value); })) return "'" + value.replace(/'/g, "''") + "'";
    return value;
  }

  function scalar(value, node, indent) {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value);
    if (Array.isArray(value)) return "[]";
    if (isMapping(value)) return "{}";
    if (node.format === "date" && ISO_DATE.test(value)) return value; // a date, as dates are written
    return text(String(value), indent);
  }

  function mapping(data, node, indent) {
    node = resolved(node);
    var properties = node.properties || {};
    var known = Object.keys(properties);
    var keys = known.filter(function (k) { return k in data; })
      .concat(Object.keys(data).filter(function (k) { return known.indexOf(k) < 0; }));
    var lines = [];
    keys.forEach(function (key) {
      var child = resolved(properties[key]);
      lines = lines.concat(field(spaces(indent) + key + ":", data[key], child, indent));
    });
    return lines;
  }

  function field(head, value, node, indent) {
    if (isMapping(value) && Object.keys(value).length) {
      return [head].concat(mapping(value, node, indent + style.indent));
    }
    if (Array.isArray(value) && value.length) {
      return [head].concat(sequence(value, resolved(node.items), indent));
    }
    return [head + " " + scalar(value, node, indent + style.indent)];
  }

  function sequence(items, node, indent) {
    var dash = spaces(indent) + "- ";
    var lines = [];
    items.forEach(function (item) {
      if (isMapping(item) && Object.keys(item).length) {
        var inner = mapping(item, node, indent + style.indent);
        lines.push(dash + inner[0].slice(dash.length));
        lines = lines.concat(inner.slice(1));
      } else {
        lines.push(dash + scalar(item, node, indent + style.indent));
      }
    });
    return lines;
  }

  function yamlText(data) {
    var lines = [style.modeline.replace("{schema}", rules.kind)].concat(mapping(data, schema, 0));
    return lines.join("\n") + "\n";
  }

  // --- ids, as generator/data/ids.py makes them ----------------------------------------------

  var ID_RE = new RegExp(rules.id.pattern, "u");

  function slugify(value) {
    var table = rules.id.transliteration;
    var swapped = Array.from(value).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(table, ch) ? table[ch] : ch;
    }).join("");
    var ascii = swapped.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    var slug = ascii.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return slug.slice(0, rules.id.max).replace(/^-+|-+$/g, "");
  }

  function joinedId(ids) {
    return ids.join("-").slice(0, rules.id.max).replace(/^-+|-+$/g, "");
  }

  function freeId(ident) {
    for (var n = 2; ; n++) {
      var candidate = ident.slice(0, rules.id.max - String(n).length - 1).replace(/-+$/, "") + "-" + n;
      if (rules.taken.indexOf(candidate) < 0) return candidate;
    }
  }

  function idProblem(ident) {
    if (!ID_RE.test(ident) || ident.length > rules.id.max) return say("id_form", { max: rules.id.max });
    if (rules.id.reserved.indexOf(ident) >= 0) return say("id_reserved", { example: ident + "-1" });
    if (rules.taken.indexOf(ident) >= 0) return say("id_taken", { example: freeId(ident) });
    return null;
  }

  // --- dates -------------------------------------------------------------------------------

  function localToday() {
    var now = new Date();
    return [now.getFullYear(), ("0" + (now.getMonth() + 1)).slice(-2), ("0" + now.getDate()).slice(-2)].join("-");
  }

  function parseDate(value) {
    if (!ISO_DATE.test(value)) return null;
    var parts = value.split("-").map(Number);
    var day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    var ok = day.getUTCFullYear() === parts[0] && day.getUTCMonth() === parts[1] - 1 &&
      day.getUTCDate() === parts[2] && parts[0] >= 1;
    return ok ? parts : null;
  }

  function daysBetween(a, b) { // b - a, in days
    var pa = parseDate(a), pb = parseDate(b);
    return (Date.UTC(pb[0], pb[1] - 1, pb[2]) - Date.UTC(pa[0], pa[1] - 1, pa[2])) / 86400000;
  }

  function addDays(value, days) {
    var p = parseDate(value);
    var day = new Date(Date.UTC(p[0], p[1] - 1, p[2] + days));
    return [day.getUTCFullYear(), ("0" + (day.getUTCMonth() + 1)).slice(-2), ("0" + day.getUTCDate()).slice(-2)].join("-");
  }

  // generator/data/validate.py add_months: the same day, or the month's last day.
  function addMonths(value, months) {
    var p = parseDate(value);
    var month0 = p[1] - 1 + months;
    var year = p[0] + Math.floor(month0 / 12), month = (month0 % 12) + 1;
    if (year > 9999) return null;
    var last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    var day = Math.min(p[2], last);
    return [("000" + year).slice(-4), ("0" + month).slice(-2), ("0" + day).slice(-2)].join("-");
  }

  // --- words -------------------------------------------------------------------------------

  function say(word, params) {
    return words[word].replace(/\{(\w+)\}/g, function (all, key) {
      return params && key in params ? String(params[key]) : all;
    });
  }

  // --- the controls ------------------------------------------------------------------------

  function control(name) { return form.elements.namedItem(name); }

  function value(name) {
    var el = control(name);
    return el && typeof el.value === "string" ? el.value.trim() : "";
  }

  function checked(name) {
    var el = control(name);
    return !!(el && el.checked);
  }

  function rowsOf(kind) { return form.querySelector("[data-rows='" + kind + "']"); }

  function rowCount(kind) { return rowsOf(kind).children.length; }

  function maxRows(kind) { return resolved(schema.properties[kind]).maxItems || 1; }

  function minRows(kind) { return resolved(schema.properties[kind]).minItems || 1; }

  function addRow(kind) {
    var template = document.getElementById("tandem-row-" + kind);
    var row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("*").forEach(function (el) {
      ["name", "id", "for", "aria-describedby", "data-error-for", "data-field"].forEach(function (attr) {
        var original = el.getAttribute(attr);
        if (original && original.indexOf("{i}") >= 0) {
          el.tandemAttributes = el.tandemAttributes || {};
          el.tandemAttributes[attr] = original;
        }
      });
    });
    rowsOf(kind).appendChild(row);
    var remove = row.querySelector("[data-remove]");
    if (remove) {
      remove.addEventListener("click", function () { removeRow(kind, row); });
    }
    renumber(kind);
    return row;
  }

  function removeRow(kind, row) {
    var rows = Array.prototype.slice.call(rowsOf(kind).children);
    var index = rows.indexOf(row);
    rowsOf(kind).removeChild(row);
    renumber(kind);
    if (kind === "partners") syncGoals();
    var left = rowsOf(kind).children[Math.max(0, index - 1)];
    var focus = left && left.querySelector("input, select, textarea");
    if (focus) focus.focus();
    update();
  }

  var ROW_WORDS = { offers: ["offer_n", "remove_offer"], seeks: ["seek_n", "remove_seek"], partners: ["partner_n", "remove_partner"] };

  function renumber(kind) {
    var rows = Array.prototype.slice.call(rowsOf(kind).children);
    rows.forEach(function (row, i) {
      row.querySelectorAll("*").forEach(function (el) {
        var attrs = el.tandemAttributes || {};
        Object.keys(attrs).forEach(function (attr) {
          el.setAttribute(attr, attrs[attr].replace(/\{i\}/g, String(i)));
        });
      });
      var named = ROW_WORDS[kind];
      var legend = row.querySelector("[data-legend]");
      if (legend && named) legend.textContent = say(named[0], { n: i + 1 });
      var label = kind === "partners" && row.querySelector("label");
      if (label) label.textContent = say(named[0], { n: i + 1 });
      var remove = row.querySelector("[data-remove]");
      if (remove && named) {
        remove.textContent = say(named[1], { n: i + 1 });
        remove.hidden = rows.length <= minRows(kind);
      }
    });
    var add = form.querySelector("[data-add='" + kind + "']");
    if (add) add.disabled = rows.length >= maxRows(kind);
  }

  // --- reading the form into the file's data -----------------------------------------------

  var NUMBER = rules.number ? new RegExp(rules.number, "u") : null;

  // generator/workflow/scaffold.py _number: `1.5`, `1,5`, `2`; anything else stays text.
  function number(given) {
    return NUMBER.test(given) ? parseFloat(given.replace(",", ".")) : given;
  }

  function indexes(kind) {
    var out = [];
    for (var i = 0; i < rowCount(kind); i++) out.push(i);
    return out;
  }

  function readAd() {
    var data = { name: value("name"), owner: value("owner") };
    if (value("team")) data.team = value("team");
    data.location = value("location");
    data.remote = checked("remote");
    data.languages = value("languages").split(/[\s,;]+/).filter(Boolean).map(function (code) {
      return code.toLowerCase();
    });
    data.formats = Array.prototype.filter.call(form.querySelectorAll("input[name='formats']"), function (el) {
      return el.checked;
    }).map(function (el) { return el.value; });
    data.offers = indexes("offers").map(function (i) {
      var offer = { skill: value("offers." + i + ".skill"), level: value("offers." + i + ".level") };
      if (value("offers." + i + ".note")) offer.note = value("offers." + i + ".note");
      return offer;
    });
    data.seeks = indexes("seeks").map(function (i) {
      var seek = { skill: value("seeks." + i + ".skill") };
      if (value("seeks." + i + ".goal")) seek.goal = value("seeks." + i + ".goal");
      return seek;
    });
    data.commitment = {
      hours_per_week: number(value("commitment.hours_per_week")),
      weeks: number(value("commitment.weeks"))
    };
    if (value("available_from")) data.available_from = value("available_from");
    data.posted = value("posted");
    data.expires = value("expires");
    data.status = "open";
    data.contact = value("contact");
    if (checked("manager_support")) data.manager_support = true;
    if (value("about")) data.about = value("about");
    return data;
  }

  function partnerIds() {
    return indexes("partners").map(function (i) { return value("partners." + i); });
  }

  function readPartnership() {
    var data = { title: value("title"), format: value("format"), partners: partnerIds() };
    data.phase = value("phase");
    data.started = value("started");
    if (value("planned_end")) data.planned_end = value("planned_end");
    var goals = indexes("goals").map(function (i) {
      return { partner: value("goals." + i + ".partner"), goal: value("goals." + i + ".goal") };
    }).filter(function (goal) { return goal.goal; });
    if (goals.length) data.goals = goals;
    return data;
  }

  // --- the checks: the schema's keywords, then the rules across fields ----------------------

  var UNPRINTABLE = new RegExp(rules.unprintable, "u");

  function check(data) {
    var problems = [];
    function problem(path, word, params) { problems.push({ path: path, message: say(word, params) }); }
    walk(data, schema, [], problem);
    (rules.kind === "ad" ? adRules : partnershipRules)(data, problem);
    return problems;
  }

  function length(text) { return Array.from(text).length; }

  function walk(data, node, path, problem) {
    node = resolved(node);
    if (node.enum) {
      if (node.enum.indexOf(data) < 0) problem(path, "one_of", { allowed: node.enum.join(", ") });
      return;
    }
    var type = node.type;
    if (type === "string") walkText(data, node, path, problem);
    else if (type === "number" || type === "integer") walkNumber(data, node, path, problem);
    else if (type === "array") walkList(data, node, path, problem);
    else if (type === "object") walkMapping(data, node, path, problem);
  }

  function walkText(data, node, path, problem) {
    if (typeof data !== "string") return problem(path, "wrong_form");
    if (data === "" && (node.minLength || node.pattern || node.format)) return problem(path, "required");
    if (UNPRINTABLE.test(data)) return problem(path, "unprintable");
    if (node.maxLength && length(data) > node.maxLength) {
      problem(path, "too_long", { length: length(data), limit: node.maxLength });
    }
    if (node.pattern && !new RegExp(node.pattern, "u").test(data)) problem(path, "wrong_form");
    if (node.format === "date" && !parseDate(data)) problem(path, "not_date");
  }

  function walkNumber(data, node, path, problem) {
    if (data === "") return problem(path, "required");
    if (typeof data !== "number" || !isFinite(data)) return problem(path, node.type === "integer" ? "not_whole" : "not_number");
    if (node.type === "integer" && Math.floor(data) !== data) return problem(path, "not_whole");
    if ("minimum" in node && data < node.minimum) problem(path, "minimum", { limit: node.minimum });
    if ("maximum" in node && data > node.maximum) problem(path, "maximum", { limit: node.maximum });
  }

  function walkList(data, node, path, problem) {
    if ("minItems" in node && data.length < node.minItems) problem(path, data.length ? "min_items" : "required", { limit: node.minItems });
    if ("maxItems" in node && data.length > node.maxItems) problem(path, "max_items", { limit: node.maxItems });
    if (node.uniqueItems) {
      var seen = data.map(function (item) { return JSON.stringify(item); });
      if (seen.some(function (item, i) { return seen.indexOf(item) !== i; })) problem(path, "twice");
    }
    data.forEach(function (item, i) { walk(item, node.items, path.concat([i]), problem); });
  }

  function walkMapping(data, node, path, problem) {
    (node.required || []).forEach(function (key) {
      if (!(key in data)) problem(path.concat([key]), "required");
    });
    Object.keys(data).forEach(function (key) {
      if (node.properties && key in node.properties) walk(data[key], node.properties[key], path.concat([key]), problem);
    });
  }

  function adRules(data, problem) {
    var today = localToday();
    if (parseDate(data.posted) && daysBetween(today, data.posted) > rules.posted_ahead) problem(["posted"], "posted_ahead");
    if (parseDate(data.posted) && parseDate(data.expires)) {
      var latest = addMonths(data.posted, rules.months.max);
      if (data.expires <= data.posted) problem(["expires"], "expires_order");
      else if (latest && data.expires > latest) problem(["expires"], "expires_late", { months: rules.months.max, latest: latest });
    }
  }

  function partnershipRules(data, problem) {
    data.partners.forEach(function (id, i) {
      if (id && ID_RE.test(id) && !Object.prototype.hasOwnProperty.call(rules.ads, id)) problem(["partners", i], "partner_unknown", { id: id });
    });
    var limits = rules.partners_per_format[data.format];
    var count = data.partners.length;
    if (limits && (count < limits[0] || count > limits[1])) {
      problem(["partners"], "partners_count", { format: data.format, least: limits[0], most: limits[1], count: count });
    }
    if (data.phase === "planning" && !data.planned_end) problem(["planned_end"], "needs_planned_end");
    if (data.phase === "planning" && !data.goals) problem(["goals"], "required");
    if (data.planned_end && parseDate(data.planned_end) && parseDate(data.started) && data.planned_end < data.started) {
      problem(["planned_end"], "before_started", { started: data.started });
    }
  }

  // --- showing the problems ----------------------------------------------------------------

  var touched = {};
  var submitted = false;

  function errorSlot(path) {
    for (var n = path.length; n > 0; n--) {
      var name = path.slice(0, n).join(".");
      var slot = form.querySelector("[data-error-for='" + name + "']");
      if (slot) return { name: name, slot: slot };
    }
    return null;
  }

  function labelOf(name) {
    var el = control(name);
    if (el && el.id) {
      var label = form.querySelector("label[for='" + el.id + "']");
      var row = el.closest(".tandem-row");
      var legend = row && row.querySelector("[data-legend]");
      var prefix = legend ? legend.textContent + ", " : "";
      if (label) return prefix + label.textContent.replace(/\s*\(.*\)\s*$/, "").trim();
    }
    var group = form.querySelector("[data-error-for='" + name + "']");
    var legend = group && group.closest("fieldset") && group.closest("fieldset").querySelector("legend");
    return legend ? legend.textContent.trim() : name;
  }

  function isTouched(name) {
    if (name === "id" && isTouched(rules.kind === "ad" ? "name" : "partners")) return true;
    return submitted || Object.keys(touched).some(function (t) { return t === name || t.indexOf(name + ".") === 0; });
  }

  function showProblems(problems) {
    var byName = {};
    problems.forEach(function (p) {
      var found = errorSlot(p.path);
      var name = found ? found.name : "id";
      if (!byName[name]) byName[name] = [];
      if (byName[name].indexOf(p.message) < 0) byName[name].push(p.message);
    });
    form.querySelectorAll("[data-error-for]").forEach(function (slot) {
      var name = slot.getAttribute("data-error-for");
      var messages = byName[name] && isTouched(name) ? byName[name] : [];
      slot.textContent = messages.join("; ");
      slot.hidden = !messages.length;
      var el = control(name);
      var controls = el && el.length !== undefined && !el.tagName ? Array.prototype.slice.call(el) : el ? [el] : [];
      controls.forEach(function (c) {
        if (messages.length) c.setAttribute("aria-invalid", "true");
        else c.removeAttribute("aria-invalid");
      });
    });
    var list = document.getElementById("tandem-summary-list");
    list.textContent = "";
    var count = Object.keys(byName).reduce(function (n, k) { return n + byName[k].length; }, 0);
    document.getElementById("tandem-summary-count").textContent =
      count === 0 ? say("summary_none") : count === 1 ? say("summary_one") : say("summary_many", { n: count });
    Object.keys(byName).forEach(function (name) {
      byName[name].forEach(function (message) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        var target = control(name);
        var id = target && target.id ? target.id : "f-" + name.replace(/\./g, "-") + "-error";
        link.href = "#" + id;
        link.textContent = labelOf(name) + ": " + message;
        link.addEventListener("click", function (event) {
          var el = document.getElementById(id);
          if (el) { event.preventDefault(); el.focus(); }
        });
        item.appendChild(link);
        list.appendChild(item);
      });
    });
    form.classList.toggle("has-problems", count > 0);
    return count;
  }

  // --- the file's id, the preview and the ways out -----------------------------------------

  var idEdited = false;

  function fileId(data) {
    var el = control("id");
    if (!idEdited) {
      el.value = rules.kind === "ad" ? slugify(data.name) : joinedId(data.partners.filter(Boolean));
    }
    return el.value.trim();
  }

  function encode(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, function (ch) {
      return "%" + ch.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  function forgeUrl(filename, content) {
    var forge = rules.forge;
    var url = forge.base + "?" + forge.name + "=" + encode(filename) + "&" + forge.content + "=" + encode(content);
    return url.length <= forge.max ? url : null;
  }

  var current = { text: "", file: "" };

  function update() {
    var data = rules.kind === "ad" ? readAd() : readPartnership();
    var ident = fileId(data);
    var problems = check(data);
    var wrongId = idProblem(ident);
    if (wrongId) problems.push({ path: ["id"], message: wrongId });
    current.text = yamlText(data);
    current.file = ident + ".yml";
    document.getElementById("tandem-post-yaml").textContent = current.text;
    document.getElementById("tandem-file-id").textContent = ident;
    var count = showProblems(problems);
    showForge(count);
    return count;
  }

  function showForge(count) {
    var link = document.getElementById("tandem-propose");
    var note = document.getElementById("tandem-forge-note");
    if (!rules.forge || !link) {
      note.textContent = say("forge_none");
      return;
    }
    var url = count ? null : forgeUrl(current.file, current.text);
    if (url) {
      link.href = url;
      link.removeAttribute("aria-disabled");
      note.textContent = "";
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      note.textContent = count ? say("forge_fix_first") : say("forge_too_long", { forge: rules.forge.label });
    }
  }

  function status(message) {
    document.getElementById("tandem-post-status").textContent = message;
  }

  function copy() {
    update();
    var done = function () { status(say("copied")); };
    var byHand = function () {
      var code = document.getElementById("tandem-post-yaml");
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      status(ok ? say("copied") : say("copy_failed"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(current.text).then(done, byHand);
    } else {
      byHand();
    }
  }

  function download() {
    update();
    var blob = new Blob([current.text], { type: "application/x-yaml;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = current.file;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    status(say("downloaded", { file: current.file }));
  }

  // --- the partnership form: partners from the address, their goals from their ads ---------

  var goalTexts = {};

  function goalFromAd(id) {
    var ad = rules.ads[id];
    var seeks = ad[1];
    var goals = seeks.filter(function (s) { return s[1]; }).map(function (s) { return s[1]; });
    var text = goals.length ? goals.join(" ") : say("learn", { skills: seeks.map(function (s) { return s[0]; }).join(", ") });
    var limit = resolved(schema.$defs.text).maxLength;
    return Array.from(text).slice(0, limit).join("");
  }

  function syncGoals() {
    indexes("goals").forEach(function (i) {
      var partner = value("goals." + i + ".partner");
      if (partner) goalTexts[partner] = control("goals." + i + ".goal").value;
    });
    var known = partnerIds().filter(function (id, i, all) {
      return Object.prototype.hasOwnProperty.call(rules.ads, id) && all.indexOf(id) === i;
    });
    var rows = rowsOf("goals");
    while (rows.children.length > known.length) rows.removeChild(rows.lastElementChild);
    while (rows.children.length < known.length) addRow("goals");
    known.forEach(function (id, i) {
      if (!(id in goalTexts)) goalTexts[id] = goalFromAd(id);
      control("goals." + i + ".partner").value = id;
      var input = control("goals." + i + ".goal");
      input.value = goalTexts[id];
      form.querySelector("label[for='" + input.id + "']").textContent = say("goal_of", { name: rules.ads[id][0] });
    });
  }

  function partnersFromAddress() {
    var given = new URLSearchParams(window.location.search).get("partners") || "";
    return given.split(",").map(function (id) { return id.trim(); }).filter(Boolean).slice(0, maxRows("partners"));
  }

  function startPartnership() {
    var given = partnersFromAddress();
    var count = Math.max(minRows("partners"), given.length);
    for (var i = 0; i < count; i++) addRow("partners");
    given.forEach(function (id, i) { control("partners." + i).value = id; });
    control("format").value = given.length > 2 ? "wol-circle" : "tandem";
    control("started").value = localToday();
    var names = given.filter(function (id) { return Object.prototype.hasOwnProperty.call(rules.ads, id); })
      .map(function (id) { return rules.ads[id][0]; });
    if (names.length === given.length && names.length > 1) control("title").value = names.join(" & ");
    syncGoals();
  }

  function startAd() {
    addRow("offers");
    addRow("seeks");
    control("offers.0.level").value = rules.level;
    control("remote").checked = true;
    form.querySelector("input[name='formats'][value='tandem']").checked = true;
    var today = localToday();
    control("posted").value = today;
    var expires = control("expires");
    expires.value = addMonths(today, rules.months.default);
    expires.min = addDays(today, 1);
    expires.max = addMonths(today, rules.months.max);
  }

  // --- wiring ------------------------------------------------------------------------------

  function onEdit(event) {
    var name = event.target.name;
    if (name === "id") idEdited = event.target.value.trim() !== "";
    if (name && event.type !== "input") touched[name] = true;
    if (name && event.type === "input" && event.target.getAttribute("aria-invalid")) touched[name] = true;
    if (rules.kind === "partnership" && /^partners\./.test(name || "")) syncGoals();
    update();
  }

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  form.addEventListener("focusout", function (event) {
    if (event.target.name && event.target.value !== "") { touched[event.target.name] = true; update(); }
  });
  form.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.getAttribute("data-add");
      var row = addRow(kind);
      if (kind === "offers") row.querySelector("select").value = rules.level;
      row.querySelector("input, select, textarea").focus();
      update();
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitted = true;
    if (update()) document.getElementById("tandem-post-summary").focus();
    else status(say("summary_none"));
  });
  document.getElementById("tandem-copy").addEventListener("click", copy);
  document.getElementById("tandem-download").addEventListener("click", download);
  var propose = document.getElementById("tandem-propose");
  if (propose) {
    propose.addEventListener("click", function (event) {
      if (!propose.getAttribute("href")) {
        event.preventDefault();
        submitted = true;
        update();
        document.getElementById("tandem-post-summary").focus();
      }
    });
  }

  if (rules.kind === "ad") startAd(); else startPartnership();
  document.getElementById("tandem-post-nojs").hidden = true;
  form.hidden = false;
  update();

  // For the tests that hold this script to the commands (tests/test_post_browser.py).
  window.tandemPost = { slugify: slugify, joinedId: joinedId, yamlText: yamlText, check: check };
})();
