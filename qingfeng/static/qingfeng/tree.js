// The organization tree: each node's toggle is a disclosure button. htmx fetches the children on the first
// click (hx-trigger="click once"); later clicks only show or hide what is already there.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  const group = document.getElementById(button.getAttribute("aria-controls"));
  if (!group) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", open ? "true" : "false");
  group.hidden = !open;
  const arrow = button.querySelector("[aria-hidden]");
  if (arrow) arrow.textContent = open ? "▾" : "▸";
});
