// 一表通: the custom dates of a download are shown only when the period is "自定义".
(function () {
  "use strict";
  document.querySelectorAll("[data-fill-form]").forEach((form) => {
    const select = form.querySelector("select[name=period]");
    const custom = form.querySelector("[data-custom-period]");
    if (!select || !custom) return;
    const sync = () => { custom.hidden = select.value !== "custom"; };
    select.addEventListener("change", sync);
    sync();
  });
})();
