/* Accessible names for two of the theme's buttons (pydata-sphinx-theme 0.17),
 * which axe-core flags as label-content-name-mismatch (tests/test_site.py):
 *
 * - the search buttons that show the text "Search Ctrl+K" are labelled
 *   "Search" only: the visible text becomes their name (the shortcut is
 *   announced through aria-keyshortcuts);
 * - the colour-mode button holds three icons whose title attributes
 *   ("Light", "Dark", "System Settings") count as its content but not as its
 *   name ("Color mode"): the icons are hidden from assistive technology, and
 *   the button's name says the mode it is in.
 *
 * and one moderate finding (region: content outside every landmark): the
 * course title in the left sidebar, a link to the first page, becomes a
 * navigation landmark of its own ("Course home").
 */
(function () {
  "use strict";

  function fixSearch() {
    var buttons = document.querySelectorAll("button.search-button__button");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var text = b.textContent.replace(/\s+/g, " ").trim();
      if (!text) continue;
      b.removeAttribute("aria-label");
      if (b.querySelector("kbd")) b.setAttribute("aria-keyshortcuts", "Control+K");
    }
  }

  var MODES = {light: "light", dark: "dark", auto: "system settings"};

  function nameThemeButtons() {
    var mode = document.documentElement.dataset.mode || "auto";
    var buttons = document.querySelectorAll("button.theme-switch-button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-label", "Color mode: " + (MODES[mode] || mode));
    }
  }

  function fixTheme() {
    var icons = document.querySelectorAll("button.theme-switch-button .theme-switch");
    for (var i = 0; i < icons.length; i++) {
      icons[i].setAttribute("aria-hidden", "true");
      icons[i].removeAttribute("title");
    }
    nameThemeButtons();
    new MutationObserver(nameThemeButtons).observe(document.documentElement, {
      attributes: true, attributeFilter: ["data-mode"]
    });
  }

  function fixRegion() {
    var brands = document.querySelectorAll(".sidebar-primary-item > a.navbar-brand");
    for (var i = 0; i < brands.length; i++) {
      var holder = brands[i].parentElement;
      if (holder.closest("nav, [role=navigation], header, main, aside, footer")) continue;
      holder.setAttribute("role", "navigation");
      holder.setAttribute("aria-label", "Course home");
    }
  }

  function run() {
    fixSearch();
    fixTheme();
    fixRegion();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
