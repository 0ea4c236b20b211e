// Fills each empty <input data-browser-zone> with the browser's IANA time zone ("Asia/Karachi"): the
// sign-up and invitation forms send it, so that the new account shows times in its owner's zone from
// the start. Without scripts the field stays empty and the zone can be chosen on the account page.
export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

for (const input of document.querySelectorAll("input[data-browser-zone]")) {
  if (!input.value) input.value = browserZone();
}
