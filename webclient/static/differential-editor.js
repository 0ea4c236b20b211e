// The ranked differential editor: adds Move up, Move down and Remove buttons to each row of a
// [data-differential] fieldset and an "Add a diagnosis" button, and keeps the rank fields in row order.
// Without scripts the same form works by typing ranks and clearing rows.
import { enhanceAll } from "./icd10-typeahead.js";

function button(text, label, action) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "secondary small";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.dataset.action = action;
  return b;
}

function filled(row) {
  return [...row.querySelectorAll("input:not([type=checkbox]):not([data-dx-rank]), textarea")].some(
    (field) => field.value.trim() !== "",
  );
}

export function enhanceEditor(editor) {
  const list = editor.querySelector("[data-dx-rows]");
  const max = Number(editor.dataset.max || 10);
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  editor.append(status);

  const rows = () => [...list.querySelectorAll("[data-dx-row]")];
  // With the buttons, the order of the rows is the ranking: the rank fields follow it.
  list.querySelectorAll("[data-dx-rank]").forEach((rank) => (rank.readOnly = true));
  const renumber = () => {
    rows().forEach((row, i) => {
      const rank = row.querySelector("[data-dx-rank]");
      if (rank) rank.value = filled(row) || rank.value ? String(i + 1) : "";
      const position = row.querySelector("[data-dx-position]");
      if (position) position.textContent = String(i + 1);
      row.querySelectorAll("[data-action]").forEach((b) => {
        const what = b.dataset.action;
        const verb = { up: "Move up", down: "Move down", remove: "Remove" }[what];
        b.setAttribute("aria-label", `${verb}: diagnosis ${i + 1}`);
        if (what === "up") b.disabled = i === 0;
        if (what === "down") b.disabled = i === rows().length - 1;
      });
    });
    add.disabled = rows().length >= max;
  };
  const tools = (row) => {
    const box = row.querySelector("[data-dx-tools]");
    if (!box || box.childElementCount) return;
    box.append(button("Move up", "Move up", "up"), button("Move down", "Move down", "down"), button("Remove", "Remove", "remove"));
    box.hidden = false;
  };
  const blankRow = (from) => {
    const copy = from.cloneNode(true);
    const next = Math.max(...rows().map((r) => Number(r.dataset.n))) + 1;
    copy.dataset.n = String(next);
    copy.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach((el) => {
      for (const attribute of ["id", "name", "for", "aria-describedby"]) {
        const value = el.getAttribute(attribute);
        if (value) el.setAttribute(attribute, value.replace(/dx-\d+-/g, `dx-${next}-`));
      }
    });
    copy.querySelectorAll("input, textarea").forEach((field) => {
      if (field.type === "checkbox") field.checked = false;
      else field.value = "";
      field.removeAttribute("aria-invalid");
      delete field.dataset.enhanced;
      field.removeAttribute("role");
    });
    copy.querySelectorAll(".field-error, .typeahead-list").forEach((el) => el.remove());
    copy.querySelectorAll("[data-icd10-desc]").forEach((el) => (el.textContent = ""));
    copy.querySelectorAll("select").forEach((s) => (s.value = "likely"));
    copy.querySelector("[data-dx-tools]").replaceChildren();
    return copy;
  };

  const add = document.createElement("button");
  add.type = "button";
  add.className = "secondary";
  add.textContent = "Add a diagnosis";
  add.addEventListener("click", () => {
    const all = rows();
    if (all.length >= max) return;
    const row = blankRow(all[all.length - 1]);
    list.append(row);
    tools(row);
    enhanceAll(row);
    renumber();
    row.querySelector("[data-icd10] input")?.focus();
    status.textContent = `Diagnosis ${rows().length} added.`;
  });
  editor.append(add);

  list.addEventListener("click", (event) => {
    const b = event.target.closest("[data-action]");
    if (!b) return;
    const row = b.closest("[data-dx-row]");
    const action = b.dataset.action;
    if (action === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (action === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else if (action === "remove") {
      if (rows().length === 1) list.append(blankRow(row)); // keep one row to type in
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      rows().forEach(tools);
      renumber();
      next?.querySelector("[data-icd10] input")?.focus();
      status.textContent = "Diagnosis removed.";
      return;
    }
    renumber();
    b.focus();
    status.textContent = `Moved to position ${rows().indexOf(row) + 1}.`;
  });
  list.addEventListener("change", renumber);
  rows().forEach(tools);
  renumber();
}

document.querySelectorAll("[data-differential]").forEach(enhanceEditor);
