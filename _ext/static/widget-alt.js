/* Alternative text for the explorers' figures.
 *
 * An explorer's figure is an ipywidgets Image, which has no alt attribute of its own. On the published page each
 * explorer ships one precomputed frame per position of its controls; this names every frame after the explorer's
 * bold title (the first HTML child of the explorer's box), so that a screen reader says which figure it is, and the
 * text around the explorer describes what it shows. Widgets render asynchronously, so new images are labelled as
 * they appear.
 */
(function () {
  "use strict";
  function titleOf(img) {
    for (var el = img.parentElement; el; el = el.parentElement) {
      var heading = el.querySelector(":scope > .widget-html b, :scope > .widget-html-content b");
      if (heading) {
        return heading.textContent.trim();
      }
      if (el.classList && el.classList.contains("cell_output")) {
        break;
      }
    }
    return "";
  }
  function label(root) {
    root.querySelectorAll("img.widget-image:not([alt]), .widget-image img:not([alt])").forEach(function (img) {
      var title = titleOf(img);
      img.alt = (title ? "Explorer \u201c" + title + "\u201d" : "Explorer") +
        ": the figure for the current settings of its controls";
    });
  }
  function start() {
    label(document);
    new MutationObserver(function () { label(document); }).observe(document.body, {childList: true, subtree: true});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
