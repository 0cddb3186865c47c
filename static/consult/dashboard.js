// The impact dashboard: draw each chart with Apache ECharts (static/vendor/echarts) from its
// JSON ({title, columns, rows, chart: {kind, label, axes, series}}). Progressive enhancement:
// without this file every chart's numbers are in the table under it.
(function (root) {
  "use strict";

  var PALETTE = ["#b3171c", "#1d5fa8", "#1e7b43", "#9a6400", "#4b3a8c", "#0f7c8c",
    "#c35a00", "#8c0f13", "#5c6570", "#6b8e23"];
  // Beyond this many categories a bar chart gets a zoom slider instead of cramped bars.
  var ZOOM_AFTER = 24;
  // Tooltips drawn inside the chart's SVG: the default HTML tooltips carry style attributes,
  // which the site's Content-Security-Policy (style-src 'self') refuses.
  var TOOLTIP_MODE = "richText";

  function seriesOnAxis(chart, axis) {
    return chart.series.filter(function (s) { return (s.axis || 0) === axis; });
  }

  function valueAxes(chart) {
    var names = chart.axes.length ? chart.axes : [""];
    return names.map(function (name, index) {
      // Counts only (all bars) → whole-number ticks; days (lines) may be fractional.
      var counts = seriesOnAxis(chart, index).every(function (s) { return s.type === "bar"; });
      var axis = { type: "value", name: name, nameTextStyle: { align: "left" } };
      if (counts) { axis.minInterval = 1; }
      if (index > 0) { axis.splitLine = { show: false }; }
      return axis;
    });
  }

  function pieOption(data, base) {
    var chart = data.chart;
    var column = chart.series[0].column;
    base.tooltip = { trigger: "item", renderMode: TOOLTIP_MODE, formatter: "{b}: {c} ({d}%)" };
    base.legend = { type: "scroll", bottom: 0 };
    base.series = [{
      type: "pie",
      name: data.columns[column],
      radius: ["40%", "68%"],
      center: ["50%", "45%"],
      avoidLabelOverlap: true,
      label: { formatter: "{b}: {c}" },
      data: data.rows
        .filter(function (row) { return row[column]; })
        .map(function (row) { return { name: String(row[chart.label]), value: row[column] }; })
    }];
    return base;
  }

  function buildOption(data, options) {
    var chart = data.chart;
    var base = {
      animation: !(options && options.reduceMotion),
      color: PALETTE,
      textStyle: { fontFamily: "inherit" }
    };
    if (chart.kind === "pie") { return pieOption(data, base); }
    var horizontal = chart.kind === "hbar";
    var labels = data.rows.map(function (row) { return String(row[chart.label]); });
    var categoryAxis = { type: "category", data: labels, axisTick: { alignWithLabel: true } };
    if (horizontal) {
      // Largest first, read from the top.
      categoryAxis.inverse = true;
    } else {
      categoryAxis.axisLabel = { hideOverlap: true };
    }
    var values = valueAxes(chart);
    base.tooltip = { trigger: "axis", renderMode: TOOLTIP_MODE, axisPointer: { type: "shadow" } };
    base.grid = { left: 8, right: 16, top: chart.series.length > 1 ? 56 : 32, bottom: 8,
      containLabel: true };
    if (chart.series.length > 1) { base.legend = { type: "scroll", top: 0 }; }
    base.xAxis = horizontal ? values : categoryAxis;
    base.yAxis = horizontal ? categoryAxis : values;
    base.series = chart.series.map(function (spec) {
      var series = {
        type: spec.type,
        name: data.columns[spec.column],
        data: data.rows.map(function (row) { return row[spec.column]; }),
        emphasis: { focus: "series" }
      };
      if (spec.stack) { series.stack = spec.stack; }
      if (spec.type === "bar") { series.barMaxWidth = 40; }
      if (spec.type === "line") { series.symbolSize = 6; series.connectNulls = false; }
      series[horizontal ? "xAxisIndex" : "yAxisIndex"] = spec.axis || 0;
      return series;
    });
    if (labels.length > ZOOM_AFTER) {
      var zoomAxis = horizontal ? { yAxisIndex: 0 } : { xAxisIndex: 0 };
      var start = horizontal ? 0 : 100 - Math.round((ZOOM_AFTER / labels.length) * 100);
      var end = horizontal ? Math.round((ZOOM_AFTER / labels.length) * 100) : 100;
      base.dataZoom = [Object.assign({ type: "slider", start: start, end: end }, zoomAxis),
        Object.assign({ type: "inside", start: start, end: end }, zoomAxis)];
      base.grid.bottom = horizontal ? 8 : 40;
      if (horizontal) { base.grid.right = 40; }
    }
    return base;
  }

  var api = { buildOption: buildOption };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  root.ZhikuDashboard = api;

  if (typeof document === "undefined" || !root.echarts || !root.fetch) { return; }

  function reduceMotion() {
    return !!(root.matchMedia && root.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function showError(box) {
    box.hidden = false;
    box.removeAttribute("role");
    box.style.height = "auto";
    var message = document.createElement("p");
    message.className = "dash-error";
    message.textContent = box.getAttribute("data-error");
    box.appendChild(message);
  }

  var instances = [];
  function draw(box) {
    fetch(box.getAttribute("data-chart"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        box.hidden = false;
        var instance = root.echarts.init(box, null, { renderer: "svg" });
        instance.setOption(buildOption(data, { reduceMotion: reduceMotion() }));
        instances.push(instance);
        // The chart shows the figures now; the table stays one click away.
        var card = box.closest(".dash-card");
        var details = card && card.querySelector("details.dash-table");
        if (details) { details.open = false; }
      })
      .catch(function () { showError(box); });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);

  var pending = null;
  root.addEventListener("resize", function () {
    if (pending) { root.clearTimeout(pending); }
    pending = root.setTimeout(function () {
      instances.forEach(function (instance) { instance.resize(); });
    }, 150);
  });
  if (root.matchMedia) {
    var query = root.matchMedia("(prefers-reduced-motion: reduce)");
    var onChange = function () {
      instances.forEach(function (instance) { instance.setOption({ animation: !query.matches }); });
    };
    if (query.addEventListener) { query.addEventListener("change", onChange); }
  }
})(typeof window !== "undefined" ? window : globalThis);
