// The form and the case it holds: the rows of expenses, each scheme's own fields (from
// schemes.json alone), and the case in the public case-file format (readCase), filled from a case the
// engine has checked (fillForm). Errors are shown at their fields here; result.mjs lists them.
import { $, element, has, schemeInfo, site, STATUS_WORDS } from "./page.mjs";

const form = $("sim-form");
const schemeSelect = $("sim-scheme");
const itemsBox = $("sim-items");
const itemTemplate = $("sim-item-template");

// The example 「例を入れる」 puts in, for the chosen scheme: a row of its first category, and the
// facility's facts its caps need. It replaces what is in the form, as opening a file does.
export function exampleCase(scheme) {
  const category = scheme.categories.find((c) => c.counted);
  const data = { scheme: scheme.id, items: [] };
  if (scheme.staff.required) data.ict_staff_fte = "10";
  if (scheme.capacity.required) data.capacity = 10;
  if (category) {
    data.items.push({ category: category.id, name: `（例）${category.name}`, amount_yen: "80万円", consumption_tax_yen: "8万円" });
  }
  return data;
}

// What the form shows of a case; every other field of an opened case is kept as the file has it.
const FORM_FIELDS = [
  "scheme",
  "ict_staff_fte",
  "capacity",
  "application_type",
  "ikkan_achieved",
  "higher_rate_conditions",
  "service_type",
  "prior_subsidy_yen",
  "items",
];
// A row's fields: these, and every item flag a scheme defines (added from schemes.json by buildForm()).
let ROW_FIELDS = [
  "category",
  "name",
  "amount_yen",
  "consumption_tax_yen",
  "payment",
  "kind",
  "quantity",
  "unit_amount_yen",
  "monthly_amount_yen",
  "first_payment_month",
  "payment_count",
];
let flagIds = []; // every item flag of every scheme, in order of first appearance
let rowMap = []; // rowMap[n] is the row behind the case's items[n] (readCase)
// The case as data: the last case opened (a file, a link, the example). The form changes only the
// fields it shows; every other field is computed, saved and shared as it is.
let opened = { scheme: "", items: [] };
// For each control, what fillForm put in it and the file's own value: a control left as filled gives
// back the file's value exactly (a number stays a number, an absent key stays absent).
let filled = new WeakMap();
let rowItems = new WeakMap(); // row -> the file's item behind it (absent for a row added in the page)
let rowCount = 0; // makes each row's ids unique
let conditionsFilled = null; // {checked: "a,b", present, value}

// Build what comes from schemes.json (once, after main() has loaded it): the flags every row offers,
// each scheme's own fields, the service names.
export function buildForm() {
  flagIds = [...new Set(site.formData.schemes.flatMap((s) => s.flags.map((f) => f.id)))];
  ROW_FIELDS = [...ROW_FIELDS, ...flagIds];
  buildSchemeFields();
  $("sim-services").replaceChildren(...(site.formData.services || []).map((name) => new Option(name)));
}

// A change the form makes itself (a row removed) is an edit like a typed one: simulator.mjs listens.
function edited() {
  form.dispatchEvent(new Event("input"));
}

// A row for `values` (an item of the case file, or nothing for a new row), numbered `n` (from 0).
// Building n rows is linear: a row is numbered and hinted once, and only a removal renumbers.
export function makeRow(values, n) {
  const row = itemTemplate.content.firstElementChild.cloneNode(true);
  const uid = `sim-item-${(rowCount += 1)}`;
  // A checkbox for each item flag; hintRow gives it the chosen scheme's words, or hides it.
  const flags = row.querySelector(".sim-item__flags");
  for (const id of flagIds) {
    const box = document.createElement("div");
    box.className = "sim-check";
    box.dataset.flag = id;
    const input = document.createElement("input");
    input.type = "checkbox";
    input.dataset.name = id;
    const label = document.createElement("label");
    label.dataset.for = id;
    box.append(input, label);
    flags.appendChild(box);
  }
  // The kinds the row's category has must be options before the file's kind is put in.
  const scheme = schemeInfo(schemeSelect.value);
  if (scheme) fillCategories(row, scheme);
  if (values && scheme) {
    const select = row.querySelector('[data-name="category"]');
    if (has(values, "category") && ![...select.options].some((o) => o.value === String(values.category))) {
      select.append(new Option(String(values.category), String(values.category)));
    }
    fillKinds(row, scheme, values.category);
  }
  row.querySelectorAll("[data-name]").forEach((control) => {
    const name = control.dataset.name;
    control.id = `${uid}-${name}`;
    const error = row.querySelector(`[data-error="${name}"]`);
    if (error) {
      error.id = `${uid}-${name}-error`;
      control.setAttribute("aria-describedby", error.id);
    }
    const label = row.querySelector(`[data-for="${name}"]`);
    if (label) label.setAttribute("for", control.id);
    if (values) fillControl(control, values, name);
  });
  if (values) rowItems.set(row, values);
  for (const name of ["category", "payment"]) {
    const hint = row.querySelector(`[data-hint="${name}"]`);
    hint.id = `${uid}-${name}-hint`;
    row.querySelector(`[data-name="${name}"]`).setAttribute("aria-describedby", `${hint.id} ${uid}-${name}-error`);
  }
  row.querySelector(".sim-item__remove").addEventListener("click", () => {
    // Focus must not fall back to the page's start: it goes to the row that takes this one's place,
    // or the one before it, or the button that adds a row.
    const neighbour = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    (neighbour ? neighbour.querySelector('[data-name="category"]') : $("sim-add-item")).focus();
    renumberRows();
    edited();
  });
  numberRow(row, n);
  hintRow(row, scheme);
  return row;
}

export function addRow() {
  const row = makeRow(null, itemsBox.children.length);
  itemsBox.appendChild(row);
  return row;
}

function numberRow(row, n) {
  row.querySelector(".sim-item__legend").textContent = `経費 ${n + 1}`;
  row.querySelector(".sim-item__remove").setAttribute("aria-label", `この行を削除（経費 ${n + 1}）`);
}

function renumberRows() {
  [...itemsBox.children].forEach(numberRow);
}

// The kind select offers the kinds the scheme defines for `categoryId` (none: the field hides); a kind
// already chosen stays chosen while the new list has it.
function fillKinds(row, scheme, categoryId) {
  const select = row.querySelector('[data-name="kind"]');
  const category = scheme.categories.find((c) => c.id === categoryId);
  const kinds = category ? category.kinds : [];
  const current = select.value;
  const options = kinds.map((kind) => new Option(kind.title, kind.id));
  select.replaceChildren(select.options[0], ...options);
  if (kinds.some((kind) => kind.id === current)) select.value = current;
  row.querySelector('[data-shown-for="kind"]').hidden = !kinds.length && !select.value;
}

function hintRow(row, scheme) {
  if (!scheme) return;
  fillCategories(row, scheme);
  const id = row.querySelector('[data-name="category"]').value;
  const category = scheme.categories.find((c) => c.id === id);
  row.querySelector('[data-hint="category"]').textContent = category
    ? `${scheme.name}: ${category.counted ? "" : `${STATUS_WORDS.excluded} – `}${category.title}。${category.hint}`
    : "";
  const payment = row.querySelector('[data-name="payment"]').value;
  row.querySelector('[data-hint="payment"]').textContent = scheme.payments[payment] || "";
  fillKinds(row, scheme, id);
  // Monthly amount and first month: for a lease or monthly payment (or where the file gives them).
  const monthly = row.querySelector('[data-shown-for="monthly"]');
  const given = [...monthly.querySelectorAll("input")].some((input) => input.value.trim());
  monthly.hidden = payment === "purchase" && !given;
  // Each flag in the scheme's own words; a flag the scheme does not have is hidden (unless ticked).
  for (const box of row.querySelectorAll("[data-flag]")) {
    const flag = scheme.flags.find((f) => f.id === box.dataset.flag);
    const input = box.querySelector("input");
    box.querySelector("label").textContent = flag ? flag.title : box.dataset.flag;
    box.hidden = !flag && !input.checked;
  }
}

export function updateHints() {
  const scheme = schemeInfo(schemeSelect.value);
  itemsBox.querySelectorAll(".sim-item").forEach((row) => hintRow(row, scheme));
}

export function showSchemeFields() {
  document.querySelectorAll("[data-scheme-only]").forEach((element) => {
    element.hidden = element.dataset.schemeOnly !== schemeSelect.value;
  });
  // 一気通貫 only where the chosen scheme's categories depend on it (or a file has it ticked).
  const scheme = schemeInfo(schemeSelect.value);
  $("sim-ikkan-field").hidden = Boolean(scheme) && scheme.ikkan === false && !$("sim-ikkan").checked;
  updateHints();
}

export function staffInput(schemeId) {
  return $(`sim-staff-${schemeId}`);
}

export function capacityInput(schemeId) {
  return $(`sim-capacity-${schemeId}`);
}

export function applicationSelect(schemeId) {
  return $(`sim-application-${schemeId}`);
}

// A labelled field with its hint and its error box; `control` gets the ids.
function field(id, label, control, hint) {
  control.id = id;
  control.setAttribute("aria-describedby", `${id}-hint ${id}-error`);
  return element(
    "div",
    { class: "sim-field" },
    element("label", { for: id }, label),
    control,
    element("p", { class: "sim-hint", id: `${id}-hint` }, hint),
    element("p", { class: "sim-error", id: `${id}-error`, hidden: "" }),
  );
}

// Each scheme's own fields, from schemes.json alone: the head count where a cap (the scheme's or a
// menu's) goes by staff, the capacity where a menu counts units up to it, the ways to apply where the
// scheme has more than one, and the conditions that raise the rate. Only the chosen scheme's show.
export function buildSchemeFields() {
  const fields = [];
  const conditions = [];
  for (const scheme of site.formData.schemes) {
    const box = element("div", { "data-scheme-only": scheme.id });
    if (scheme.staff.required) {
      const input = element("input", { class: "sim-staff", inputmode: "decimal", "data-field": "ict_staff_fte", placeholder: "例: 12" });
      box.append(field(`sim-staff-${scheme.id}`, scheme.staff.label, input, `${scheme.staff.note ? `${scheme.staff.note} ` : ""}${scheme.staff.hint}`));
    }
    if (scheme.capacity.required) {
      const input = element("input", { class: "sim-capacity", inputmode: "numeric", "data-field": "capacity", "data-integer": "", placeholder: "例: 30" });
      box.append(field(`sim-capacity-${scheme.id}`, scheme.capacity.label, input, scheme.capacity.hint));
    }
    if (scheme.application_types.length) {
      const select = element("select", { class: "sim-application", "data-field": "application_type" });
      select.append(new Option(scheme.standard_application, ""), ...scheme.application_types.map((t) => new Option(t.title, t.id)));
      const hint = scheme.application_types.map((t) => `${t.title}: ${t.text}`).join(" ");
      box.append(field(`sim-application-${scheme.id}`, "申請の型", select, hint));
    }
    if (box.childElementCount) fields.push(box);
    if (scheme.conditions.length) {
      const set = element("fieldset", { class: "sim-conditions", "data-scheme-only": scheme.id }, element("legend", {}, scheme.conditions_legend));
      for (const c of scheme.conditions) {
        const id = `sim-cond-${scheme.id}-${c.id}`;
        const input = element("input", { type: "checkbox", id, class: "sim-condition", value: c.id, "data-field": "higher_rate_conditions" });
        set.append(element("div", { class: "sim-check" }, input, element("label", { for: id }, `${c.label} ${c.title}: ${c.text}`)));
      }
      conditions.push(set);
    }
  }
  $("sim-scheme-fields").replaceChildren(...fields);
  $("sim-scheme-conditions").replaceChildren(...conditions);
}

// The row's category select offers the chosen scheme's categories, grouped by menu where the scheme
// has menus, then those it excludes by name (対象外). A value the scheme does not know stays as it is
// (from a file of another scheme): the engine then names it at the field, nothing is changed silently.
function fillCategories(row, scheme) {
  const select = row.querySelector('[data-name="category"]');
  if (row.dataset.scheme === scheme.id) return;
  row.dataset.scheme = scheme.id;
  const current = select.value;
  const option = (c) => new Option(c.counted ? c.title : `${c.title}（${STATUS_WORDS.excluded}）`, c.id);
  const counted = scheme.categories.filter((c) => c.counted);
  const groups = scheme.menus.length
    ? scheme.menus.map((menu) => {
        const group = element("optgroup", { label: menu.title });
        group.append(...counted.filter((c) => c.menu === menu.id).map(option));
        return group;
      })
    : counted.map(option);
  const excluded = scheme.categories.filter((c) => !c.counted);
  if (excluded.length) {
    const group = element("optgroup", { label: `${STATUS_WORDS.excluded}（補助の対象になりません）` });
    group.append(...excluded.map(option));
    groups.push(group);
  }
  select.replaceChildren(...groups);
  if (current && !scheme.categories.some((c) => c.id === current)) select.append(new Option(current, current));
  if (current) select.value = current;
}

export function anyStaffValue() {
  const filled = [...document.querySelectorAll(".sim-staff")].find((input) => input.value.trim());
  return filled ? filled.value.trim() : "";
}

// 「4万円×5台」 typed as the amount is a unit price times a quantity: the row's unit price and quantity
// fields take the two (the engine then computes the amount, as for a file with unit_amount_yen), so
// the user sees what was understood. Anything else stays as typed, for the engine to read or refuse.
export const TIMES = /^\s*(.+?)\s*[×xX✕*＊]\s*([0-9０-９]{1,6})\s*(?:台|個|式|点|本|枚|セット|ライセンス|人分)?\s*$/;

export function splitUnitPrice(input) {
  const found = TIMES.exec(input.value);
  if (!found) return false;
  const row = input.closest(".sim-item");
  row.querySelector('[data-name="unit_amount_yen"]').value = found[1];
  row.querySelector('[data-name="quantity"]').value = found[2].normalize("NFKC");
  input.value = "";
  return true;
}

// --- the case as data ---------------------------------------------------------------------------

// Put the case's `key` into `control`, remembering what was put there and the file's own value.
function fillControl(control, data, key) {
  const present = has(data, key);
  const value = present ? data[key] : undefined;
  if (control.type === "checkbox") {
    control.checked = value === true;
    filled.set(control, { shown: control.checked, present, value });
  } else {
    if (control.tagName === "SELECT") {
      if (present && value !== null) control.value = String(value);
      else control.selectedIndex = 0;
    } else {
      control.value = present && value !== null ? String(value) : "";
    }
    filled.set(control, { shown: control.value, present, value });
  }
}

// Write `control`'s value to the case's `key`: the file's value while the control is as it was
// filled, else what is in it now (an empty box removes the key, as a key left out of a file).
function readControl(control, data, key) {
  const record = filled.get(control);
  const now = control.type === "checkbox" ? control.checked : control.value;
  if (record && record.shown === now) {
    if (record.present) data[key] = record.value;
    else delete data[key];
  } else if (control.type === "checkbox") {
    data[key] = now;
  } else if (now.trim()) {
    // A count (quantity, payment_count) is an integer in the case file; digits become one.
    const digits = now.trim().normalize("NFKC");
    data[key] = "integer" in control.dataset && /^\d{1,6}$/.test(digits) ? Number(digits) : now.trim();
  } else {
    delete data[key];
  }
}

export function conditionBoxes(schemeId) {
  return [...document.querySelectorAll(`[data-scheme-only="${schemeId}"] .sim-condition`)];
}

// The case, in the public case-file format: the opened case with the form's fields written over it.
// rowMap[n] is the row behind items[n].
export function readCase() {
  const data = structuredClone(opened);
  const scheme = schemeSelect.value;
  data.scheme = scheme;
  const staff = staffInput(scheme);
  if (staff) readControl(staff, data, "ict_staff_fte");
  const capacity = capacityInput(scheme);
  if (capacity) readControl(capacity, data, "capacity");
  const application = applicationSelect(scheme);
  if (application) readControl(application, data, "application_type");
  readControl($("sim-ikkan"), data, "ikkan_achieved");
  const boxes = conditionBoxes(scheme);
  if (boxes.length) {
    const checked = boxes.filter((box) => box.checked).map((box) => box.value);
    const record = conditionsFilled && conditionsFilled.scheme === scheme ? conditionsFilled : null;
    if (record && record.checked === [...checked].sort().join(",")) {
      if (record.present) data.higher_rate_conditions = record.value;
      else delete data.higher_rate_conditions;
    } else {
      data.higher_rate_conditions = checked;
    }
  }
  readControl($("sim-service"), data, "service_type");
  readControl($("sim-prior"), data, "prior_subsidy_yen");
  data.items = [];
  rowMap = [];
  itemsBox.querySelectorAll(".sim-item").forEach((row) => {
    const base = rowItems.get(row);
    const value = (name) => row.querySelector(`[data-name="${name}"]`).value.trim();
    // A row added here and left blank is no expense yet; a row of the file is always kept.
    if (!base && !["name", "amount_yen", "unit_amount_yen", "consumption_tax_yen", "monthly_amount_yen"].some((n) => value(n))) return;
    const item = base ? structuredClone(base) : {};
    for (const name of ROW_FIELDS) readControl(row.querySelector(`[data-name="${name}"]`), item, name);
    // 「4万円×5台」 still in the amount box (the box is split when it loses focus): the same case.
    const times = typeof item.amount_yen === "string" ? TIMES.exec(item.amount_yen) : null;
    if (times) {
      delete item.amount_yen;
      item.unit_amount_yen = times[1];
      item.quantity = Number(times[2].normalize("NFKC"));
    }
    if (!base) {
      // A new row writes what the form shows, as before: category, name, amount and payment always
      // (the amount may be left out where the monthly amount gives it).
      for (const name of ["category", "name", "amount_yen", "payment"]) item[name] = value(name);
      if (times) delete item.amount_yen;
      if (!item.amount_yen && (value("monthly_amount_yen") || value("unit_amount_yen") || times)) delete item.amount_yen;
      for (const id of flagIds) if (!item[id]) delete item[id];
    }
    data.items.push(item);
    rowMap.push(row);
  });
  return data;
}

// Fill the form from a case that the engine has read and checked (calculator/_web.py): only a whole,
// valid case ever gets here, so the form never shows half of one.
export function fillForm(data) {
  opened = structuredClone(data);
  filled = new WeakMap();
  rowItems = new WeakMap();
  schemeSelect.value = schemeInfo(data.scheme) ? data.scheme : site.formData.schemes[0].id;
  // One head count for the facility, whichever scheme's box shows it.
  document.querySelectorAll(".sim-staff").forEach((input) => fillControl(input, data, "ict_staff_fte"));
  document.querySelectorAll(".sim-capacity").forEach((input) => fillControl(input, data, "capacity"));
  document.querySelectorAll(".sim-application").forEach((select) => fillControl(select, data, "application_type"));
  fillControl($("sim-ikkan"), data, "ikkan_achieved");
  const conditions = Array.isArray(data.higher_rate_conditions) ? data.higher_rate_conditions : [];
  document.querySelectorAll(".sim-condition").forEach((input) => {
    input.checked = input.closest("[data-scheme-only]").dataset.schemeOnly === schemeSelect.value && conditions.includes(input.value);
  });
  conditionsFilled = {
    scheme: schemeSelect.value,
    checked: [...conditions].sort().join(","),
    present: has(data, "higher_rate_conditions"),
    value: data.higher_rate_conditions,
  };
  fillControl($("sim-service"), data, "service_type");
  fillControl($("sim-prior"), data, "prior_subsidy_yen");
  const rows = document.createDocumentFragment();
  (Array.isArray(data.items) ? data.items : []).forEach((item, n) => rows.appendChild(makeRow(item, n)));
  itemsBox.replaceChildren(rows);
  if (!itemsBox.children.length) addRow();
  showSchemeFields();
}

// The fields of the case that the form does not show, listed under it: they are computed and saved
// as the file has them, and the user can see that they are there.
export function showKept(data) {
  const box = $("sim-kept");
  const list = $("sim-kept-list");
  const shown = new Set(FORM_FIELDS);
  if (!staffInput(data.scheme)) shown.delete("ict_staff_fte");
  if (!conditionBoxes(data.scheme).length) shown.delete("higher_rate_conditions");
  if (!capacityInput(data.scheme)) shown.delete("capacity");
  if (!applicationSelect(data.scheme)) shown.delete("application_type");
  const entries = Object.keys(data)
    .filter((key) => !shown.has(key))
    .map((key) => [key, data[key]]);
  (Array.isArray(data.items) ? data.items : []).forEach((item, n) => {
    if (item && typeof item === "object") {
      for (const key of Object.keys(item)) if (!ROW_FIELDS.includes(key)) entries.push([`経費 ${n + 1}: ${key}`, item[key]]);
    }
  });
  const items = entries.slice(0, 50).map(([name, value]) => {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = name;
    const text = JSON.stringify(value) ?? "";
    li.append(code, ` = ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`);
    return li;
  });
  if (entries.length > 50) {
    const li = document.createElement("li");
    li.textContent = `ほか ${entries.length - 50} 項目`;
    items.push(li);
  }
  list.replaceChildren(...items);
  box.hidden = !entries.length;
}

// --- errors at their fields ---------------------------------------------------------------------

export function clearErrors() {
  form.querySelectorAll(".sim-error").forEach((element) => {
    element.hidden = true;
    element.textContent = "";
  });
  form.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
}

export function controlFor(field) {
  const item = /^items\[(\d+)\]\.(\w+)$/.exec(field);
  if (item) {
    const row = rowMap[Number(item[1])];
    if (!row) return null;
    return row.querySelector(`[data-name="${item[2]}"]`) || row.querySelector('[data-name="amount_yen"]');
  }
  if (field === "ict_staff_fte") return staffInput(schemeSelect.value);
  if (field === "capacity") return capacityInput(schemeSelect.value);
  if (field === "application_type") return applicationSelect(schemeSelect.value);
  if (field === "prior_subsidy_yen" || field === "prior_subsidy_count") return $("sim-prior");
  if (field === "service_type") return $("sim-service");
  if (field === "scheme") return schemeSelect;
  if (field.startsWith("higher_rate_conditions")) {
    return document.querySelector(`[data-scheme-only="${schemeSelect.value}"] .sim-condition`);
  }
  return null;
}

export function labelOf(control) {
  const legend = control.closest(".sim-item")?.querySelector(".sim-item__legend")?.textContent;
  const label = control.labels && control.labels.length ? control.labels[0].textContent.trim() : control.name;
  return legend ? `${legend} の${label}` : label;
}
