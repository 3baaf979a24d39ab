/**
 * The page's script, plain ES2017 with no library: dive's two panes. The tree of a layer is the
 * filesystem as the layers up to it stack (rebuilt on each click: 50k paths take milliseconds);
 * only expanded directories get DOM nodes, so a large image stays fast. Text goes in through
 * textContent, never innerHTML, so no path can inject markup.
 */
export const APP_JS = String.raw`
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("tsbuild-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var current = 0, tree = null, expanded = new Set(["/"]), focus = null;
  var MAX_MATCHES = 5000;

  function human(n) {
    var u = ["B", "kB", "MB", "GB", "TB"], i = 0;
    while (n >= 1000 && i < u.length - 1) { n /= 1000; i++; }
    return (i === 0 ? String(n) : String(Number(n.toPrecision(3)))) + u[i];
  }
  function parentOf(p) { var i = p.lastIndexOf("/"); return i <= 0 ? "/" : p.slice(0, i); }
  function node(path, type) { return { path: path, name: path === "/" ? "/" : path.slice(path.lastIndexOf("/") + 1), type: type, size: 0, mark: "", kids: null, total: 0, changed: false }; }

  function build(upto) {
    var root = node("/", "d"), index = new Map([["/", root]]);
    function ensure(path, type) {
      var n = index.get(path);
      if (n) { if (type) n.type = type; return n; }
      var parent = ensure(parentOf(path), "d");
      n = node(path, type || "d");
      (parent.kids || (parent.kids = new Map())).set(n.name, n);
      index.set(path, n);
      return n;
    }
    function drop(path) {
      var n = index.get(path); if (!n) return;
      var parent = index.get(parentOf(path)); if (parent && parent.kids) parent.kids.delete(n.name);
      (function forget(x) { index.delete(x.path); if (x.kids) x.kids.forEach(forget); })(n);
    }
    for (var j = 0; j <= upto; j++) {
      var L = D.layers[j], top = j === upto;
      L.d.forEach(function (e) {
        if (!top) return drop(e[0]);
        var n = ensure(e[0], e[1]); n.mark = "D"; n.size = e[2];
      });
      L.a.forEach(function (e) { var n = ensure(e[0], e[1]); n.size = e[2]; n.mark = top ? "A" : ""; });
      L.m.forEach(function (e) { var n = ensure(e[0], e[1]); n.size = e[2]; n.mark = top ? "M" : ""; });
    }
    (function sum(n) {
      n.total = n.type === "d" ? 0 : n.size;
      n.changed = n.mark !== "";
      if (n.kids) n.kids.forEach(function (k) { sum(k); if (k.mark !== "D") n.total += k.total; if (k.changed) n.changed = true; });
      if (n.mark === "D" && n.type === "d") n.total = n.size;
    })(root);
    return { root: root, index: index };
  }

  function row(n, depth, open) {
    var div = document.createElement("div");
    div.className = "row" + (n.mark ? " mark-" + n.mark : "") + (focus === n.path ? " focus" : "");
    div.setAttribute("data-path", n.path);
    div.style.paddingLeft = (depth * 16 + 4) + "px";
    var tw = document.createElement("span"); tw.className = "twisty";
    tw.textContent = n.kids && n.kids.size ? (open ? "\u25be" : "\u25b8") : " ";
    var mk = document.createElement("span"); mk.className = "mark"; mk.textContent = n.mark || " ";
    var sz = document.createElement("span"); sz.className = "size"; sz.textContent = human(n.type === "d" ? n.total : n.size);
    var nm = document.createElement("span"); nm.className = "name"; nm.textContent = n.name + (n.type === "d" && n.path !== "/" ? "/" : "") + (n.type === "l" ? " \u2192" : "");
    div.appendChild(tw); div.appendChild(mk); div.appendChild(sz); div.appendChild(nm);
    return div;
  }

  function render() {
    var box = $("tree"), filter = $("filter").value.trim(), only = $("only-changes").checked;
    var out = document.createDocumentFragment(), shown = 0, visible = null, note = "";
    // A filter or "only changes" opens every directory on the way to what it keeps (up to a cap).
    if (filter || only) {
      visible = new Set(); var matches = 0;
      tree.index.forEach(function (n, p) {
        if (matches >= MAX_MATCHES || (filter && p.indexOf(filter) < 0) || (only && !n.mark)) return;
        matches++;
        for (var q = p; ; q = parentOf(q)) { if (visible.has(q)) break; visible.add(q); if (q === "/") break; }
      });
      note = matches >= MAX_MATCHES ? "first " + MAX_MATCHES + " matches" : matches + " match" + (matches === 1 ? "" : "es");
    }
    (function walk(n, depth) {
      if (visible && !visible.has(n.path)) return;
      var open = visible ? true : expanded.has(n.path);
      out.appendChild(row(n, depth, open)); shown++;
      if (!open || !n.kids) return;
      Array.from(n.kids.values()).sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; })
        .forEach(function (k) { walk(k, depth + 1); });
    })(tree.root, 0);
    box.textContent = ""; box.appendChild(out);
    $("tree-status").textContent = shown + " rows shown" + (note ? " \u00b7 " + note : "");
    var f = focus && box.querySelector(".focus"); if (f) f.scrollIntoView({ block: "center" });
  }

  function select(i) {
    current = i; tree = build(i);
    Array.prototype.forEach.call(document.querySelectorAll("#layers-list li"), function (li) { li.classList.toggle("selected", Number(li.getAttribute("data-index")) === i); });
    var L = D.layers[i];
    $("tree-title").textContent = "Layer " + L.label + " \u2014 " + human(L.size) + " \u00b7 " + L.a.length + " added, " + L.m.length + " modified, " + L.d.length + " removed";
    render();
  }

  function reveal(path) {
    var layer = -1;
    for (var j = 0; j < D.layers.length && layer < 0; j++) {
      if (D.layers[j].a.some(function (e) { return e[0] === path; }) || D.layers[j].m.some(function (e) { return e[0] === path; })) layer = j;
    }
    if (layer < 0) return;
    $("filter").value = ""; $("only-changes").checked = false;
    for (var q = parentOf(path); ; q = parentOf(q)) { expanded.add(q); if (q === "/") break; }
    focus = path; select(layer);
  }

  var list = $("layers-list");
  D.layers.forEach(function (L, i) {
    var li = document.createElement("li"); li.setAttribute("data-index", String(i)); li.tabIndex = 0;
    var s = document.createElement("span"); s.className = "size"; s.textContent = human(L.size);
    var t = document.createElement("span"); t.className = "label"; t.textContent = L.label;
    li.appendChild(s); li.appendChild(t);
    li.addEventListener("click", function () { focus = null; select(i); });
    list.appendChild(li);
  });
  $("tree").addEventListener("click", function (ev) {
    var r = ev.target.closest(".row"); if (!r) return;
    var p = r.getAttribute("data-path");
    if (expanded.has(p)) expanded.delete(p); else expanded.add(p);
    render();
  });
  $("filter").addEventListener("input", render);
  $("only-changes").addEventListener("change", render);
  $("expand-all").addEventListener("click", function () { tree.index.forEach(function (n, p) { if (n.type === "d" && n.total > 0) expanded.add(p); }); render(); });
  $("collapse-all").addEventListener("click", function () { expanded = new Set(["/"]); render(); });
  var wl = $("wasted-list");
  D.wasted.forEach(function (w) {
    var li = document.createElement("li");
    var a = document.createElement("a"); a.href = "#tree"; a.className = "wasted-path"; a.textContent = w[0];
    a.addEventListener("click", function (ev) { ev.preventDefault(); reveal(w[0]); });
    var s = document.createElement("span"); s.className = "size"; s.textContent = human(w[2]) + " in " + w[1] + " layers";
    li.appendChild(s); li.appendChild(a); wl.appendChild(li);
  });
  if (!D.wasted.length) { var p = document.createElement("li"); p.textContent = "No path is in more than one layer."; wl.appendChild(p); }
  select(0);
})();
`;
