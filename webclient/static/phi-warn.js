// Warn as you type: free-text fields marked data-phi-check are sent to POST /api/v1/phi/check a
// moment after the typing stops, and what the server's PHI guard would refuse is shown under the field.
// Only a warning: the server checks again on save, and refuses. Nothing is stored by the check.
// A form written in a record whose own people may be named (an evaluation, feedback, a letter) carries
// data-phi-record="kind:id"; the check names that record and the server looks up whose names it allows,
// as the save does. The page never sends names to allow.

const PAUSE_MS = 700;
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

/** The server counts offsets in Unicode code points; JavaScript strings count UTF-16 units. */
function slice(text, start, end) {
  return Array.from(text).slice(start, end).join("");
}

function warningFor(field) {
  let box = document.getElementById(`${field.id}-phi`);
  if (!box) {
    box = document.createElement("p");
    box.id = `${field.id}-phi`;
    box.className = "phi-warning";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", box);
  }
  return box;
}

/** The record a field is written in ({kind, id}), from data-phi-record="kind:id" on it or its form. */
export function recordOf(field) {
  const value = field.closest("[data-phi-record]")?.dataset.phiRecord ?? "";
  const match = /^(enrollment|letter):(\d+)$/.exec(value);
  return match ? { kind: match[1], id: Number(match[2]) } : null;
}

async function check(field) {
  const text = field.value;
  const box = warningFor(field);
  const record = recordOf(field);
  if (!text.trim()) {
    box.replaceChildren();
    return;
  }
  let answer;
  try {
    const response = await fetch("/api/v1/phi/check", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
      body: JSON.stringify(record ? { text, record } : { text }),
      credentials: "same-origin",
    });
    if (!response.ok) return; // the save will check anyway; never block typing on the check
    answer = await response.json();
  } catch {
    return;
  }
  if (field.value !== text) return; // typed on meanwhile: a newer check follows
  if (answer.clean) {
    box.replaceChildren();
    return;
  }
  const items = answer.findings.map((finding) => {
    const item = document.createElement("li");
    const quote = document.createElement("q");
    quote.textContent = slice(text, finding.start, finding.end);
    item.append(quote, ` ${finding.reason}`);
    return item;
  });
  const list = document.createElement("ul");
  list.append(...items);
  box.replaceChildren("This looks like patient information and will be refused when you save:", list);
}

for (const field of document.querySelectorAll("[data-phi-check]")) {
  let timer;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => check(field), PAUSE_MS);
  });
  field.addEventListener("blur", () => {
    clearTimeout(timer);
    check(field);
  });
}
