// Asks before a button with data-confirm submits its form (withdraw, decline, deny...).
// Without scripts the form simply submits: this only adds a safety net.
document.addEventListener("submit", (event) => {
  const question = event.submitter?.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
