/* The handover form's "select all": ticks or clears every device of its fieldset. Hidden
   without JavaScript (the boxes are ticked one by one then). */
(function () {
  'use strict';
  document.querySelectorAll('input[data-select-all]').forEach(function (all) {
    var box = all.closest('fieldset');
    var items = box.querySelectorAll('input[type=checkbox][name=devices]');
    var sync = function () {
      var ticked = Array.prototype.filter.call(items, function (i) { return i.checked; }).length;
      all.checked = ticked === items.length;
      all.indeterminate = ticked > 0 && ticked < items.length;
    };
    all.closest('p').hidden = false;
    all.addEventListener('change', function () {
      items.forEach(function (i) { i.checked = all.checked; });
      sync();
    });
    items.forEach(function (i) { i.addEventListener('change', sync); });
    sync();
  });
})();
