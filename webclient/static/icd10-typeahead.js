// ICD-10-CM type-ahead for every <div data-icd10> holding a code <input> and a [data-icd10-desc]
// line. Asks GET /api/v1/icd10?q= as you type and offers the codes in a listbox (ARIA combobox:
// arrow keys move, Enter or a click chooses, Escape closes). Choosing puts the code in the input and
// its description under it. Without scripts the input is a plain text field: type the code.
const DELAY_MS = 150;
const LIMIT = 8;
let counter = 0;

/** Turn one [data-icd10] block into a combobox. */
export function enhance(block) {
  const input = block.querySelector("input");
  const description = block.querySelector("[data-icd10-desc]");
  if (!input || input.dataset.enhanced) return;
  input.dataset.enhanced = "true";
  const listId = `icd10-list-${++counter}`;
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "typeahead-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Matching ICD-10-CM codes");
  list.hidden = true;
  block.append(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let timer = 0;
  let active = -1;
  let results = [];
  let asked = 0;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const choose = (index) => {
    const found = results[index];
    if (!found) return;
    input.value = found.code;
    if (description) description.textContent = found.description;
    close();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const show = (found) => {
    results = found;
    list.replaceChildren();
    if (!found.length) {
      close();
      if (description) description.textContent = "No matching code.";
      return;
    }
    found.forEach((item, i) => {
      const option = document.createElement("li");
      option.id = `${listId}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.code = item.code;
      const code = document.createElement("strong");
      code.textContent = item.code;
      option.append(code, ` ${item.description}`);
      option.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus in the input
        choose(i);
      });
      list.append(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
    if (description) description.textContent = `${found.length} matching codes: use the arrow keys to choose.`;
  };
  const search = async () => {
    const query = input.value.trim();
    if (query.length < 2) {
      close();
      return;
    }
    const ticket = ++asked;
    try {
      const response = await fetch(`/api/v1/icd10?q=${encodeURIComponent(query)}&limit=${LIMIT}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok || ticket !== asked) return;
      show(await response.json());
    } catch {
      close(); // offline: the field still takes a typed code
    }
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    if (description) description.textContent = "";
    timer = window.setTimeout(search, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) {
      if (event.key === "ArrowDown" && input.value.trim().length >= 2) {
        event.preventDefault();
        search();
      }
      return;
    }
    const count = results.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter") {
      if (active >= 0) {
        event.preventDefault(); // choose, do not submit the form
        choose(active);
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 100));
}

/** Enhance every type-ahead under `root` (also called for rows added later). */
export function enhanceAll(root = document) {
  root.querySelectorAll("[data-icd10]").forEach(enhance);
}

enhanceAll();
