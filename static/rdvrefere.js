/* rdvrefere — the interviews' own script (features: javascript: rdvrefere.js): upload check, tables, ARIA of choice groups.

   docassemble checks an upload field in the browser with jQuery Validation's « accept » rule,
   which compares only the MIME type the browser guessed for the file with the field's `accept`
   list: a phone or a computer that does not know a type (a .heic or an .odt on many systems
   gives "") refuses a file that the engine converts.  The rule below accepts a file when its
   MIME type OR its extension is in the list (types_fichiers.ACCEPT_TELEVERSEMENT); the engine
   then checks the content on the server and names the file when it refuses it. */
(function () {
  "use strict";

  function jetons(liste) {
    return String(liste || "").toLowerCase().split(",")
      .map(function (j) { return j.trim(); })
      .filter(function (j) { return j.length > 0; });
  }

  function fichierAccepte(fichier, accepte) {
    var nom = String(fichier.name || "").toLowerCase();
    var type = String(fichier.type || "").toLowerCase();
    return accepte.some(function (j) {
      if (j.charAt(0) === ".") { return nom.length > j.length && nom.slice(-j.length) === j; }
      if (j.slice(-2) === "/*") { return type.indexOf(j.slice(0, -1)) === 0; }
      return type === j;
    });
  }

  function installer() {
    var $ = window.jQuery;
    if (!$ || !$.validator || !$.validator.methods) { return false; }
    $.validator.methods.accept = function (value, element, param) {
      if (this.optional(element)) { return true; }
      if (!element || element.type !== "file" || !element.files) { return true; }
      var accepte = jetons(typeof param === "string" ? param : element.getAttribute("accept"));
      if (accepte.length === 0) { return true; }
      for (var i = 0; i < element.files.length; i++) {
        if (!fichierAccepte(element.files[i], accepte)) { return false; }
      }
      return true;
    };
    return true;
  }

  /* Tables on a phone become cards (rdvrefere.css): each cell gets its column's title
     (data-label), and the rows keep their table roles for screen readers once displayed as
     blocks. */
  function etiqueterLesTableaux() {
    var tableaux = document.querySelectorAll("#daquestion table");
    for (var t = 0; t < tableaux.length; t++) {
      var tableau = tableaux[t];
      var titres = [];
      var entetes = tableau.querySelectorAll("thead th");
      for (var h = 0; h < entetes.length; h++) {
        titres.push(entetes[h].textContent.replace(/\s+/g, " ").trim());
        entetes[h].setAttribute("role", "columnheader");
      }
      tableau.setAttribute("role", "table");
      var lignes = tableau.querySelectorAll("tr");
      for (var l = 0; l < lignes.length; l++) {
        lignes[l].setAttribute("role", "row");
        var cellules = lignes[l].querySelectorAll("td");
        for (var c = 0; c < cellules.length; c++) {
          cellules[c].setAttribute("role", "cell");
          if (c < titres.length) { cellules[c].setAttribute("data-label", titres[c]); }
        }
      }
      var groupes = tableau.querySelectorAll("thead, tbody");
      for (var g = 0; g < groupes.length; g++) { groupes[g].setAttribute("role", "rowgroup"); }
    }
  }

  /* docassemble marks a required group of choices with aria-required on its container (a
     <fieldset>, or a <div role="group">), where ARIA does not allow it (axe « aria-allowed-attr »,
     critical): a group of radio buttons becomes a radiogroup, which allows it; on any other group
     it is removed (the inputs keep their own `required`). */
  function corrigerLesGroupes() {
    var groupes = document.querySelectorAll("fieldset[aria-required], [role=group][aria-required]");
    for (var i = 0; i < groupes.length; i++) {
      var groupe = groupes[i];
      if (groupe.querySelector("input[type=radio]")) {
        groupe.setAttribute("role", "radiogroup");
      } else {
        groupe.removeAttribute("aria-required");
      }
    }
  }

  function chaqueEcran() {
    corrigerLesGroupes();
    etiqueterLesTableaux();
  }

  function aChaqueEcran() {
    installer();
    chaqueEcran();
  }

  if (!installer()) {
    document.addEventListener("DOMContentLoaded", installer);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", chaqueEcran);
  } else {
    chaqueEcran();
  }
  if (window.jQuery) {
    window.jQuery(document).on("daPageLoad", aChaqueEcran);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      if (window.jQuery) { window.jQuery(document).on("daPageLoad", aChaqueEcran); }
    });
  }
})();
