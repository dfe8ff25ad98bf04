// Create: at most the allowed number of characters can be ticked; the form itself is posted by app.js.
export function start() {
  limitCharacters(document);
}

export function limitCharacters(root) {
  const boxes = [...root.querySelectorAll('input[name="characters[][id]"]')];
  const hint = root.querySelector("#characters .hint");
  const max = hint ? Number((hint.textContent.match(/\d+/) || ["2"])[0]) : 2;
  const sync = () => {
    const ticked = boxes.filter((box) => box.checked).length;
    boxes.forEach((box) => { box.disabled = !box.checked && ticked >= max; });
  };
  boxes.forEach((box) => box.addEventListener("change", sync));
  sync();
}
