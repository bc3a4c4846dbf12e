/* Let ipywidgets typeset with MathJax 3.
 *
 * The widget controls call the MathJax 2 API, MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]), whenever
 * window.MathJax exists. The book serves MathJax 3, which has no Hub, so every widget label threw a TypeError.
 * This provides Hub.Queue on top of MathJax 3's typesetPromise, both on the configuration object (before MathJax
 * has loaded: elements wait) and on MathJax itself once it is ready. Loaded after Sphinx's MathJax configuration
 * and before the deferred MathJax script; does nothing on pages without math.
 */
(function () {
  "use strict";
  if (window.MathJax === undefined) {
    return;
  }
  var pending = [];
  function typeset(elements) {
    window.MathJax.typesetPromise(elements).catch(function (err) {
      console.warn("MathJax could not typeset a widget label:", err);
    });
  }
  var hub = {
    Queue: function (job) {
      var element = job && job[2];
      if (!element) {
        return;
      }
      if (typeof window.MathJax.typesetPromise === "function") {
        typeset([element]);
      } else {
        pending.push(element);
      }
    },
  };
  var config = window.MathJax;
  config.Hub = hub;
  config.startup = config.startup || {};
  var userReady = config.startup.ready;
  config.startup.ready = function () {
    if (typeof userReady === "function") {
      userReady();
    } else {
      window.MathJax.startup.defaultReady();
    }
    window.MathJax.Hub = hub;
    window.MathJax.startup.promise.then(function () {
      if (pending.length) {
        typeset(pending.splice(0));
      }
    });
  };
})();
