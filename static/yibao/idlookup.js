// Counter forms: whose ID number is typed (accounts/admin/lookup.py). A file of its
// own: the content security policy allows no inline script.
"use strict";
(function () {
  function box(input) {
    let shown = input.parentElement.querySelector(".id-lookup");
    if (!shown) {
      shown = document.createElement("div");
      shown.className = "id-lookup";
      shown.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", shown);
    }
    return shown;
  }

  function lookUp(input) {
    const shown = box(input);
    const value = input.value.trim();
    if (value.length !== 18) {
      shown.textContent = "";
      shown.className = "id-lookup";
      return;
    }
    const form = input.form;
    const token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    const body = new URLSearchParams({ id_number: value, role: input.dataset.idLookup });
    fetch(input.dataset.lookupUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
      body: body,
    })
      .then((response) => response.json())
      .then((answer) => {
        if (input.value.trim() !== value) return; // typed on meanwhile
        const refused = !answer.found || answer.refusal;
        shown.textContent = answer.refusal ? answer.text + " — " + answer.refusal : answer.text;
        shown.className = "id-lookup " + (refused ? "refused" : "ok");
        if (answer.refusal) input.setCustomValidity(answer.refusal);
        else input.setCustomValidity("");
      })
      .catch(() => {
        shown.textContent = "";
      });
  }

  function watch(input) {
    input.addEventListener("input", () => {
      input.setCustomValidity("");
      lookUp(input);
    });
    if (input.value) lookUp(input);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-id-lookup]").forEach(watch);
  });
})();
