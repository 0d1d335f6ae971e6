/* brickgate gateway dashboard: live update and sign-in by link.
   Part of brickgate; Apache License 2.0 (see the LICENSE file next to this one). No third-party code. */
(function () {
  "use strict";

  var POLL_MS = 3000;

  // A link ending in #key=KEY signs in without the key ever reaching a URL the server (or its log) sees.
  function signInFromFragment() {
    var match = /^#key=(.+)$/.exec(window.location.hash);
    if (!match) {
      return;
    }
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    var body = new URLSearchParams();
    body.set("key", decodeURIComponent(match[1]));
    fetch("/ui/login", { method: "POST", body: body, credentials: "same-origin" }).then(function () {
      window.location.replace("/ui");
    });
  }

  function startLiveUpdates(root) {
    var lastId = root.getAttribute("data-last-id") || "0";
    var since = root.getAttribute("data-since") || "7d";
    var state = document.getElementById("live-state");

    function show(text, ok) {
      if (state) {
        state.textContent = text;
        state.className = ok ? "ok" : "bad";
      }
    }

    function poll() {
      if (document.hidden) {
        return;
      }
      var url = "/ui/live?since=" + encodeURIComponent(since) + "&after=" + encodeURIComponent(lastId);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401) {
            window.location.reload();
            return null;
          }
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (!data) {
            return;
          }
          var parts = data.sections || {};
          Object.keys(parts).forEach(function (id) {
            var element = document.getElementById(id);
            if (element) {
              element.innerHTML = parts[id];  // server-rendered, escaped fragments
            }
          });
          lastId = String(data.last_id);
          root.setAttribute("data-last-id", lastId);
          show("live", true);
        })
        .catch(function () {
          show("offline: retrying", false);
        });
    }

    window.setInterval(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("dashboard");
    if (root) {
      startLiveUpdates(root);
    } else {
      signInFromFragment();
    }
  });
})();
