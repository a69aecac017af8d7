/* partnership — progressive enhancements only; every page works without this file.
   Loaded as an external script (CSP forbids inline scripts). */
(function () {
  'use strict';

  // ---------------------------------------------------------------- (a)
  // <form data-confirm="..."> asks before submitting. A submit button may
  // carry its own data-confirm, which wins for that button.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute('data-confirm')) ||
      form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // ---------------------------------------------------------------- (b)
  // <select data-autosubmit> submits its form on change.
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (!(el instanceof HTMLSelectElement) || !el.hasAttribute('data-autosubmit')) return;
    var form = el.form;
    if (!form) return;
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();          // fires submit event (and data-confirm)
    } else {
      form.submit();
    }
  });

  // ---------------------------------------------------------------- (c)
  // <span data-countdown="2025-06-30T23:59:59+07:00"
  //       data-label-days="เหลืออีก {n} วัน" data-label-hours="เหลืออีก {n} ชั่วโมง"
  //       data-label-closed="ปิดรับแล้ว">…</span>
  var HOUR = 3600 * 1000;
  var DAY = 24 * HOUR;

  function updateCountdown(el) {
    var end = Date.parse(el.getAttribute('data-countdown') || '');
    if (isNaN(end)) return;
    var left = end - Date.now();
    var label;
    var n;
    if (left <= 0) {
      label = el.getAttribute('data-label-closed');
    } else if (left >= DAY) {
      n = Math.floor(left / DAY);
      label = el.getAttribute('data-label-days');
    } else {
      n = Math.max(1, Math.floor(left / HOUR));
      label = el.getAttribute('data-label-hours');
    }
    if (!label) return;                // no template string: leave server text alone
    var text = label.replace(/\{n\}/g, n === undefined ? '' : String(n));
    if (el.textContent !== text) el.textContent = text;
  }

  function updateCountdowns() {
    var els = document.querySelectorAll('[data-countdown]');
    for (var i = 0; i < els.length; i++) updateCountdown(els[i]);
  }

  // ---------------------------------------------------------------- (d)
  // Budget tables. Money is parsed into integer satang and summed as
  // integers; no floating point sums.
  var MONEY_RE = /^(\d+)(?:\.(\d{1,2}))?$/;
  var QTY_RE = /^\d+$/;
  var DASH = '\u2014';

  function clean(value) {
    return String(value == null ? '' : value)
      .replace(/[\s\u00a0,\u0e3f]/g, '')   // spaces, thousands commas, ฿
      .replace(/^THB/i, '');
  }

  // "14,990.50" -> 1499050 ; returns null when not a valid amount.
  function parseSatang(value) {
    var m = MONEY_RE.exec(clean(value));
    if (!m) return null;
    var frac = (m[2] || '') + '00';
    var satang = Number(m[1]) * 100 + Number(frac.slice(0, 2));
    return Number.isSafeInteger(satang) ? satang : null;
  }

  function parseQuantity(value) {
    var s = clean(value);
    if (!QTY_RE.test(s)) return null;
    var q = Number(s);
    return Number.isSafeInteger(q) ? q : null;
  }

  // 123450 -> "฿1,234.50"
  function formatBaht(satang) {
    var whole = String(Math.floor(satang / 100));
    var frac = String(satang % 100);
    if (frac.length < 2) frac = '0' + frac;
    return '\u0e3f' + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + frac;
  }

  function isBlank(input) {
    return !input || clean(input.value) === '';
  }

  function totalTarget(table) {
    var inside = table.querySelector('[data-budget-total]');
    if (inside) return inside;
    if (table.id) {
      var named = document.querySelector('[data-budget-total="' + table.id + '"]');
      if (named) return named;
    }
    if (document.querySelectorAll('table[data-budget]').length === 1) {
      return document.querySelector('[data-budget-total]');
    }
    return null;
  }

  function recompute(table) {
    var rows = table.querySelectorAll('tr');
    var sum = 0;
    var ok = true;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var priceEl = row.querySelector('[data-unit-price]');
      var qtyEl = row.querySelector('[data-quantity]');
      var cell = row.querySelector('[data-line-total]');
      if (!priceEl || !qtyEl) continue;
      var line = null;
      var price = parseSatang(priceEl.value);
      var qty = parseQuantity(qtyEl.value);
      if (price !== null && qty !== null) {
        line = price * qty;
        if (!Number.isSafeInteger(line)) line = null;
      }
      if (line !== null) {
        sum += line;
        if (!Number.isSafeInteger(sum)) ok = false;
      }
      if (cell) cell.textContent = line === null ? DASH : formatBaht(line);
    }
    var target = totalTarget(table);
    if (target) target.textContent = ok ? formatBaht(sum) : DASH;
  }

  var INDEX_RE = /-(\d+)-/;

  function rowIndex(row) {
    var els = row.querySelectorAll('[name], [id]');
    for (var i = 0; i < els.length; i++) {
      var m = INDEX_RE.exec(els[i].getAttribute('name') || '') ||
        INDEX_RE.exec(els[i].id || '');
      if (m) return Number(m[1]);
    }
    return -1;
  }

  function renameAttr(el, attr, next) {
    var v = el.getAttribute(attr);
    if (v && INDEX_RE.test(v)) {
      el.setAttribute(attr, v.replace(/-(\d+)-/g, '-' + next + '-'));
    }
  }

  function addRow(table) {
    var rows = table.querySelectorAll('tr[data-row]');
    if (!rows.length) return false;
    var last = rows[rows.length - 1];
    var next = -1;
    for (var i = 0; i < rows.length; i++) next = Math.max(next, rowIndex(rows[i]));
    next = next < 0 ? rows.length : next + 1;

    var clone = last.cloneNode(true);
    var all = clone.querySelectorAll('*');
    for (var j = 0; j < all.length; j++) {
      var el = all[j];
      ['name', 'id', 'for', 'aria-describedby', 'aria-labelledby', 'aria-controls'].forEach(function (a) {
        renameAttr(el, a, next);
      });
      if (el.removeAttribute) el.removeAttribute('aria-invalid');
      if (el.classList && el.classList.contains('field-error')) {
        el.parentNode.removeChild(el);
        continue;
      }
      var tag = el.tagName;
      if (tag === 'INPUT') {
        var type = (el.getAttribute('type') || 'text').toLowerCase();
        var name = el.getAttribute('name') || '';
        if (type === 'checkbox' || type === 'radio') {
          el.checked = false;
          el.removeAttribute('checked');
        } else if (type !== 'submit' && type !== 'button' && !/csrf_token$/.test(name)) {
          el.value = '';
          el.setAttribute('value', '');
        }
      } else if (tag === 'TEXTAREA') {
        el.value = '';
        el.textContent = '';
      } else if (tag === 'SELECT') {
        el.selectedIndex = 0;
      }
    }
    var lineCells = clone.querySelectorAll('[data-line-total]');
    for (var k = 0; k < lineCells.length; k++) lineCells[k].textContent = DASH;

    last.parentNode.insertBefore(clone, last.nextSibling);
    var first = clone.querySelector('input:not([type="hidden"]), select, textarea');
    if (first) first.focus();
    recompute(table);
    return true;
  }

  function tableForButton(button) {
    var ref = button.getAttribute('data-add-row');
    if (ref) {
      var byRef = document.getElementById(ref.replace(/^#/, ''));
      if (byRef && byRef.matches('table[data-budget]')) return byRef;
    }
    var t = button.closest('table[data-budget]');
    if (t) return t;
    var form = button.closest('form');
    if (form) {
      t = form.querySelector('table[data-budget]');
      if (t) return t;
    }
    return document.querySelector('table[data-budget]');
  }

  document.addEventListener('input', function (event) {
    var el = event.target;
    if (!el || !el.closest) return;
    if (!el.matches('[data-unit-price], [data-quantity]')) return;
    var table = el.closest('table[data-budget]');
    if (table) recompute(table);
  });

  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest && event.target.closest('[data-add-row]');
    if (!button) return;
    var table = tableForButton(button);
    // Without a table (or a row to copy) let a server-side fallback
    // (e.g. a submit button named "add_row") do its job.
    if (table && addRow(table)) event.preventDefault();
  });

  // ---------------------------------------------------------------- (e)
  // A .table-wrap that scrolls sideways must be reachable by keyboard.
  // Templates should also give it role="region" and an aria-label.
  function focusableScrollers() {
    var wraps = document.querySelectorAll('.table-wrap:not([tabindex])');
    for (var i = 0; i < wraps.length; i++) {
      if (wraps[i].scrollWidth > wraps[i].clientWidth) wraps[i].setAttribute('tabindex', '0');
    }
  }

  function init() {
    focusableScrollers();
    window.addEventListener('resize', focusableScrollers);
    updateCountdowns();
    window.setInterval(updateCountdowns, 60 * 1000);
    var tables = document.querySelectorAll('table[data-budget]');
    for (var i = 0; i < tables.length; i++) recompute(tables[i]);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
