// Dashboard of the reporting service: calls the JSON API with the party's token and draws the charts
// as inline SVG (no libraries, no CDN). The token lives in sessionStorage only.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#154273", "#2e7d32", "#c62828", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63", "#5f6b7a", "#f9a825"];
const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("rapportage-token") || "", loading: 0 };

// ---- API ------------------------------------------------------------------------------------------------
async function api(path, params) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  }
  const response = await fetch(url, { headers: { Authorization: "Bearer " + state.token } });
  if (response.status === 401) { logout("Het token is onbekend of verlopen."); throw new Error("401"); }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || response.statusText);
  }
  return response.json();
}

// ---- formatting -----------------------------------------------------------------------------------------
const euro = (cents) => (cents / 100).toLocaleString("nl-NL", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
const euroShort = (cents) => {
  const e = cents / 100;
  if (Math.abs(e) >= 1e6) return "€ " + (e / 1e6).toLocaleString("nl-NL", { maximumFractionDigits: 1 }) + " mln";
  if (Math.abs(e) >= 1e3) return "€ " + (e / 1e3).toLocaleString("nl-NL", { maximumFractionDigits: 0 }) + "k";
  return euro(cents);
};
const num = (n) => (n ?? 0).toLocaleString("nl-NL");
const pct = (n) => (n === null || n === undefined ? "–" : n.toLocaleString("nl-NL") + "%");

// ---- SVG charts -----------------------------------------------------------------------------------------
function el(tag, attrs, parent, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function frame(container, title, height) {
  container.replaceChildren();
  const svg = el("svg", { viewBox: `0 0 640 ${height}`, role: "img", "aria-label": title });
  el("title", {}, svg, title);
  container.appendChild(svg);
  return svg;
}

function empty(container, text) {
  container.replaceChildren();
  const p = document.createElement("p");
  p.className = "leeg";
  p.textContent = text || "Geen gegevens voor deze filters.";
  container.appendChild(p);
  container.dataset.state = "leeg";
}

function legend(container, series) {
  const box = document.createElement("div");
  box.className = "legenda";
  series.forEach((s) => {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = s.color;
    item.append(swatch, s.name);
    box.appendChild(item);
  });
  container.appendChild(box);
}

function niceMax(value) {
  if (value <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(value)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= value) return m * p;
  return 10 * p;
}

// Vertical bars (grouped or stacked) with an optional line series on the same axis.
function columns(container, labels, series, opts) {
  opts = opts || {};
  if (!labels.length) return empty(container);
  const W = 640, H = 260, L = 64, R = 12, T = 12, B = 46;
  const svg = frame(container, opts.title || "", H);
  const bars = series.filter((s) => !s.line);
  const lines = series.filter((s) => s.line);
  const totals = labels.map((_, i) => opts.stacked
    ? bars.reduce((a, s) => a + Math.max(0, s.values[i] || 0), 0)
    : Math.max(0, ...bars.map((s) => s.values[i] || 0)));
  const max = niceMax(Math.max(...totals, ...lines.flatMap((s) => s.values.map((v) => v || 0))));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "raster" }, svg);
    el("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, svg, opts.format ? opts.format(v) : num(Math.round(v)));
  }
  const band = (W - L - R) / labels.length;
  const step = Math.max(1, Math.ceil(labels.length / 12));
  labels.forEach((label, i) => {
    const x0 = L + i * band;
    if (i % step === 0) el("text", { x: x0 + band / 2, y: H - B + 16, "text-anchor": "middle" }, svg, label);
    let base = 0;
    bars.forEach((s, j) => {
      const v = Math.max(0, s.values[i] || 0);
      const w = opts.stacked ? band * 0.7 : (band * 0.8) / bars.length;
      const x = opts.stacked ? x0 + band * 0.15 : x0 + band * 0.1 + j * w;
      const top = opts.stacked ? y(base + v) : y(v);
      const bottom = opts.stacked ? y(base) : y(0);
      const rect = el("rect", { x, y: top, width: Math.max(1, w - 1), height: Math.max(0, bottom - top), fill: s.color, class: "bar" }, svg);
      el("title", {}, rect, `${s.name} ${label}: ${opts.format ? opts.format(v) : num(v)}`);
      if (opts.stacked) base += v;
    });
  });
  lines.forEach((s) => {
    const points = s.values.map((v, i) => `${L + i * band + band / 2},${y(v || 0)}`).join(" ");
    el("polyline", { points, fill: "none", stroke: s.color, "stroke-width": 2.5, class: "lijn" }, svg);
    s.values.forEach((v, i) => el("circle", { cx: L + i * band + band / 2, cy: y(v || 0), r: 3, fill: s.color }, svg));
  });
  el("line", { x1: L, x2: W - R, y1: y(0), y2: y(0), class: "as" }, svg);
  legend(container, series);
  container.dataset.state = "klaar";
}

// Horizontal bars: one row per label, a value and a text on the right.
function rows(container, items, opts) {
  opts = opts || {};
  if (!items.length) return empty(container);
  const rowH = 24, T = 6, L = 170, R = 170, W = 640;
  const H = T * 2 + rowH * items.length;
  const svg = frame(container, opts.title || "", H);
  const max = opts.max || niceMax(Math.max(...items.map((i) => i.value)));
  items.forEach((item, i) => {
    const yy = T + i * rowH;
    el("text", { x: L - 8, y: yy + 16, "text-anchor": "end" }, svg, item.label);
    el("rect", { x: L, y: yy + 4, width: W - L - R, height: rowH - 8, fill: "#eef2f6" }, svg);
    const w = ((W - L - R) * Math.max(0, item.value)) / max;
    const rect = el("rect", { x: L, y: yy + 4, width: Math.max(w, 0), height: rowH - 8, fill: item.color || COLORS[0], class: "bar" }, svg);
    el("title", {}, rect, `${item.label}: ${item.text}`);
    el("text", { x: W - R + 6, y: yy + 16 }, svg, item.text);
  });
  container.dataset.state = "klaar";
}

// ---- the page ---------------------------------------------------------------------------------------------
function monthString(d) { return d.toISOString().slice(0, 7); }

function filters() {
  return {
    gemeente: $("f-gemeente").value, segment: $("f-segment").value,
    van: $("f-van").value, tot: $("f-tot").value, periode: $("f-periode").value,
  };
}

async function fillOptions() {
  const f = filters();
  const body = await api("/v1/rapportages/zorggebruik", { van: f.van, tot: f.tot, periode: "totaal", groepering: ["gemeente", "segment"] });
  const gemeenten = [...new Set(body.rijen.map((r) => r.gemeente))].sort();
  const segmenten = [...new Set(body.rijen.map((r) => r.segment))].sort();
  for (const [select, values] of [[$("f-gemeente"), gemeenten], [$("f-segment"), segmenten]]) {
    const keep = select.value;
    select.replaceChildren(select.options[0]);
    values.forEach((v) => { const o = document.createElement("option"); o.value = v; o.textContent = v; select.appendChild(o); });
    select.value = values.includes(keep) ? keep : "";
  }
}

async function load() {
  const f = filters();
  const base = { gemeente: f.gemeente, segment: f.segment, van: f.van, tot: f.tot };
  const ticket = ++state.loading;
  document.body.dataset.state = "laden";
  const [zorg, kosten, perSegment, concentratie, verwijzers, doorloop, termijnen, verlopen, budget, lumpsums] = await Promise.all([
    api("/v1/rapportages/zorggebruik", { ...base, periode: f.periode }),
    api("/v1/rapportages/kosten", { ...base, periode: f.periode }),
    api("/v1/rapportages/kosten", { ...base, periode: "totaal", groepering: "segment" }),
    api("/v1/rapportages/concentratie", { ...base, periode: "totaal", groepering: "segment" }),
    api("/v1/rapportages/verwijzers", { ...base, periode: "totaal" }),
    api("/v1/rapportages/doorlooptijden", { ...base, periode: "totaal" }),
    api("/v1/rapportages/termijnen", { ...base, periode: "totaal" }),
    api("/v1/rapportages/termijnen/verlopen", base),
    api("/v1/rapportages/budgetgebruik", { ...base, groepering: "segment" }),
    api("/v1/rapportages/lumpsums", { ...base, periode: "totaal", groepering: "segment" }),
  ]);
  if (ticket !== state.loading) return; // a newer filter change is already under way

  const last = zorg.rijen[zorg.rijen.length - 1];
  const ok = kosten.rijen.reduce((a, r) => a + r.goedgekeurd, 0);
  const rejected = kosten.rijen.reduce((a, r) => a + r.afgewezen, 0);
  const totaal = perSegment.rijen.reduce((a, r) => ({ ok: a.ok + r.goedgekeurd, clienten: a.clienten + r.clienten }), { ok: 0, clienten: 0 });
  $("kpi-clienten").textContent = last ? num(last.clientenInZorg) : "0";
  $("kpi-goedgekeurd").textContent = euro(ok);
  $("kpi-afgewezen").textContent = euro(rejected);
  $("kpi-gemiddeld").textContent = totaal.clienten ? euro(Math.round(totaal.ok / totaal.clienten)) : "–";
  $("kpi-verlopen").textContent = num(verlopen.aantal);

  const periods = zorg.rijen.map((r) => r.periode);
  columns($("c-zorg").querySelector(".chart"), periods, [
    { name: "instroom", values: zorg.rijen.map((r) => r.instroom), color: COLORS[1] },
    { name: "uitstroom", values: zorg.rijen.map((r) => r.uitstroom), color: COLORS[3] },
    { name: "cliënten in zorg", values: zorg.rijen.map((r) => r.clientenInZorg), color: COLORS[0], line: true },
  ], { title: "Cliënten in zorg, instroom en uitstroom" });

  columns($("c-kosten").querySelector(".chart"), kosten.rijen.map((r) => r.periode), [
    { name: "goedgekeurd", values: kosten.rijen.map((r) => r.goedgekeurd), color: COLORS[0] },
    { name: "afgewezen", values: kosten.rijen.map((r) => r.afgewezen), color: COLORS[2] },
  ], { stacked: true, format: euroShort, title: "Kosten per periode" });

  const seg = [...perSegment.rijen].sort((a, b) => b.goedgekeurd - a.goedgekeurd);
  rows($("c-segment").querySelector(".chart"), seg.map((r, i) => ({
    label: r.segment, value: r.goedgekeurd, color: COLORS[i % COLORS.length],
    text: `${euroShort(r.goedgekeurd)} · ${r.gemiddeldPerClient ? euroShort(r.gemiddeldPerClient) : "–"} p.p.`,
  })), { title: "Kosten per segment" });

  const conc = concentratie.rijen.flatMap((r) => [
    { label: `${r.segment}: top 3% (${r.top3ProcentAanbieders})`, value: r.aandeelTop3Procent || 0, text: pct(r.aandeelTop3Procent), color: COLORS[0] },
    { label: `${r.segment}: top 10% (${r.top10ProcentAanbieders})`, value: r.aandeelTop10Procent || 0, text: pct(r.aandeelTop10Procent), color: COLORS[5] },
  ]);
  rows($("c-concentratie").querySelector(".chart"), conc, { max: 100, title: "Concentratie" });

  const verw = verwijzers.rijen.filter((r) => r.toewijzingen > 0).sort((a, b) => b.toewijzingen - a.toewijzingen);
  rows($("c-verwijzers").querySelector(".chart"), verw.map((r, i) => ({
    label: r.omschrijving.length > 22 ? r.omschrijving.slice(0, 21) + "…" : r.omschrijving, value: r.toewijzingen,
    color: r.verwijzer === "onbekend" ? "#9aa5b1" : COLORS[i % COLORS.length], text: `${num(r.toewijzingen)} (${pct(r.aandeelProcent)})`,
  })), { title: "Verwijzers" });

  const soorten = ["verzoek-toewijzing", "toewijzing-start", "toewijzingsduur", "zorgduur"];
  const dl = soorten.map((s) => doorloop.rijen.find((r) => r.soort === s)).filter(Boolean);
  columns($("c-doorloop").querySelector(".chart"), dl.map((r) => r.soort), [
    { name: "mediaan", values: dl.map((r) => r.mediaanDagen), color: COLORS[0] },
    { name: "90e percentiel", values: dl.map((r) => r.p90Dagen), color: COLORS[5] },
  ], { title: "Doorlooptijden" });

  const tm = termijnen.rijen;
  columns($("c-termijnen").querySelector(".chart"), tm.map((r) => r.soort), [
    { name: "tijdig", values: tm.map((r) => r.tijdig), color: COLORS[1] },
    { name: "te laat", values: tm.map((r) => r.teLaat), color: COLORS[3] },
    { name: "open", values: tm.map((r) => r.open), color: "#9aa5b1" },
    { name: "verlopen", values: tm.map((r) => r.verlopen), color: COLORS[2] },
  ], { stacked: true, title: "Termijnen" });

  const items = budget.rijen.map((r) => ({
    label: `${r.segment}: budget gebruikt`, value: r.gebruikProcent || 0, color: COLORS[4],
    text: `${pct(r.gebruikProcent)} van ${euroShort(r.toegewezenBudget)}`,
  })).concat(lumpsums.rijen.map((r) => ({
    label: `${r.segment}: lumpsum verschenen`, value: r.geplandBedrag ? (100 * r.verschenenBedrag) / r.geplandBedrag : 0,
    color: COLORS[6], text: `${euroShort(r.verschenenBedrag)} van ${euroShort(r.geplandBedrag)}`,
  })));
  rows($("c-budget").querySelector(".chart"), items, { max: 100, title: "Budget en lumpsums" });

  const csv = new URL("/v1/rapportages/kosten/export.csv", window.location.origin);
  $("csv").dataset.href = csv.pathname;
  const fresh = zorg.bijgewerktTot || {};
  $("bijgewerkt").textContent = `Berichten gelezen tot: allocation ${fresh.allocation || "nog niet"}, declaration ${fresh.declaration || "nog niet"}. Bedragen in euro; cijfers van ${f.van} tot en met ${f.tot}.`;
  document.body.dataset.state = "klaar";
}

async function downloadCsv(event) {
  event.preventDefault();
  const f = filters();
  const url = new URL("/v1/rapportages/kosten/export.csv", window.location.origin);
  for (const [k, v] of Object.entries({ gemeente: f.gemeente, segment: f.segment, van: f.van, tot: f.tot, periode: f.periode })) {
    if (v) url.searchParams.set(k, v);
  }
  const response = await fetch(url, { headers: { Authorization: "Bearer " + state.token } });
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `kosten-${f.van}-${f.tot}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

function logout(message) {
  sessionStorage.removeItem("rapportage-token");
  state.token = "";
  $("app").hidden = true;
  $("login").hidden = false;
  $("uitloggen").hidden = true;
  $("wie").textContent = "";
  $("loginfout").textContent = message || "";
}

// A report that could not be loaded: say so, and leave "laden" (a page that keeps saying it is loading is
// worse than one that says what went wrong; the filters stay usable to try again).
function failed(err) {
  if (err.message === "401") return;
  $("bijgewerkt").textContent = "Fout bij het laden: " + err.message;
  document.body.dataset.state = "fout";
}

async function enter() {
  try {
    await api("/v1/rapportages");
  } catch (err) {
    if (err.message !== "401") logout("Inloggen lukt niet: " + err.message);
    return;
  }
  $("login").hidden = true;
  $("app").hidden = false;
  $("uitloggen").hidden = false;
  const now = new Date();
  const from = new Date(now.getFullYear(), now.getMonth() - 11, 15);
  if (!$("f-tot").value) $("f-tot").value = monthString(new Date(now.getFullYear(), now.getMonth(), 15));
  if (!$("f-van").value) $("f-van").value = monthString(from);
  try {
    await fillOptions();
    await load();
  } catch (err) {
    failed(err);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("loginform").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token").value.trim();
    $("token").value = "";
    sessionStorage.setItem("rapportage-token", state.token);
    enter();
  });
  $("uitloggen").addEventListener("click", () => logout(""));
  $("filters").addEventListener("change", () => load().catch(failed));
  $("csv").addEventListener("click", downloadCsv);
  if (state.token) enter();
});
