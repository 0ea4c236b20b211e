// Shows each <time data-local datetime="...Z"> (UTC from the server) in the browser's time zone.
const format = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});

/** Rewrite the text of every UTC <time data-local> under `root` in local time. */
export function localizeTimes(root = document) {
  for (const element of root.querySelectorAll("time[data-local]")) {
    const moment = new Date(element.dateTime);
    if (Number.isNaN(moment.getTime())) continue;
    element.title = `${element.textContent.trim()}`;
    element.textContent = format.format(moment);
  }
}

localizeTimes();
