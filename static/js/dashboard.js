// 统计概览: the two charts, drawn from the same figures as the tables beside them
// (json_script "chart-data"); series names come from the chart elements' data-series-*.
(function () {
  if (!window.echarts) { return; }
  var source = document.getElementById("chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  function draw(id, build) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    var option = build(el.dataset);
    option.animation = false;  // print and screenshots show the final figures
    chart.setOption(option);
    charts.push(chart);
  }
  var grid = { left: 40, right: 12, top: 36, bottom: 56, containLabel: true };
  draw("chart-townships", function (names) {
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      grid: grid,
      xAxis: { type: "category", data: data.townships.map(function (r) { return r.label; }), axisLabel: { interval: 0, rotate: data.townships.length > 6 ? 45 : 0 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: names.seriesRate, type: "bar", data: data.townships.map(function (r) { return r.rate; }), label: { show: data.townships.length <= 12, position: "top", formatter: function (p) { return p.value === null ? "—" : Number(p.value).toFixed(2) + "%"; } } }]
    };
  });
  draw("chart-trend", function (names) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: grid,
      xAxis: { type: "category", data: data.trend.map(function (r) { return r.label; }), axisLabel: { rotate: 45 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: names.seriesFound, type: "line", data: data.trend.map(function (r) { return r.found; }) },
        { name: names.seriesRectified, type: "line", data: data.trend.map(function (r) { return r.rectified; }) }
      ]
    };
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
