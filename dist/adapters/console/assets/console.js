// Passerelle console: progressive enhancement only (every page works without it). No inline code: the
// strict CSP allows this file and Chart.js, both served by the console itself.
(function () {
  'use strict';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var PALETTE = ['#000091', '#ce0500', '#18753c', '#b34000', '#695240', '#6a6af4', '#a94645'];

  function debounce(fn, ms) {
    var timer;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  // Charts (Chart.js), data in a JSON script block next to the canvas; the same data is in a table below.
  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute('data-chart'));
    if (!source || typeof window.Chart === 'undefined') return;
    var spec = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (serie, index) {
          var color = PALETTE[index % PALETTE.length];
          return { label: serie.label, data: serie.data, backgroundColor: color, borderColor: color, fill: false, tension: 0.2 };
        }),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  });

  // Announcements: live audience counts and the Teams / Tchap previews.
  var audience = document.getElementById('audience');
  var counts = document.getElementById('audience-counts');
  var choices = document.getElementById('choices');
  if (audience && counts) {
    var count = debounce(function () {
      var picked = choices ? Array.prototype.map.call(choices.selectedOptions, function (option) { return option.value; }) : [];
      var value = [audience.value.trim()].concat(picked).filter(Boolean).join(' ');
      if (!value) { counts.textContent = 'Indiquez les destinataires.'; return; }
      fetch(audience.getAttribute('data-count-url') + '?to=' + encodeURIComponent(value), { credentials: 'same-origin' })
        .then(function (response) { return response.json(); })
        .then(function (body) { counts.textContent = body.text || body.message || ''; })
        .catch(function () { counts.textContent = 'Comptage indisponible.'; });
    }, 400);
    audience.addEventListener('input', count);
    if (choices) choices.addEventListener('change', count);
    count();
  }
  var markdown = document.getElementById('markdown');
  if (markdown && markdown.getAttribute('data-preview-url')) {
    var preview = debounce(function () {
      fetch(markdown.getAttribute('data-preview-url'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ markdown: markdown.value }),
      })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          document.getElementById('preview-teams').innerHTML = body.teams || '';
          document.getElementById('preview-tchap').innerHTML = body.tchap || '';
        })
        .catch(function () {});
    }, 300);
    markdown.addEventListener('input', preview);
    preview();
  }

  // Announcement report: refreshed while it is being sent, until it is over.
  var status = document.getElementById('report-status');
  var reportUrl = status && status.getAttribute('data-report-url');
  if (reportUrl) {
    var poll = function () {
      fetch(reportUrl, { credentials: 'same-origin' })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          document.getElementById('report-counts').innerHTML = body.countsHtml;
          document.querySelector('#report-table tbody').innerHTML = body.rowsHtml;
          var strong = status.querySelector('strong');
          if (strong) strong.textContent = body.statusLabel;
          if (body.status === 'sending' || body.status === 'scheduled') setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 1000);
  }

  // Standard answers: find passages of the chosen base and add them as sources.
  var search = document.getElementById('passage-search');
  if (search) {
    search.addEventListener('submit', function (event) {
      event.preventDefault();
      var kb = document.getElementById('kb');
      var results = document.getElementById('passage-results');
      var query = document.getElementById('passage-query').value;
      fetch(search.getAttribute('data-search-url') + '?kb=' + encodeURIComponent(kb ? kb.value : '') + '&q=' + encodeURIComponent(query), { credentials: 'same-origin' })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          results.textContent = '';
          var list = document.createElement('ul');
          (body.passages || []).forEach(function (passage) {
            var item = document.createElement('li');
            var title = document.createElement('strong');
            title.textContent = passage.title + ' ';
            var code = document.createElement('code');
            code.textContent = passage.id;
            var extract = document.createElement('p');
            extract.textContent = passage.extract;
            var add = document.createElement('button');
            add.type = 'button';
            add.className = 'secondary';
            add.textContent = 'Ajouter ' + passage.id + ' aux sources';
            add.addEventListener('click', function () {
              var sources = document.getElementById('sources');
              var lines = sources.value.split('\n').filter(Boolean);
              if (lines.indexOf(passage.id) < 0) lines.push(passage.id);
              sources.value = lines.join('\n');
              add.textContent = passage.id + ' ajouté aux sources';
            });
            item.append(title, code, extract, add);
            list.append(item);
          });
          results.append(body.passages && body.passages.length ? list : document.createTextNode(body.message || 'Aucun passage trouvé.'));
        });
    });
  }
})();
