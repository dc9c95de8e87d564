// The review app's only script: marking entities in inbox examples, and training progress.
"use strict";

function renderMarks(example, marks) {
  const text = example.dataset.text;
  example.textContent = "";
  let position = 0;
  for (const m of [...marks].sort((a, b) => a.start - b.start)) {
    example.append(text.slice(position, m.start));
    const mark = document.createElement("mark");
    mark.className = "entity";
    mark.textContent = text.slice(m.start, m.end);
    const label = document.createElement("sup");
    label.textContent = m.entity + (m.value ? "=" + m.value : "");
    mark.append(label);
    example.append(mark);
    position = m.end;
  }
  example.append(text.slice(position));
}

function offsetIn(example, node, offset) {
  // Characters of the example's text before (node, offset), ignoring the entity labels.
  const range = document.createRange();
  range.selectNodeContents(example);
  range.setEnd(node, offset);
  const fragment = range.cloneContents();
  fragment.querySelectorAll("sup").forEach((sup) => sup.remove());
  return fragment.textContent.length;
}

function setUpInboxItem(item) {
  const example = item.querySelector(".example");
  const form = item.querySelector("form.accept");
  const hidden = form.querySelector("input[name=entities]");
  example.dataset.text = example.textContent;
  let marks = [];
  try {
    marks = JSON.parse(example.dataset.entities || "[]")
      .filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end))
      .map((e) => ({start: e.start, end: e.end, entity: e.entity,
                    value: String(e.value) !== example.dataset.text.slice(e.start, e.end) ? String(e.value) : ""}));
  } catch (error) { marks = []; }
  const update = () => { hidden.value = JSON.stringify(marks); renderMarks(example, marks); };
  update();
  form.querySelector("[data-mark]").addEventListener("click", () => {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!example.contains(range.startContainer) || !example.contains(range.endContainer)) return;
    const text = example.dataset.text;
    let start = offsetIn(example, range.startContainer, range.startOffset);
    let end = offsetIn(example, range.endContainer, range.endOffset);
    while (start < end && text[start] === " ") start++;
    while (end > start && text[end - 1] === " ") end--;
    if (start >= end || marks.some((m) => start < m.end && m.start < end)) return;
    const entity = form.querySelector("[name=entity_choice]").value;
    const value = form.querySelector("[name=entity_value]").value.trim();
    marks.push({start, end, entity, value});
    form.querySelector("[name=entity_value]").value = "";
    selection.removeAllRanges();
    update();
  });
  form.querySelector("[data-clear]").addEventListener("click", () => { marks = []; update(); });
}

async function getJson(url) {
  // a session that ended answers 401: sign in again and come back here
  const response = await fetch(url, {headers: {Accept: "application/json"}});
  if (response.status === 401) {
    window.location.href = "/login?" + new URLSearchParams({expired: "1", next: window.location.pathname});
  }
  return response;
}

async function poll(card) {
  const response = await getJson(card.dataset.poll);
  if (!response.ok) return;
  const state = await response.json();
  card.querySelector("progress").value = state.progress;
  card.querySelector(".phase").textContent = state.phase;
  card.querySelector(".log").textContent = state.log;
  if (state.status === "training" || state.phase === card.dataset.activating) {
    setTimeout(() => poll(card), 1500);
  } else {
    window.location.reload();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".inbox-item").forEach(setUpInboxItem);
  document.querySelectorAll("[data-poll]").forEach((card) => poll(card));
  document.querySelectorAll(".model details").forEach((details) => {
    details.addEventListener("toggle", async () => {
      if (!details.open) return;
      const card = details.closest(".model");
      const response = await getJson(`/models/${card.id.slice(1)}/status`);
      if (response.ok) details.querySelector(".log").textContent = (await response.json()).log;
    });
  });
});
