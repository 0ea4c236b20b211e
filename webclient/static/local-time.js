// Shows each <time data-local datetime="...Z"> (UTC from the server) in the browser's time zone, in the
// one format Rounds writes for people (server/domain/dates.py): "7 Dec 2026, 14:30".
// The month's name from this list, not the locale's ("Sep", never "Sept"), so that it matches the server.
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const parts = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "numeric",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "7 Dec 2026, 14:30" for `moment` in the browser's time zone. */
export function formatMoment(moment) {
  const part = Object.fromEntries(parts.formatToParts(moment).map(({ type, value }) => [type, value]));
  return `${Number(part.day)} ${MONTHS[Number(part.month) - 1]} ${part.year}, ${part.hour}:${part.minute}`;
}

/** Rewrite the text of every UTC <time data-local> under `root` in local time. */
export function localizeTimes(root = document) {
  for (const element of root.querySelectorAll("time[data-local]")) {
    const moment = new Date(element.dateTime);
    if (Number.isNaN(moment.getTime())) continue;
    element.title = `${element.textContent.trim()}`;
    element.textContent = formatMoment(moment);
  }
}

localizeTimes();
