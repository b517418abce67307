// Behaviour wired by data- attributes; no inline scripts (the CSP forbids them).
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form && event.target.matches("select, input[type=checkbox], input[type=radio]")) {
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
// Tables read as cards on phones (app.css): each cell carries its column's name as data-label.
function qfLabelCells(root) {
  root.querySelectorAll("table.table:not(.qf-grid)").forEach((table) => {
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    const names = [];
    for (const th of head.cells) {
      for (let i = 0; i < (th.colSpan || 1); i += 1) names.push(th.textContent.trim());
    }
    for (const body of [...table.tBodies, ...(table.tFoot ? [table.tFoot] : [])]) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.hasAttribute("data-label") && names[column] !== undefined && (cell.colSpan || 1) === 1) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        }
      }
    }
  });
}
qfLabelCells(document);
document.addEventListener("htmx:load", () => qfLabelCells(document));
