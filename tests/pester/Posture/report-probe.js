// Injected into a copy of the HTML report by Report.Tests.ps1 and run by headless Chromium (--dump-dom): measures the
// laid-out page and writes what it found as JSON into <pre id="probe">, which the test reads from the dumped DOM.
(function () {
  'use strict';
  var out = { width: window.innerWidth, pageOverflow: document.documentElement.scrollWidth - window.innerWidth, ready: document.documentElement.getAttribute('data-ready'), tables: [] };
  Array.prototype.forEach.call(document.querySelectorAll('table'), function (table) {
    var box = table.closest('.scroll') || table.parentNode;
    var t = { id: table.id, overflow: Math.max(box.scrollWidth - box.clientWidth, table.getBoundingClientRect().right - box.getBoundingClientRect().right),
              theadDisplay: getComputedStyle(table.tHead).display, headers: [], unlabelled: [] };
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th) {
      var r = th.getBoundingClientRect(), cs = getComputedStyle(th);
      var visible = r.width > 0 && r.height > 0 && cs.visibility === 'visible' && cs.display !== 'none' && r.left >= -1 && r.right <= window.innerWidth + 1;
      t.headers.push({ text: th.textContent.trim(), visible: visible, right: Math.round(r.right) });
    });
    // Every cell names its column (the card layout shows the name before the value).
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (td, i) {
        var label = td.getAttribute('data-label'), before = getComputedStyle(td, '::before').content;
        if (label !== heads[i].textContent.trim()) { t.unlabelled.push(i + ':' + label); }
        if (out.width < 700 && before !== '"' + label + '"') { t.unlabelled.push(i + ':before=' + before); }
      });
    });
    out.tables.push(t);
  });
  // The filter box narrows the rows of its table.
  var input = document.querySelector('.filter input[data-table=findings]');
  if (input) {
    var rows = document.querySelectorAll('#findings tbody tr');
    var word = rows[0].cells[2].textContent.trim();
    input.value = word; input.dispatchEvent(new Event('input'));
    var shown = Array.prototype.filter.call(rows, function (r) { return r.offsetParent !== null; }).length;
    var expected = Array.prototype.filter.call(rows, function (r) { return r.textContent.toLowerCase().indexOf(word.toLowerCase()) >= 0; }).length;
    out.filter = { word: word, shown: shown, expected: expected, total: rows.length };
    input.value = ''; input.dispatchEvent(new Event('input'));
  }
  out.failedOrder = Array.prototype.map.call(document.querySelectorAll('#workspaces tbody tr'), function (r) { return parseInt(r.getAttribute('data-failed'), 10); });
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  (window.parent !== window ? window.parent.document : document).body.appendChild(pre);
})();
