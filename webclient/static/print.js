// A button with data-print prints the page (the certificate). A script file rather than an onclick
// attribute: the Content-Security-Policy runs no inline script.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
