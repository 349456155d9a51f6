// Filters by document and language for output/index.html.  The list is all there without this script; it only
// shows the filters (hidden in the HTML) and hides the sections a filter leaves out.
(function () {
  "use strict";
  var filters = document.getElementById("filters");
  if (!filters) {
    return;
  }
  var byDocument = document.getElementById("filter-document");
  var byLanguage = document.getElementById("filter-language");
  var status = document.getElementById("filter-status");

  function apply() {
    var shownEditions = 0;
    var allEditions = 0;
    document.querySelectorAll("section.document").forEach(function (doc) {
      var docWanted = !byDocument.value || doc.getAttribute("data-document") === byDocument.value;
      var anyShown = false;
      doc.querySelectorAll("section.edition").forEach(function (edition) {
        var shown = docWanted && (!byLanguage.value || edition.getAttribute("data-language") === byLanguage.value);
        edition.hidden = !shown;
        anyShown = anyShown || shown;
        allEditions += 1;
        shownEditions += shown ? 1 : 0;
      });
      doc.hidden = !anyShown;
    });
    status.textContent = "Showing " + shownEditions + " of " + allEditions + " editions.";
  }

  byDocument.addEventListener("change", apply);
  byLanguage.addEventListener("change", apply);
  filters.hidden = false;
  apply();
})();
