// The agreement counter: one beneficiary block shown, the next one on demand.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("button.add-beneficiary");
  if (!button) return;
  const hidden = () => document.querySelectorAll("fieldset.beneficiary[hidden]");
  if (!hidden().length) button.hidden = true;
  button.addEventListener("click", () => {
    const next = hidden()[0];
    if (!next) return;
    next.hidden = false;
    const first = next.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
    if (!hidden().length) button.hidden = true;
  });
});
