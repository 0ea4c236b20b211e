// Shows each <time data-local datetime="...Z"> (UTC from the server) in the browser's time zone, in the
// one format Rounds writes for people (server/domain/dates.py): "7 Dec 2026, 08:30 CST". The server
// marks times so only for a reader who chose no time zone on their account (or nobody logged in):
// the others' times come written in their own zone.
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

// The zone's abbreviation as US English writes it ("CST", "UTC"; "GMT+5" where it has none).
const zoneNames = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });

/** The abbreviation of the browser's zone at `moment`: "CST", or "UTC+05" where there is none. */
export function zoneAbbreviation(moment) {
  const name = zoneNames.formatToParts(moment).find(({ type }) => type === "timeZoneName")?.value ?? "UTC";
  const offset = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(name);
  if (offset) return `UTC${offset[1]}${offset[2].padStart(2, "0")}${offset[3] ? `:${offset[3]}` : ""}`;
  return name;
}

/** "7 Dec 2026, 08:30 CST" for `moment` in the browser's time zone. */
export function formatMoment(moment) {
  const part = Object.fromEntries(parts.formatToParts(moment).map(({ type, value }) => [type, value]));
  const day = `${Number(part.day)} ${MONTHS[Number(part.month) - 1]} ${part.year}`;
  return `${day}, ${part.hour}:${part.minute} ${zoneAbbreviation(moment)}`;
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
