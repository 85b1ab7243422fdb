/* The analytics charts, drawn with the vendored Chart.js from data the server embeds as JSON
 * (<script type="application/json" id="an-charts">, Django's json_script). Each
 * <canvas data-chart="KEY"> gets the chart described under charts[KEY]. Used by the web
 * dashboard, the segment movements page and the offline HTML report (inlined there).
 *
 * No eval, no inline style attribute, no HTML built from data: labels are drawn on the canvas
 * as text, so whatever a user typed into a segment or account name stays text.
 * Numbers are written the page's way (the server sends the separators and digits it uses);
 * in a right-to-left page the value axis runs from the right and legends read right to left. */
(function () {
  "use strict";

  function formatter(fmt) {
    var digits = fmt.digits || null;
    function local(text) {
      if (!digits) return text;
      return text.replace(/[0-9]/g, function (d) { return digits.charAt(Number(d)); });
    }
    function number(value, places) {
      var fixed = Math.abs(value).toFixed(places || 0);
      var parts = fixed.split(".");
      var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, fmt.thousands);
      var text = parts.length > 1 ? whole + fmt.decimal + parts[1] : whole;
      return local((value < 0 ? fmt.minus : "") + text);
    }
    return {
      number: number,
      percent: function (share) { return number(share * 100, 0) + fmt.percent; },
    };
  }

  function reading(root) {
    var node = root.getElementById("an-charts");
    if (!node) return null;
    return JSON.parse(node.textContent);
  }

  function valueAxis(f, spec, rtl, horizontal) {
    var axis = {
      beginAtZero: true,
      grid: { color: "#e2e8f0" },
      ticks: {
        callback: function (value) { return spec.percent ? f.percent(value) : f.number(value); },
      },
      title: { display: Boolean(spec.valueTitle), text: spec.valueTitle || "" },
    };
    if (spec.percent && spec.max !== undefined) axis.max = spec.max;
    if (horizontal) axis.reverse = rtl;
    else axis.position = rtl ? "right" : "left";
    return axis;
  }

  /* Straight reference lines and labels in chart coordinates, for the Pareto 80% mark and the
   * quadrants' median cuts (a plugin of this chart only). */
  function guides(lines, labels) {
    return {
      id: "anGuides",
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx, x = chart.scales.x, y = chart.scales.y;
        ctx.save();
        ctx.strokeStyle = "#dc2626";
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1.5;
        (lines || []).forEach(function (l) {
          ctx.beginPath();
          ctx.moveTo(x.getPixelForValue(l[0]), y.getPixelForValue(l[1]));
          ctx.lineTo(x.getPixelForValue(l[2]), y.getPixelForValue(l[3]));
          ctx.stroke();
        });
        ctx.setLineDash([]);
        ctx.fillStyle = "rgba(51, 65, 85, 0.55)";
        ctx.font = "700 16px " + Chart.defaults.font.family;
        ctx.textAlign = "center";
        (labels || []).forEach(function (l) {
          ctx.fillText(l[2], x.getPixelForValue(l[0]), y.getPixelForValue(l[1]));
        });
        ctx.restore();
      },
    };
  }

  function curve(f, spec, rtl) {
    var lines = [];
    if (spec.mark !== null && spec.mark !== undefined) {
      lines.push([0, 0.8, spec.mark, 0.8], [spec.mark, 0.8, spec.mark, 0]);
    }
    return {
      type: "scatter",
      data: {
        datasets: [{
          label: spec.label,
          data: spec.points.map(function (p) { return { x: p[0], y: p[1] }; }),
          showLine: true,
          borderColor: "#4f46e5",
          backgroundColor: "#4f46e5",
          borderWidth: 2.5,
          pointRadius: 0,
        }],
      },
      options: {
        scales: {
          x: {
            type: "linear", min: 0, max: 1, reverse: rtl,
            ticks: { stepSize: 0.2, callback: function (v) { return f.percent(v); } },
            title: { display: true, text: spec.xTitle },
          },
          y: valueAxis(f, { percent: true, max: 1, valueTitle: spec.yTitle }, rtl, false),
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                return f.percent(item.parsed.x) + " → " + f.percent(item.parsed.y);
              },
            },
          },
        },
      },
      plugins: [guides(lines, [])],
    };
  }

  function bars(f, spec, rtl) {
    var horizontal = Boolean(spec.horizontal);
    var category = {
      grid: { display: false },
      ticks: {
        color: function (context) {
          return (spec.highlight || [])[context.index] ? "#dc2626" : "#334155";
        },
      },
    };
    if (horizontal) category.position = rtl ? "right" : "left";
    else category.reverse = rtl;
    var value = valueAxis(f, spec, rtl, horizontal);
    return {
      type: "bar",
      data: {
        labels: spec.categories,
        datasets: spec.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: s.color };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: value, y: category } : { x: category, y: value },
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var v = horizontal ? item.parsed.x : item.parsed.y;
                return item.dataset.label + ": " + (spec.percent ? f.percent(v) : f.number(v));
              },
            },
          },
        },
      },
    };
  }

  function scatter(f, spec, rtl) {
    var axis = function (title) {
      return {
        type: "linear", min: 0, max: 1,
        ticks: { stepSize: 0.25, callback: function (v) { return f.percent(v); } },
        title: { display: true, text: title },
      };
    };
    var x = axis(spec.xTitle);
    x.reverse = rtl;
    var y = axis(spec.yTitle);
    y.position = rtl ? "right" : "left";
    return {
      type: "scatter",
      data: {
        datasets: spec.groups.map(function (g) {
          return {
            label: g.label,
            data: g.points.map(function (p) { return { x: p[0], y: p[1] }; }),
            backgroundColor: g.color,
            borderColor: g.color,
            pointRadius: 3,
          };
        }),
      },
      options: {
        scales: { x: x, y: y },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + f.percent(item.parsed.x) + ", " +
                  f.percent(item.parsed.y);
              },
            },
          },
        },
      },
      plugins: [guides([[0.5, 0, 0.5, 1], [0, 0.5, 1, 0.5]], spec.labels)],
    };
  }

  /* A matrix of counts (ABC rows, XYZ columns) as bubbles: the area follows the count, the
   * count is written in each bubble. */
  function matrix(f, spec, rtl) {
    var highest = Math.max.apply(null, spec.cells.map(function (c) { return c[2]; }).concat([1]));
    var last = spec.rows.length - 1;
    var points = spec.cells.map(function (c) {
      return { x: c[1], y: last - c[0], r: c[2] ? 6 + 24 * Math.sqrt(c[2] / highest) : 0, n: c[2] };
    });
    var axis = function (labels, title) {
      return {
        type: "linear", min: -0.5, max: labels.length - 0.5,
        grid: { color: "#e2e8f0" },
        afterBuildTicks: function (scale) {
          scale.ticks = labels.map(function (_label, i) { return { value: i }; });
        },
        ticks: { callback: function (v) { return labels[v]; } },
        title: { display: true, text: title },
      };
    };
    var x = axis(spec.columns, spec.xTitle);
    x.reverse = rtl;
    var y = axis(spec.rows.slice().reverse(), spec.yTitle);
    y.position = rtl ? "right" : "left";
    return {
      type: "bubble",
      data: {
        datasets: [{
          label: spec.label,
          data: points,
          backgroundColor: "rgba(79, 70, 229, 0.55)",
          borderColor: "#4f46e5",
        }],
      },
      options: {
        scales: { x: x, y: y },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                var p = item.raw;
                return spec.rows[last - p.y] + spec.columns[p.x] + ": " + f.number(p.n);
              },
            },
          },
        },
      },
      plugins: [{
        id: "anCounts",
        afterDatasetsDraw: function (chart) {
          var ctx = chart.ctx, sx = chart.scales.x, sy = chart.scales.y;
          ctx.save();
          ctx.font = "600 12px " + Chart.defaults.font.family;
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillStyle = "#0f172a";
          points.forEach(function (p) {
            ctx.fillText(f.number(p.n), sx.getPixelForValue(p.x), sy.getPixelForValue(p.y));
          });
          ctx.restore();
        },
      }],
    };
  }

  var KINDS = { curve: curve, bars: bars, scatter: scatter, matrix: matrix };

  function draw(root) {
    var data = reading(root);
    if (!data || typeof Chart === "undefined") return;
    var rtl = Boolean(data.rtl);
    var f = formatter(data.format);
    var body = root.body || root.documentElement;
    Chart.defaults.font.family = getComputedStyle(body).fontFamily;
    Chart.defaults.color = "#475569";
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.rtl = rtl;
    Chart.defaults.plugins.tooltip.rtl = rtl;
    Chart.defaults.plugins.legend.textDirection = rtl ? "rtl" : "ltr";
    Chart.defaults.plugins.tooltip.textDirection = rtl ? "rtl" : "ltr";
    var canvases = root.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var spec = data.charts[canvas.getAttribute("data-chart")];
      if (!spec || !KINDS[spec.kind]) return;
      new Chart(canvas, KINDS[spec.kind](f, spec, rtl));
      canvas.setAttribute("data-drawn", "true");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
