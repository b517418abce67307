// Ledger pages: fields shown for some activity types only, and the attendance list.
// Wired by data- attributes; loaded by the pages that need it (no inline scripts).
(function () {
  "use strict";

  function showForType(form) {
    const select = form.querySelector("[data-activity-type]");
    if (!select) return;
    form.querySelectorAll("[data-show-for]").forEach((box) => {
      const ids = box.dataset.showFor.split(" ").filter(Boolean);
      const shown = ids.includes(select.value);
      box.hidden = !shown;
      if (!shown) {
        box.querySelectorAll("input[type=checkbox]").forEach((c) => { c.checked = false; });
        box.querySelectorAll("input[type=number], select").forEach((c) => { c.value = ""; });
      }
    });
  }

  function summarize(form) {
    const out = form.querySelector("[data-attendance-summary]");
    if (!out) return;
    let present = 0, leave = 0, absent = 0;
    form.querySelectorAll("[data-member]:not([hidden])").forEach((row) => {
      if (row.querySelector("[data-leave]").checked) leave += 1;
      else if (row.querySelector("[data-present]").checked) present += 1;
      else absent += 1;
    });
    out.textContent = (out.dataset.template || "出席 {p} · 请假 {l} · 缺席 {a}")
      .replace("{p}", present).replace("{l}", leave).replace("{a}", absent);
  }

  // A 支部委员会 is for the committee and a 党小组会 for the chosen group: their members alone are listed (the
  // others are left out, not recorded absent); any other meeting lists every member. Only on a new record: an
  // edit keeps whom it was recorded for.
  function listForType(form) {
    const box = form.querySelector("[data-committee-types]");
    const select = form.querySelector("[data-activity-type]");
    if (!box || !select) return;
    const committeeMeeting = box.dataset.committeeTypes.split(" ").includes(select.value);
    const groupMeeting = (box.dataset.groupTypes || "").split(" ").includes(select.value);
    const hasCommittee = box.querySelector("[data-member][data-committee]") !== null;
    const note = box.querySelector("[data-committee-note]");
    if (note) note.hidden = !committeeMeeting;
    const picker = box.querySelector("[data-group-picker]");
    if (picker) picker.hidden = !groupMeeting;
    const chosen = picker ? picker.querySelector("[data-party-group]").value : "";
    // the chosen group's members on the meeting's day (the card is fetched again when the day changes); a group
    // with none that day lists everyone, and says so
    const group = groupMeeting && chosen && box.querySelector(`[data-member][data-group="${chosen}"]`) ? chosen : "";
    const empty = box.querySelector("[data-group-empty]");
    if (empty) empty.hidden = !(groupMeeting && chosen && !group);
    box.querySelectorAll("[data-member]").forEach((row) => {
      let listed = true;
      if (committeeMeeting) listed = !hasCommittee || row.hasAttribute("data-committee");
      else if (group) listed = row.dataset.group === group;
      row.hidden = !listed;
      row.querySelectorAll("input").forEach((input) => { input.disabled = !listed; });
    });
  }

  // A new meeting's attendance card comes again from the server when its date changes (htmx, the members,
  // committee and groups of that day): list it for the type and group chosen, and count it.
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll("[data-activity-form]").forEach((form) => { listForType(form); summarize(form); });
  });

  document.querySelectorAll("[data-activity-form]").forEach((form) => {
    showForType(form);
    summarize(form);
    form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.matches("[data-activity-type]")) { showForType(form); listForType(form); }
      if (target.matches("[data-party-group]")) listForType(form);
      const row = target.closest("[data-member]");
      if (row) {
        // 请假 and 出席 exclude each other; ticking 出席 again clears 请假.
        if (target.matches("[data-leave]") && target.checked) row.querySelector("[data-present]").checked = false;
        if (target.matches("[data-present]") && target.checked) row.querySelector("[data-leave]").checked = false;
      }
      summarize(form);
    });
  });
})();
