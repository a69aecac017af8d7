/* The give form — progressive enhancement, loaded by that page only; the form works without it
   (the server refuses a ticked preset beside a different typed amount).
   <input data-other-amount="preset">: typing an amount ticks the radio preset=other, and
   choosing a preset empties the typed amount, so the amount the donor sees is the one charged.
   <p data-match-terms="[[sponsor, donor, cap, remaining], ...]" data-label="…{gift}…{total}…">
   says what a typed amount becomes with the sponsors' match, in integer satang as the server
   counts (each pool: gift × sponsor ÷ donor, at most its per-gift cap and what is left). */
(function () {
  'use strict';

  var MONEY_RE = /^(\d+)(?:\.(\d{1,2}))?$/;

  function parseSatang(value) {
    var m = MONEY_RE.exec(String(value || '').replace(/[\s\u00a0,\u0e3f]/g, ''));
    if (!m) return null;
    var satang = Number(m[1]) * 100 + Number(((m[2] || '') + '00').slice(0, 2));
    return Number.isSafeInteger(satang) ? satang : null;
  }

  function formatBaht(satang) {
    var frac = String(satang % 100);
    return '\u0e3f' + String(Math.floor(satang / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') +
      '.' + (frac.length < 2 ? '0' + frac : frac);
  }

  function matchFor(terms, gift) {
    var added = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      var wanted = Math.floor(gift * t[0] / t[1]);
      if (t[2] > 0) wanted = Math.min(wanted, t[2]);
      added += Math.min(wanted, t[3]);
    }
    return added;
  }

  function updateMatchLive(input) {
    var out = document.querySelector('[data-match-terms]');
    if (!out) return;
    var terms;
    try { terms = JSON.parse(out.getAttribute('data-match-terms')); } catch (e) { return; }
    var gift = parseSatang(input.value);
    var label = out.getAttribute('data-label') || '';
    out.textContent = (gift === null || gift <= 0 || !label) ? '' : label
      .replace('{gift}', formatBaht(gift))
      .replace('{total}', formatBaht(gift + matchFor(terms, gift)));
  }

  document.addEventListener('input', function (event) {
    var el = event.target;
    if (!el || !el.hasAttribute || !el.hasAttribute('data-other-amount') || !el.form) return;
    if (el.value.trim() !== '') {
      var other = el.form.querySelector('input[type="radio"][name="' +
        el.getAttribute('data-other-amount') + '"][value="other"]');
      if (other) other.checked = true;
    }
    updateMatchLive(el);
  });

  document.addEventListener('change', function (event) {
    var el = event.target;
    if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || el.value === 'other' ||
        !el.form) return;
    var typed = el.form.querySelector('[data-other-amount="' + el.name + '"]');
    if (typed && typed.value !== '') {
      typed.value = '';
      updateMatchLive(typed);
    }
  });
}());
