// The SPARQL editor page: YASGUI (vendored in ./yasgui) pointed at this server's
// /sparql. Nothing is fetched from elsewhere: the LOV class/property
// autocompleters (which call an external web service) are switched off, the
// endpoint list holds only this endpoint, and the tab state is not persisted
// (a store served on another port must not inherit a stale endpoint).
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || typeof window.Yasgui === "undefined") {
    return;
  }
  document.documentElement.classList.add("has-yasgui");
  var endpoint = new URL(el.getAttribute("data-endpoint"), window.location.href).href;
  var Yasqe = window.Yasgui.Yasqe;
  if (Yasqe && Yasqe.defaults && Array.isArray(Yasqe.defaults.autocompleters)) {
    Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
      return name !== "class" && name !== "property";
    });
  }
  var config = {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
    },
    yasqe: { value: el.getAttribute("data-example") || "" },
  };
  window.kgraphYasgui = new window.Yasgui(el, config);
})();
