// The print button of the print pages (templates/print/actions.html): a file,
// not an inline handler, so the Content Security Policy can refuse inline script.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
