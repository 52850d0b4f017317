// Progressive enhancement only: every page works without this file.
// Confirms archive actions before submitting (`data-confirm` on the form, or on the button
// pressed when a form has several).
document.addEventListener("submit", function (e) {
  var msg = (e.submitter && e.submitter.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});

// While a proposal's title is written, show the most similar earlier proposals (the draft's
// own page shows them too, without this script).
(function () {
  var box = document.getElementById("similar-live");
  var title = document.getElementById("title");
  if (!box || !title || !window.fetch) { return; }
  var body = document.getElementById("body");
  var list = box.querySelector("ol");
  var timer = null;
  var last = "";
  function show(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = i.url;
      a.textContent = i.title;
      a.target = "_blank";
      li.appendChild(a);
      var meta = " " + i.status_label + (i.year ? " " + i.year + "年" : "") + (i.units.length ? " · " + i.units.join("、") : "");
      li.appendChild(document.createTextNode(meta));
      list.appendChild(li);
    });
    // Nothing alike enough: say so, rather than leave the writer guessing.
    box.querySelector(".similar-some").hidden = items.length === 0;
    list.hidden = items.length === 0;
    box.querySelector(".similar-none").hidden = items.length !== 0;
    box.hidden = false;
  }
  function ask() {
    var t = title.value.trim();
    if (t.length < 4) { box.hidden = true; last = ""; return; }
    if (t === last) { return; }
    last = t;
    var url = "/api/v1/search/similar?title=" + encodeURIComponent(t) + "&body=" + encodeURIComponent(body ? body.value.slice(0, 500) : "")
      + (box.dataset.exclude ? "&exclude=" + encodeURIComponent(box.dataset.exclude) : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (d) { show(d.items || []); })
      .catch(function () {});
  }
  title.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 600); });
  ask();
})();

// Pickers (macros.html `picker`): search as the user types and add or remove chips in place;
// without this script the same buttons submit the form and the server does it.
(function () {
  if (!window.fetch) { return; }
  function chip(box, id, label, name) {
    var li = document.createElement("li");
    li.className = "chip";
    var input = document.createElement("input");
    input.type = "hidden"; input.name = box.getAttribute("data-field"); input.value = id;
    var rm = document.createElement("button");
    rm.type = "button"; rm.className = "chip-remove"; rm.textContent = "×";
    rm.setAttribute("aria-label", "移除 " + name);
    li.appendChild(input); li.appendChild(document.createTextNode(label)); li.appendChild(rm);
    return li;
  }
  function refresh(box) {
    var none = box.querySelector(".picker-none");
    if (none) { none.hidden = box.querySelectorAll(".chips .chip").length > 0; }
  }
  document.querySelectorAll("fieldset.picker").forEach(function (box) {
    var input = box.querySelector(".picker-search input");
    var results = box.querySelector(".picker-results");
    var chips = box.querySelector(".chips");
    var timer = null;
    function chosen() {
      return Array.prototype.map.call(chips.querySelectorAll("input[type=hidden]"), function (i) { return i.value; });
    }
    function show(items, q) {
      results.textContent = "";
      if (!items.length) {
        var p = document.createElement("p");
        p.className = "empty";
        p.textContent = "没有找到“" + q + "”，可少输几个字或改用拼音首字母。";
        results.appendChild(p);
        return;
      }
      var ul = document.createElement("ul");
      items.forEach(function (it) {
        if (chosen().indexOf(String(it.id)) >= 0) { return; }
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button"; b.className = "pick"; b.textContent = it.label + " ＋";
        b.addEventListener("click", function () {
          if (box.getAttribute("data-mode") !== "multi") { chips.textContent = ""; }
          chips.appendChild(chip(box, it.id, it.label, it.name));
          li.remove();
          refresh(box);
          input.focus();
        });
        li.appendChild(b); ul.appendChild(li);
      });
      results.appendChild(ul);
    }
    function ask() {
      var q = input.value.trim();
      var url = "/api/v1/pickers/" + box.getAttribute("data-source") + "?limit=20&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (d) { if (input.value.trim() === q) { show(d.items || [], q); } })
        .catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); ask(); }
    });
    box.querySelector("button[name=pick_find]").addEventListener("click", function (e) { e.preventDefault(); ask(); });
    chips.addEventListener("click", function (e) {
      var b = e.target.closest(".chip-remove");
      if (!b) { return; }
      e.preventDefault();
      b.closest(".chip").remove();
      refresh(box);
    });
  });
})();

// 社情民意: the character count of a report's text as it is written (the server counts it on
// every showing of the form); the outcome form offers only the kinds of the chosen level.
(function () {
  document.querySelectorAll("textarea[data-count]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-count"));
    if (!out) { return; }
    var max = parseInt(out.getAttribute("data-max"), 10);
    function count() {
      var n = Array.from(area.value.trim()).length;
      out.textContent = "已写" + n + "字，最多" + max + "字" + (n > max ? "，超出" + (n - max) + "字" : "");
      out.classList.toggle("over", n > max);
    }
    area.addEventListener("input", count);
    count();
  });
  // The office writing for someone: only the chooser of the kind of submitter picked.
  var kinds = document.querySelectorAll("input[name=submitter_kind]");
  function showKind() {
    var on = document.querySelector("input[name=submitter_kind]:checked");
    document.querySelectorAll(".submitter[data-kind]").forEach(function (d) {
      d.hidden = !!on && d.getAttribute("data-kind") !== on.value;
    });
  }
  kinds.forEach(function (k) { k.addEventListener("change", showKind); });
  if (kinds.length) { showKind(); }
  document.querySelectorAll("form.outcome-form").forEach(function (form) {
    var level = form.querySelector("select[name=level]");
    var kind = form.querySelector("select[name=kind]");
    if (!level || !kind) { return; }
    function only() {
      var first = null;
      kind.querySelectorAll("optgroup").forEach(function (g) {
        var on = g.getAttribute("data-level") === level.value;
        g.hidden = !on;
        g.disabled = !on;
        if (on && !first) { first = g.querySelector("option"); }
      });
      var chosen = kind.selectedOptions[0];
      if ((!chosen || chosen.parentNode.disabled) && first) { first.selected = true; }
    }
    level.addEventListener("change", only);
    only();
  });
})();

// The unread badge in the header (base.html) follows the count as it changes, through
// server-sent events (/notifications/stream); without this script the page shows the count it
// was loaded with.
(function () {
  var badge = document.getElementById("unread-badge");
  if (!badge || !window.EventSource) { return; }
  var count = badge.querySelector(".badge-count");
  var max = Number(badge.getAttribute("data-max"));
  var source = new EventSource(badge.getAttribute("data-stream"));
  source.addEventListener("unread", function (e) {
    var n;
    try { n = JSON.parse(e.data).unread; } catch (err) { return; }
    if (typeof n !== "number") { return; }
    count.textContent = n > max ? max + "+" : String(n);
    count.hidden = n === 0;
    badge.setAttribute("aria-label", "未读通知" + (n > max ? max + "条以上" : n + "条"));
    badge.setAttribute("data-unread", String(n));
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
