// The approval matrix: one button ticks every report on the page that waits and passes its checks.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("chon-tat-ca");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const boxes = [...document.querySelectorAll("input[name=bao-cao][data-passes]")];
    const tick = boxes.some((box) => !box.checked);
    boxes.forEach((box) => { box.checked = tick; });
    button.textContent = tick ? button.dataset.untick : button.dataset.label;
  });
});
