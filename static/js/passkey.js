/* Passkeys (WebAuthn): ask the server for options, let the browser make or use the credential,
   send the answer back. Without JavaScript (or WebAuthn) the panels stay hidden and the
   authenticator-app form works alone. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(bin, function (c) { return c.charCodeAt(0); });
  }
  function toText(buffer) {
    var bin = String.fromCharCode.apply(null, new Uint8Array(buffer));
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function ids(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBytes(c.id) }); });
  }
  function post(url, body) {
    var token = document.getElementById("csrf-token");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      // A step-up or a new log-in is needed: go where the server sends us.
      if (response.redirected) { window.location.assign(response.url); throw new Error("moved"); }
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || "refused");
        return data;
      });
    });
  }
  function credentialJSON(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: toText(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || null,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toText(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      if (r.userHandle) out.response.userHandle = toText(r.userHandle);
    }
    return out;
  }
  function wire(button, run) {
    var panel = button.closest("[data-passkey-panel]");
    var error = panel && panel.querySelector("[data-passkey-error]");
    if (panel) panel.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      if (error) error.hidden = true;
      run(button).then(function (data) { window.location.assign(data.redirect); })
        .catch(function (e) {
          button.disabled = false;
          if (error && e.message !== "moved") error.hidden = false;
        });
    });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (button) {
    wire(button, function () {
      return post(button.dataset.options).then(function (o) {
        o.challenge = toBytes(o.challenge);
        o.user.id = toBytes(o.user.id);
        o.excludeCredentials = ids(o.excludeCredentials);
        return navigator.credentials.create({ publicKey: o });
      }).then(function (cred) {
        var name = document.getElementById("passkey-name");
        return post(button.dataset.verify, {
          credential: credentialJSON(cred), name: name ? name.value : ""
        });
      });
    });
  });

  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (button) {
    wire(button, function () {
      return post(button.dataset.options).then(function (o) {
        o.challenge = toBytes(o.challenge);
        o.allowCredentials = ids(o.allowCredentials);
        return navigator.credentials.get({ publicKey: o });
      }).then(function (cred) {
        return post(button.dataset.verify, {
          credential: credentialJSON(cred), next: button.dataset.next || ""
        });
      });
    });
  });
})();
