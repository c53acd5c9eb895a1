// Pagefind's search API over the indexes of an archive built as a site per year, for
// Pagefind's UI on /search/: scripts/build_split.py publishes this file as
// /search/years/pagefind.js, the UI's bundlePath is that folder, and each index comes
// as a `mergeIndex` entry (bundlePath, baseUrl, and its year as a filter), the first
// being the one whose pagefind.js is loaded.
//
// Why not Pagefind's merged search alone: an index that lacks a query's word falls back
// to near words (uniqueword12 for uniqueword129, the parts of a Chinese phrase). One
// index for the whole site does that only when the word is nowhere; merged, every year
// without the word adds its near-word pages, dozens of unrelated posts that can rank
// above the one that holds it. So each year is searched apart (the merged indexes with
// that year's filter), and when the best result of some year holds every word of the
// query as typed, the years whose best result does not are left out: as one index
// would, a word found somewhere lists the pages that have it. (A year whose pages have
// only another form of the word, which Pagefind's stemming matches, is then left out
// too.) When no year holds the words, every result is kept, as Pagefind shows them.
let shared = {};
const pending = [];
let loaded = null;

function ready() {
  if (!pending.length) return Promise.reject(new Error("no Pagefind index to search"));
  if (!loaded) {
    loaded = (async () => {
      const [first, ...others] = pending;
      const pagefind = await import(first.bundlePath + "pagefind.js");
      await pagefind.options({ ...shared, ...first.values });
      for (const { bundlePath, values } of others) await pagefind.mergeIndex(bundlePath, values);
      return pagefind;
    })();
  }
  return loaded;
}

export async function options(values) {
  shared = { ...shared, ...values };
  if (loaded) await (await loaded).options(values);
}

export async function mergeIndex(bundlePath, values = {}) {
  pending.push({ bundlePath, values });
}

export async function init() {
  await (await ready()).init();
}

export async function destroy() {
  if (loaded) await (await loaded).destroy();
  loaded = null;
}

export async function filters() {
  return (await ready()).filters();
}

export async function preload(term, values = {}) {
  return (await ready()).preload(term, values);
}

// The year filter's name and the years, from the indexes' mergeFilter.
function years() {
  const found = [];
  let name = null;
  for (const { values } of pending) {
    for (const [key, value] of Object.entries(values.mergeFilter || {})) {
      name = key;
      if (!found.includes(value)) found.push(value);
    }
  }
  return { name, found };
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/u;

// The query's words as typed (lower case), without quotes.
function words(term) {
  if (typeof term !== "string") return [];
  return term
    .toLowerCase()
    .replace(/["“”]/g, " ")
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

// Whether a page's text holds every word: a Chinese one anywhere (there are no spaces
// between words), any other as a whole word.
function holds(text, terms) {
  const lower = text.toLowerCase();
  return terms.every((w) => {
    if (HAN.test(w)) return lower.includes(w);
    const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, "u").test(lower);
  });
}

function mergeFilters(all) {
  const merged = {};
  for (const filters of all) {
    for (const [name, values] of Object.entries(filters || {})) {
      merged[name] = merged[name] || {};
      for (const [value, count] of Object.entries(values)) {
        merged[name][value] = (merged[name][value] || 0) + count;
      }
    }
  }
  return merged;
}

export async function search(term, values = {}) {
  const pagefind = await ready();
  const all = await pagefind.search(term, values);
  const terms = words(term);
  const { name, found } = years();
  if (!all || !terms.length || !name || found.length < 2) return all;
  const chosen = [].concat((values.filters || {})[name] || []);
  const perYear = [];
  // One after the other: searches of one Pagefind instance share its loaded chunks.
  for (const year of found) {
    if (chosen.length && !chosen.includes(year)) continue;
    const filters = { ...(values.filters || {}), [name]: year };
    const response = await pagefind.search(term, { ...values, filters });
    if (!response || !response.results.length) continue;
    const best = await response.results[0].data();
    const text = `${best.meta?.title || ""}\n${best.content}`;
    perYear.push({ year, response, holds: holds(text, terms) });
  }
  if (!perYear.some((y) => y.holds)) return all;
  const kept = perYear.filter((y) => y.holds);
  const counts = mergeFilters(kept.map((y) => y.response.filters));
  // Each year's count of its own results (a year's search counts the others as well).
  counts[name] = Object.fromEntries(found.map((year) => [year, 0]));
  for (const y of kept) counts[name][y.year] = y.response.results.length;
  return {
    ...all,
    results: kept.flatMap((y) => y.response.results).sort((a, b) => b.score - a.score),
    filters: counts,
  };
}

let searchID = 0;

export async function debouncedSearch(term, values, timeoutMs = 300) {
  const id = ++searchID;
  preload(term, values);
  await new Promise((resolve) => setTimeout(resolve, timeoutMs));
  if (id !== searchID) return null;
  const result = await search(term, values);
  return id === searchID ? result : null;
}
