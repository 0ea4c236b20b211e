// The schedule form takes the start in the browser's local time; the server stores UTC. On submit,
// fill the hidden utc_offset_minutes with this zone's offset *for the chosen date* (daylight saving
// may differ from today's). Without scripts the field stays empty and the server reads UTC.
for (const form of document.querySelectorAll("form[data-visit-schedule]")) {
  const start = form.querySelector("input[name=local_start]");
  const offset = form.querySelector("input[data-utc-offset]");
  const help = form.querySelector("[data-offset-help]");
  if (help) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    help.textContent = `In your own time zone${zone ? ` (${zone})` : ""}.`;
  }
  form.addEventListener("submit", () => {
    const local = new Date(start.value); // "YYYY-MM-DDTHH:MM" is read as local time
    offset.value = Number.isNaN(local.getTime()) ? "" : String(-local.getTimezoneOffset());
  });
}
