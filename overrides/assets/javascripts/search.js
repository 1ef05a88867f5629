// The handbook's search: Pagefind's API (pagefind/pagefind.js, in the site's own folder) behind the header's
// field, and Pagefind's highlighter on the page a result leads to. Opened from file:// Pagefind cannot load its
// index, so the field says that search works on the intranet and loads nothing.
(function () {
  "use strict";

  var OFFLINE = "Søgning virker, når håndbogen ligger på intranettet";
  var HIGHLIGHT = "highlight";
  var SHOWN = 8;
  var root = document.querySelector("[data-ih-search]");
  if (!root) {
    return;
  }
  var input = root.querySelector("input[type=search]");
  var panel = root.querySelector("[data-search-results]");
  var status = panel.querySelector(".ih-search__status");
  var list = panel.querySelector(".ih-search__list");
  var bundle = new URL(root.getAttribute("data-ih-bundle"), document.baseURI).href;
  var box = document.querySelector("[data-ih-search-box]");
  root.hidden = false;

  if (location.protocol === "file:") {
    [input, box && box.querySelector("input")].forEach(function (field) {
      if (field) {
        field.disabled = true;
        field.placeholder = OFFLINE;
        field.title = OFFLINE;
      }
    });
    if (box) {
      box.querySelector("button").disabled = true;
      box.querySelector("label").textContent = OFFLINE + ".";
    }
    return;
  }

  var engine = null;
  function pagefind() {
    if (!engine) {
      engine = import(bundle + "pagefind.js").then(function (api) {
        return api.options({ baseUrl: new URL("../", bundle).pathname, highlightParam: HIGHLIGHT,
                                  // the contacts page is long because it lists everyone: length counts less
                                  ranking: { pageLength: 0.3 } })
          .then(function () { return api; });
      });
    }
    return engine;
  }

  // The excerpt is made here from the text Pagefind keeps of the page, not taken from Pagefind: the hidden
  // words each section is also found by (compound parts, the data's search words) stand between two SENTINEL
  // words in that text, and Pagefind's own excerpt would show them. Pagefind counts a result's locations in
  // the text split at white space; so does this. Only text and <mark> elements are made, never the page's HTML.
  var SENTINEL = "\u2042";
  var WORDS = 30;   // words in an excerpt
  var BEFORE = 8;   // of them before the first word found

  function shownWords(data) {
    var words = data.content.split(/[\r\n\s]+/g);
    var hidden = false;
    var shown = words.map(function (word) {
      if (word === SENTINEL) {
        hidden = !hidden;
        return false;
      }
      return !hidden;
    });
    return { words: words, shown: shown };
  }

  // The part of the page a result stands for: from its heading (after the heading's own words) to the next.
  function range(data, sub, length) {
    var anchor = sub && sub.anchor;
    var at = anchor ? anchor.location : -1;
    var start = anchor ? at + (anchor.text || "").split(/\s+/).filter(Boolean).length : 0;
    var next = (data.anchors || []).map(function (a) { return a.location; })
      .filter(function (location) { return location > at; });
    return [start, next.length ? Math.min.apply(null, next) : length];
  }

  function excerpt(data, sub, text) {
    var span = range(data, sub, text.words.length);
    var found = {};
    ((sub && sub.locations) || data.locations || []).forEach(function (at) {
      if (text.shown[at]) {
        found[at] = true;
      }
    });
    var places = [];
    var pick = function (from, to) {
      for (var at = from; at < to; at++) {
        if (text.shown[at]) {
          places.push(at);
        }
      }
    };
    pick(span[0], span[1]);
    if (!places.length) {  // a heading with nothing under it before the next: the page from the top
      pick(0, text.words.length);
    }
    var first = places.findIndex(function (at) { return found[at]; });
    var from = first > BEFORE ? first - BEFORE : 0;
    var out = document.createElement("p");
    out.className = "ih-search__excerpt";
    if (from > 0) {
      out.append(document.createTextNode("… "));
    }
    places.slice(from, from + WORDS).forEach(function (at, i) {
      if (i > 0) {
        out.append(document.createTextNode(" "));
      }
      if (found[at]) {
        var mark = document.createElement("mark");
        mark.textContent = text.words[at];
        out.append(mark);
      } else {
        out.append(document.createTextNode(text.words[at]));
      }
    });
    if (from + WORDS < places.length) {
      out.append(document.createTextNode(" …"));
    }
    return out;
  }

  // A heading's words as text, those found (their places counted from `at`) in <mark>.
  function marked(title, at, locations) {
    var hit = {};
    locations.forEach(function (location) { hit[location - at] = true; });
    var out = [];
    title.split(/\s+/).filter(Boolean).forEach(function (word, i) {
      if (i > 0) {
        out.push(document.createTextNode(" "));
      }
      if (hit[i]) {
        var mark = document.createElement("mark");
        mark.textContent = word;
        out.push(mark);
      } else {
        out.push(document.createTextNode(word));
      }
    });
    return out;
  }

  // The result's best part: the first part whose own text has a word found, else its first heading.
  function item(data) {
    var text = shownWords(data);
    var subs = data.sub_results || [];
    var best = subs.find(function (sub) {
      return (sub.locations || []).some(function (at) { return text.shown[at]; });
    }) || subs.find(function (sub) { return sub.anchor; }) || null;
    var li = document.createElement("li");
    li.className = "ih-search__result";
    var link = document.createElement("a");
    link.className = "ih-search__link";
    link.href = best ? best.url : data.url;
    var page = document.createElement("span");
    page.className = "ih-search__page";
    page.textContent = data.meta.title || data.url;
    link.append(page);
    if (best && best.anchor && best.title && best.title !== data.meta.title) {
      var heading = document.createElement("span");
      heading.className = "ih-search__heading";
      heading.append.apply(heading, marked(best.title, best.anchor.location, best.locations || []));
      link.append(heading);
    }
    li.append(link, excerpt(data, best, text));
    return li;
  }

  // Pagefind finds the pages that have every word; a question ("hvor hurtigt skal jeg reagere") also gets the
  // pages that have some of its words, after those, the pages with most of them first.
  function some(api, query, every) {
    var words = query.split(/\s+/).filter(function (w) { return w.length > 2; });
    if (words.length < 2 || every.length >= SHOWN) {
      return Promise.resolve(every);
    }
    return Promise.all(words.map(function (w) { return api.search(w); })).then(function (each) {
      var found = {};
      each.forEach(function (one) {
        one.results.forEach(function (r) {
          var seen = found[r.id] || (found[r.id] = { result: r, words: 0, score: 0 });
          seen.words += 1;
          seen.score += r.score;
        });
      });
      var known = {};
      every.forEach(function (r) { known[r.id] = true; });
      var rest = Object.keys(found).map(function (id) { return found[id]; })
        .filter(function (f) { return !known[f.result.id]; })
        .sort(function (a, b) { return b.words - a.words || b.score - a.score; })
        .map(function (f) { return f.result; });
      return every.concat(rest);
    });
  }

  var asked = 0;
  function search(query) {
    var ticket = ++asked;
    query = query.trim();
    if (!query) {
      close();
      return;
    }
    panel.hidden = false;
    status.textContent = "Søger …";
    pagefind().then(function (api) {
      return api.search(query).then(function (found) { return some(api, query, found.results); });
    }).then(function (results) {
      return Promise.all(results.slice(0, SHOWN).map(function (r) { return r.data(); }))
        .then(function (data) { return [results.length, data]; });
    }).then(function (answer) {
      if (ticket !== asked) {
        return;
      }
      var count = answer[0];
      list.replaceChildren.apply(list, answer[1].map(item));
      status.textContent = count === 0 ? "Ingen sider fundet for »" + query + "«"
        : (count === 1 ? "1 side" : count + " sider") + " fundet for »" + query + "«";
    }).catch(function () {
      if (ticket === asked) {
        list.replaceChildren();
        status.textContent = "Søgningen kunne ikke indlæses. Prøv at genindlæse siden.";
      }
    });
  }

  function close() {
    panel.hidden = true;
    list.replaceChildren();
    status.textContent = "";
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 150);
  });
  input.addEventListener("focus", function () {
    pagefind();
    if (input.value.trim()) {
      panel.hidden = false;
    }
  });
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      panel.hidden = true;
      input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!root.contains(event.target)) {
      panel.hidden = true;
    }
  });

  // The front page's field, and a link such as ?q=underretning: the query in the header's search.
  var asked_for = new URLSearchParams(location.search).get("q");
  if (asked_for) {
    input.value = asked_for;
    search(asked_for);
  }

  // On the page a result leads to: mark the words searched for.
  if (new URLSearchParams(location.search).has(HIGHLIGHT)) {
    import(bundle + "pagefind-highlight.js").then(function (module) {
      new module.default({ highlightParam: HIGHLIGHT, addStyles: false,
                           markOptions: { className: "ih-highlight", exclude: [".ih-terms", ".headerlink"] } });
    }).catch(function () { /* the page reads as it is */ });
  }
})();
