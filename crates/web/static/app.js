// Progressive enhancement only: every page works without this file.
// Confirms archive actions before submitting.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
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
