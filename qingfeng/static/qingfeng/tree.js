// The organization tree: a toggle button opens and closes its node. htmx fetches the children on the first
// click (hx-trigger="click once"); later clicks only show or hide what is already there.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  const item = button.closest("[role=treeitem]");
  const group = document.getElementById(button.getAttribute("aria-controls"));
  if (!item || !group) return;
  const open = item.getAttribute("aria-expanded") !== "true";
  item.setAttribute("aria-expanded", open ? "true" : "false");
  group.hidden = !open;
  const arrow = button.querySelector("[aria-hidden]");
  if (arrow) arrow.textContent = open ? "▾" : "▸";
});
