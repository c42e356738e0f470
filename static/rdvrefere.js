/* rdvrefere — the interviews' own script (features: javascript: rdvrefere.js): upload check, tables, ARIA of choice groups,
   no layout shift when an error line goes (issue 10 point 8, below).

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
    installerSansSaut($);
    return true;
  }

  /* Issue 10 point 8: no layout shift under the finger.  After a refusal (the engine's message
     under an upload field, or docassemble's own « required » line), the client picks another file
     or types, then taps « Continuer »: the tap's pointerdown moves the focus out of the field,
     jQuery Validation's onfocusout validates it, finds it valid and calls showErrors: docassemble's
     unhighlight removes `is-invalid` from the input, so Bootstrap's CSS hides the sibling
     `.invalid-feedback` line at once, then hideThese empties it (display:none).  Everything below
     the field moves up between mousedown and mouseup, so mouseup lands elsewhere and the click
     (the submit) is lost.  Before showErrors runs outside a submit, the box of every error line
     still shown keeps its height (min-height) until the next submit that fails (the page is
     replaced when it succeeds): the line goes, its room stays, the button does not move.  A new
     error shown there still grows the box. */
  var enSoumission = false;
  var GARDEE = "data-rdvrefere-place-gardee";

  function boiteDe(erreur) {
    return erreur.closest(".da-form-group") || erreur.parentElement;
  }

  function garderLaPlace(erreurs) {
    for (var i = 0; erreurs && i < erreurs.length; i++) {
      var erreur = erreurs[i];
      if (!erreur || erreur.nodeType !== 1 || erreur.getClientRects().length === 0) { continue; }
      if (!erreur.closest("#daform")) { continue; }
      var boite = boiteDe(erreur);
      if (!boite) { continue; }
      var hauteur = boite.getBoundingClientRect().height;
      var deja = parseFloat(boite.style.minHeight) || 0;
      if (hauteur > deja) {
        boite.style.minHeight = hauteur + "px";
        boite.setAttribute(GARDEE, "");
      }
    }
  }

  function rendreLaPlace() {
    var boites = document.querySelectorAll("[" + GARDEE + "]");
    for (var i = 0; i < boites.length; i++) {
      boites[i].style.minHeight = "";
      boites[i].removeAttribute(GARDEE);
    }
  }

  function installerSansSaut($) {
    var proto = $.validator.prototype;
    if (!proto.showErrors || proto.showErrors.rdvrefere) { return; }
    var montrer = proto.showErrors;
    var montrerSansSaut = function () {
      if (!enSoumission && typeof this.errors === "function") {
        try { garderLaPlace(this.errors()); } catch (e) { /* never block docassemble's validation */ }
      }
      return montrer.apply(this, arguments);
    };
    montrerSansSaut.rdvrefere = true;
    proto.showErrors = montrerSansSaut;
  }

  /* A submit validates the whole form: what it hides or shows is the new layout, reserved
     nothing; when it fails, the room kept for lines already gone is given back. */
  document.addEventListener("submit", function (e) {
    if (!e.target || e.target.id !== "daform") { return; }
    enSoumission = true;
    setTimeout(function () { enSoumission = false; }, 0);
  }, true);

  function surRefusDuFormulaire() {
    var $ = window.jQuery;
    if (!$) { return; }
    $("#daform").off("invalid-form.rdvrefere").on("invalid-form.rdvrefere", rendreLaPlace);
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

  /* Right-to-left languages (issue 13): docassemble sets <html lang> to the interview's language,
     on the first page and on each screen it loads, but never `dir`. Arabic is laid out right to
     left: the page's direction follows its language, so Bootstrap's flex rows, the text and the
     form controls are mirrored by the browser. */
  var LANGUES_DE_DROITE_A_GAUCHE = ["ar", "fa", "he", "ur"];

  function orienterLaPage() {
    var racine = document.documentElement;
    var langue = String(racine.getAttribute("lang") || "").toLowerCase().split("-")[0];
    var sens = LANGUES_DE_DROITE_A_GAUCHE.indexOf(langue) >= 0 ? "rtl" : "ltr";
    if (racine.getAttribute("dir") !== sens) { racine.setAttribute("dir", sens); }
  }

  function chaqueEcran() {
    orienterLaPage();
    surRefusDuFormulaire();
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
