// Progressive enhancement only: every page works without this file.
// Confirms archive actions before submitting.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
