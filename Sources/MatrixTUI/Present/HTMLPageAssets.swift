/// The page's style sheet and script, inlined in every page (the Content Security Policy
/// names their hashes, and nothing else may run or load).
enum HTMLPageAssets {
  /// The style sheet: the explorer's colours (green allowed, red denied, yellow some ports,
  /// dim self) on a light background, sticky headers.
  static let style = #"""
    :root { --allow: #1a7f37; --deny: #cf222e; --some: #9a6700; --self: #8c959f; --head: #0598bc; --line: #d0d7de; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; color: #1f2328; background: #fff; }
    header { position: sticky; top: 0; left: 0; z-index: 5; background: #fff; border-bottom: 1px solid var(--line); padding: 6px 10px; }
    h1 { font-size: 14px; margin: 0 0 4px; padding: 3px 8px; background: var(--head); color: #000; }
    .whatif { margin: 2px 0; color: #9a6700; font-weight: bold; }
    .legend span { margin-right: 1.2em; }
    .tools { margin-top: 4px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    #filter { font: inherit; width: 36em; padding: 2px 4px; }
    #filter-note { color: #57606a; }
    #status { margin-top: 4px; min-height: 1.4em; white-space: pre-wrap; }
    main { display: flex; align-items: flex-start; }
    #grid { overflow: auto; max-height: calc(100vh - 130px); flex: 0 1 auto; outline: none; }
    #trace { flex: 1 1 40%; min-width: 30em; max-height: calc(100vh - 130px); overflow: auto; border-left: 2px solid var(--head); padding: 6px 10px; white-space: pre-wrap; position: relative; }
    #trace .close { position: absolute; right: 6px; top: 4px; font: inherit; }
    table.matrix { border-collapse: separate; border-spacing: 0; }
    .matrix th { background: #f6f8fa; font-weight: normal; white-space: nowrap; }
    .matrix th span { display: inline-block; max-width: 28em; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
    .matrix thead th { position: sticky; top: 0; z-index: 2; border-bottom: 1px solid var(--line); }
    .matrix th.col { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; padding: 4px 1px; max-height: 16em; }
    .matrix th.col span { max-height: 16em; max-width: none; }
    .matrix th.row { position: sticky; left: 0; z-index: 1; text-align: left; padding: 0 6px; border-right: 1px solid var(--line); }
    .matrix th.corner { position: sticky; left: 0; top: 0; z-index: 3; text-align: left; vertical-align: bottom; padding: 4px 6px; color: #57606a; }
    .matrix th.g1, .matrix tr.g1 th.row { background: #eaeef2; }
    .cell { text-align: center; min-width: 2.2em; height: 1.9em; padding: 0 3px; font-size: 15px; cursor: pointer; border-right: 1px solid #f0f0f0; border-bottom: 1px solid #f0f0f0; }
    .cell.group { padding: 2px 8px; white-space: nowrap; }
    .v-allow, .v-all { color: var(--allow); }
    .v-deny, .v-none { color: var(--deny); }
    .v-some, .v-mixed { color: var(--some); }
    .cell.self, .v-empty { color: var(--self); }
    .cell:hover { outline: 1px solid #57606a; }
    .cell.cursor { background: #1f2328; color: #fff; font-weight: bold; }
    .line.t-h { font-weight: bold; }
    .line.t-m { color: #6e7781; }
    .line.t-a { color: var(--allow); font-weight: bold; }
    .line.t-d { color: var(--deny); font-weight: bold; }
    .line.t-s { color: var(--some); font-weight: bold; }
    .line.i1 { padding-left: 2ch; } .line.i2 { padding-left: 4ch; } .line.i3 { padding-left: 6ch; } .line.i4, .line.i5 { padding-left: 8ch; }
    .line { text-indent: -2ch; padding-left: 2ch; }
    .loc { color: #6e7781; margin-left: 3ch; }
    @media print { header { position: static; } #grid, #trace { max-height: none; overflow: visible; } }
    table.list { border-collapse: collapse; margin: 8px 10px; }
    .list th, .list td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
    .list th { background: #f6f8fa; }
    .list td.n { text-align: right; }
    .opened { color: var(--allow); font-weight: bold; }
    .closed { color: var(--deny); font-weight: bold; }
    h2 { font-size: 13px; margin: 12px 10px 4px; }
    p.ids { margin: 4px 10px; }
    .cell.changed { font-weight: bold; background: #fff1a8; }
    .line.changed { background: #fff1a8; }
    .legend .changed { background: #fff1a8; }
    """#

  /// The script: reads the page's data, draws the grid (or the namespace pairs), and
  /// answers the mouse, the keys, the filter box and the `#select=` and `#pair=` fragments.
  /// It writes names only as text (`textContent`), never as markup.
  static let script = #"""
    (function () {
      "use strict";
      var D = JSON.parse(document.getElementById("data").textContent);
      var E = D.endpoints, G = D.groups, C = D.classes, W = D.width;
      var byId = {};
      E.forEach(function (e, i) { byId[e[0]] = i; });
      var $ = function (id) { return document.getElementById(id); };
      var grid = $("grid"), trace = $("trace"), status = $("status"), box = $("filter"), note = $("filter-note");
      var MARK = { a: "\u2713", d: "\u2717", s: "\u25d0", x: "\u00b7" };
      var WORD = D.any ? { a: "all allowed", d: "none allowed", s: "some ports", x: "self" } : { a: "allowed", d: "denied", x: "self" };
      var VERDICT = D.any ? { a: "all", d: "none", s: "some", x: "self" } : { a: "allow", d: "deny", x: "allow" };
      // With a change (`diff --format html`): the changed cells by position, [row, column, opens, before, reason].
      var N = E.length, CH = {};
      (D.changes || []).forEach(function (ch) { CH[ch[0] * N + ch[1]] = ch; });
      var S = { zoomed: D.zoomOut, pair: null, rows: D.rows, cols: D.cols, r: 0, c: 0, shownRows: [], shownCols: [] };

      function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text != null) e.textContent = text;
        return e;
      }
      function decode(s, at) {
        var v = 0;
        for (var i = 0; i < W; i++) v = v * 64 + D.digits.indexOf(s.charAt(at * W + i));
        return v;
      }
      function entry(r, c) {
        var code = r === c ? decode(D.self, r) : decode(D.cells, E[r][2] * C + E[c][2]);
        return D.entries[code];
      }
      function fill(text, r, c) {
        return text.replace(/\u0001([a-h])/g, function (_, k) {
          var e = "aceg".indexOf(k) >= 0 ? E[r] : E[c];
          if (k === "a" || k === "b") return e[0];
          if (k === "c" || k === "d") return e[3];
          if (k === "e" || k === "f") return e[4];
          return e[5] || "an address";
        });
      }
      function describe(r, c) {
        var en = entry(r, c);
        var head = E[r][0] + " \u2192 " + E[c][0] + ": ";
        var ch = CH[r * N + c], was = ch ? "; before the change: " + ch[3] : "";
        if (D.any) return head + WORD[en[0]] + (en[0] === "s" ? " (" + en[1] + ")" : "") + was;
        return head + WORD[en[0]] + " \u2014 " + fill(en[1], r, c) + was;
      }

      // Filtering: the explorer's `/`: a selector when the text looks like one, else a substring of the id.
      function looksLikeSelector(t) {
        return ["==", "!=", "has(", " in ", "all()", "&&", "||", "!", " contains ", " starts with ", " ends with "]
          .some(function (w) { return t.indexOf(w) >= 0; });
      }
      function parseSelector(text) {
        var toks = [], re = /\s*(\|\||&&|==|!=|!|\(|\)|\{|\}|,|'[^']*'|"[^"]*"|[A-Za-z0-9_.\/-]+)/y, m, at = 0;
        while (at < text.length) {
          re.lastIndex = at;
          m = re.exec(text);
          if (!m) { if (/^\s*$/.test(text.slice(at))) break; throw new Error("unexpected " + text.slice(at).trim().charAt(0) + " at column " + (at + 1)); }
          toks.push(m[1]);
          at = re.lastIndex;
        }
        var i = 0;
        function peek() { return toks[i]; }
        function take(t) { if (t !== undefined && toks[i] !== t) throw new Error("expected " + t + (toks[i] ? " before " + toks[i] : " at the end")); return toks[i++]; }
        function str() { var t = take(); if (!t || !/^['"]/.test(t)) throw new Error("expected a quoted value"); return t.slice(1, -1); }
        function set() { take("{"); var v = []; if (peek() !== "}") { v.push(str()); while (peek() === ",") { take(","); v.push(str()); } } take("}"); return v; }
        function or() { var l = and(); while (peek() === "||") { take(); var a = l, b = and(); l = function (x) { return a(x) || b(x); }; } return l; }
        function and() { var l = unary(); while (peek() === "&&") { take(); var a = l, b = unary(); l = function (x) { return a(x) && b(x); }; } return l; }
        function unary() { if (peek() === "!") { take(); var f = unary(); return function (x) { return !f(x); }; } return primary(); }
        function primary() {
          var t = take();
          if (t === undefined) throw new Error("the selector ends too soon");
          if (t === "(") { var f = or(); take(")"); return f; }
          if ((t === "all" || t === "global") && peek() === "(") { take("("); take(")"); return function () { return true; }; }
          if (t === "has" && peek() === "(") { take("("); var k = take(); take(")"); return function (x) { return Object.prototype.hasOwnProperty.call(x, k); }; }
          if (!/^[A-Za-z0-9_.\/-]+$/.test(t)) throw new Error("unexpected " + t);
          var key = t, op = take(), v;
          var has = function (x) { return Object.prototype.hasOwnProperty.call(x, key); };
          if (op === "==") { v = str(); return function (x) { return has(x) && x[key] === v; }; }
          if (op === "!=") { v = str(); return function (x) { return !has(x) || x[key] !== v; }; }
          if (op === "in") { v = set(); return function (x) { return has(x) && v.indexOf(x[key]) >= 0; }; }
          if (op === "not") { take("in"); v = set(); return function (x) { return !has(x) || v.indexOf(x[key]) < 0; }; }
          if (op === "contains") { v = str(); return function (x) { return has(x) && x[key].indexOf(v) >= 0; }; }
          if (op === "starts") { take("with"); v = str(); return function (x) { return has(x) && x[key].indexOf(v) === 0; }; }
          if (op === "ends") { take("with"); v = str(); return function (x) { return has(x) && x[key].slice(-v.length) === v; }; }
          throw new Error("expected ==, !=, in, not in, contains, starts with or ends with after " + key);
        }
        var f = or();
        if (i < toks.length) throw new Error("unexpected " + toks[i]);
        return f;
      }
      function applyFilter() {
        var t = box.value.trim(), keep;
        note.textContent = "";
        if (!t) keep = function () { return true; };
        else if (looksLikeSelector(t)) {
          try { var f = parseSelector(t); keep = function (i) { return f(E[i][6]); }; }
          catch (err) { note.textContent = "selector: " + err.message; return; }
        } else {
          var needle = t.toLowerCase();
          keep = function (i) { return E[i][0].toLowerCase().indexOf(needle) >= 0; };
        }
        S.rows = t ? D.rows.filter(keep) : D.rows;
        S.cols = t ? D.cols.filter(keep) : D.cols;
        note.textContent = t ? S.rows.length + " rows, " + S.cols.length + " columns" +
          (C === 0 ? " (the namespaces that hold them, counted whole)" : "") : "";
        draw();
      }

      function clear() { while (grid.firstChild) grid.removeChild(grid.firstChild); }
      function head(text, cls) {
        var th = el("th", cls);
        th.appendChild(el("span", null, text));
        th.title = text;
        return th;
      }
      function counts(rows, cols) {
        var n = G.length, t = [], i, j;
        for (i = 0; i < n * n * 3; i++) t.push(0);
        // Unfiltered, the counts the page carries; filtered, counted again from the cells.
        if (C === 0 || (rows === D.rows && cols === D.cols)) return D.tallies;
        for (i = 0; i < rows.length; i++) {
          var r = rows[i], base = E[r][1] * n;
          for (j = 0; j < cols.length; j++) {
            var c = cols[j];
            if (r === c) continue;
            var v = entry(r, c)[0], at = (base + E[c][1]) * 3;
            t[at + (v === "a" ? 0 : v === "s" ? 1 : 2)]++;
          }
        }
        return t;
      }
      function drawGroups() {
        var n = G.length, t = counts(S.rows, S.cols), changed = {};
        (D.changes || []).forEach(function (ch) { var k = E[ch[0]][1] * n + E[ch[1]][1]; changed[k] = (changed[k] || 0) + 1; });
        var inRows = {}, inCols = {};
        S.rows.forEach(function (r) { inRows[E[r][1]] = true; });
        S.cols.forEach(function (c) { inCols[E[c][1]] = true; });
        S.shownRows = G.map(function (_, g) { return g; }).filter(function (g) { return inRows[g]; });
        S.shownCols = G.map(function (_, g) { return g; }).filter(function (g) { return inCols[g]; });
        var table = el("table", "matrix groups"), tr = el("tr");
        tr.appendChild(el("th", "corner", "source \u2193 destination \u2192"));
        S.shownCols.forEach(function (g) { tr.appendChild(head(G[g], "col")); });
        table.appendChild(el("thead")).appendChild(tr);
        var body = el("tbody");
        S.shownRows.forEach(function (a) {
          var row = el("tr");
          row.appendChild(head(G[a], "row"));
          S.shownCols.forEach(function (b) {
            var at = (a * n + b) * 3, allowed = t[at], some = t[at + 1], denied = t[at + 2], total = allowed + some + denied;
            var v = total === 0 ? "x" : allowed === total ? "a" : denied === total ? "d" : "s";
            var delta = changed[a * n + b] ? " \u0394" + changed[a * n + b] : "";
            var td = el("td", "cell group v-" + (total === 0 ? "empty" : v === "s" ? "mixed" : VERDICT[v]) + (delta ? " changed" : ""), total === 0 ? "" : MARK[v] + " " + (allowed + some) + "/" + total + delta);
            td.dataset.text = G[a] + " \u2192 " + G[b] + ": " + allowed + " " + WORD.a + (D.any ? ", " + some + " some ports" : "") + ", " + denied + " " + WORD.d + " of " + total + (delta ? "; " + changed[a * n + b] + " changed" : "") + (C > 0 ? " (Enter or click: the cells)" : "");
            row.appendChild(td);
          });
          body.appendChild(row);
        });
        table.appendChild(body);
        grid.appendChild(table);
      }
      var LIMIT = 250000;
      function drawCells() {
        var rows = S.rows, cols = S.cols;
        if (S.pair) {
          rows = rows.filter(function (r) { return E[r][1] === S.pair[0]; });
          cols = cols.filter(function (c) { return E[c][1] === S.pair[1]; });
        }
        var cut = "";
        if (rows.length * cols.length > LIMIT) {
          var keep = Math.floor(Math.sqrt(LIMIT));
          cut = "the first " + keep + " rows and columns of " + rows.length + " \u00d7 " + cols.length + " (filter to see others)";
          rows = rows.slice(0, keep);
          cols = cols.slice(0, keep);
        }
        S.shownRows = rows;
        S.shownCols = cols;
        var table = el("table", "matrix cells"), tr = el("tr");
        tr.appendChild(el("th", "corner", cut || "source \u2193 destination \u2192"));
        cols.forEach(function (c) { tr.appendChild(head(E[c][0], "col g" + (E[c][1] % 2))); });
        table.appendChild(el("thead")).appendChild(tr);
        var body = el("tbody");
        rows.forEach(function (r) {
          var row = el("tr", "g" + (E[r][1] % 2));
          row.appendChild(head(E[r][0], "row"));
          var html = "";
          for (var j = 0; j < cols.length; j++) {
            var v = r === cols[j] ? "x" : entry(r, cols[j])[0], ch = CH[r * N + cols[j]];
            var mark = !ch ? MARK[v] : D.any ? "\u25c6" : ch[2] ? "\u25b2" : "\u25bc";
            html += '<td class="cell v-' + VERDICT[v] + (v === "x" ? " self" : "") + (ch ? " changed" : "") + '">' + mark + "</td>";
          }
          row.insertAdjacentHTML("beforeend", html);
          body.appendChild(row);
        });
        table.appendChild(body);
        grid.appendChild(table);
      }
      function draw() {
        clear();
        $("where").textContent = S.zoomed ? "namespace pairs (counts of allowed / all cells)" : S.pair ? G[S.pair[0]] + " \u2192 " + G[S.pair[1]] : "every endpoint";
        $("zoom").textContent = S.zoomed ? "show cells" : "zoom out to namespaces";
        $("zoom").disabled = S.zoomed && C === 0;
        if (S.zoomed) drawGroups(); else drawCells();
        S.r = Math.min(S.r, Math.max(0, S.shownRows.length - 1));
        S.c = Math.min(S.c, Math.max(0, S.shownCols.length - 1));
        cursor(false);
      }
      function cellAt(i, j) {
        var row = grid.querySelectorAll("tbody tr")[i];
        return row ? row.children[j + 1] : null;
      }
      function cursor(scroll) {
        var old = grid.querySelector(".cursor");
        if (old) old.classList.remove("cursor");
        var td = cellAt(S.r, S.c);
        if (!td) { status.textContent = "nothing shown"; return; }
        td.classList.add("cursor");
        if (scroll) td.scrollIntoView({ block: "nearest", inline: "nearest" });
        status.textContent = S.zoomed ? td.dataset.text : describe(S.shownRows[S.r], S.shownCols[S.c]);
      }
      function open() {
        if (S.zoomed) {
          if (C === 0) {
            status.textContent = "this page carries counts only; `matrix-tui eval --format html --from " + G[S.shownRows[S.r]] + " --to " + G[S.shownCols[S.c]] + "` makes the page of these cells";
            return;
          }
          S.pair = [S.shownRows[S.r], S.shownCols[S.c]];
          S.zoomed = false;
          S.r = 0; S.c = 0;
          draw();
          return;
        }
        showTrace(S.shownRows[S.r], S.shownCols[S.c]);
      }
      function showTrace(r, c) {
        while (trace.firstChild) trace.removeChild(trace.firstChild);
        var en = entry(r, c);
        trace.hidden = false;
        trace.dataset.from = E[r][0];
        trace.dataset.to = E[c][0];
        var close = el("button", "close", "\u00d7");
        close.title = "close (Escape)";
        close.addEventListener("click", function () { trace.hidden = true; });
        trace.appendChild(close);
        var ch = CH[r * N + c];
        if (ch) trace.appendChild(el("div", "line t-h changed", "before the change: " + ch[3] + (ch[4] ? "  " + ch[4] : "")));
        if (D.any) {
          trace.appendChild(el("div", "line t-h", E[r][0] + " -> " + E[c][0] + "  any"));
          trace.appendChild(el("div", "line i1 t-" + en[0], r === c ? en[1] : "allowed: " + en[1]));
          trace.appendChild(el("div", "line i1 t-m", "matrix-tui trace --probe PROTOCOL/PORT explains one probe tier by tier"));
          return;
        }
        trace.appendChild(el("div", "line t-" + (en[0] === "d" ? "d" : "a"), E[r][0] + " -> " + E[c][0] + en[2]));
        if (!en[3]) {
          trace.appendChild(el("div", "line i1 t-n", fill(en[1], r, c)));
          trace.appendChild(el("div", "line i1 t-m", "the whole trace: matrix-tui trace --from " + E[r][0] + " --to " + E[c][0] + " " + D.paths));
          return;
        }
        en[3].forEach(function (l) {
          var d = el("div", "line i" + Math.min(l[0], 5) + " t-" + l[1], fill(l[2], r, c));
          if (l[3]) d.appendChild(el("span", "loc", l[3]));
          trace.appendChild(d);
        });
      }
      function position(td) {
        var tr = td.parentNode;
        return [Array.prototype.indexOf.call(tr.parentNode.children, tr), Array.prototype.indexOf.call(tr.children, td) - 1];
      }
      grid.addEventListener("mouseover", function (ev) {
        var td = ev.target.closest("td");
        if (!td) return;
        var p = position(td), text = S.zoomed ? td.dataset.text : describe(S.shownRows[p[0]], S.shownCols[p[1]]);
        status.textContent = text;
        td.title = text;
      });
      grid.addEventListener("click", function (ev) {
        var td = ev.target.closest("td");
        if (!td) return;
        var p = position(td);
        S.r = p[0]; S.c = p[1];
        cursor(false);
        open();
      });
      document.addEventListener("keydown", function (ev) {
        if (ev.target === box) {
          if (ev.key === "Enter" || ev.key === "Escape") { box.blur(); grid.focus(); }
          return;
        }
        var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
        if (moves[ev.key]) {
          S.r = Math.max(0, Math.min(S.shownRows.length - 1, S.r + moves[ev.key][0]));
          S.c = Math.max(0, Math.min(S.shownCols.length - 1, S.c + moves[ev.key][1]));
          cursor(true);
        } else if (ev.key === "Enter") open();
        else if (ev.key === "Escape") { if (!trace.hidden) trace.hidden = true; else if (S.pair) zoom(); }
        else if (ev.key === "z") zoom();
        else if (ev.key === "/") box.focus();
        else return;
        ev.preventDefault();
      });
      function zoom() {
        if (S.zoomed && C === 0) return;
        S.zoomed = !S.zoomed;
        S.pair = null;
        S.r = 0; S.c = 0;
        draw();
      }
      $("zoom").addEventListener("click", zoom);
      box.addEventListener("input", applyFilter);

      // `#select=FROM,TO` opens that cell's trace, `#pair=A,B` the cells of two groups, and
      // `#filter=TEXT` filters as the box does.
      function fromFragment() {
        var h = decodeURIComponent(location.hash.slice(1)), m;
        if ((m = /^select=([^,]*),(.*)$/.exec(h)) && m[1] in byId && m[2] in byId) {
          var r = byId[m[1]], c = byId[m[2]];
          if (C === 0) return;
          if (S.zoomed) { S.zoomed = false; S.pair = [E[r][1], E[c][1]]; draw(); }
          S.r = Math.max(0, S.shownRows.indexOf(r));
          S.c = Math.max(0, S.shownCols.indexOf(c));
          cursor(true);
          showTrace(r, c);
        } else if ((m = /^filter=(.*)$/.exec(h))) {
          box.value = m[1];
          applyFilter();
        } else if ((m = /^pair=([^,]*),(.*)$/.exec(h)) && C > 0) {
          var a = G.indexOf(m[1]), b = G.indexOf(m[2]);
          if (a >= 0 && b >= 0) { S.zoomed = false; S.pair = [a, b]; draw(); }
        }
      }
      draw();
      fromFragment();
      window.addEventListener("hashchange", fromFragment);
      var ready = performance.now();
      document.documentElement.dataset.ready = ready.toFixed(1);
      document.documentElement.dataset.cells = String(grid.querySelectorAll("td").length);
      function paint() {
        var p = performance.getEntriesByType("paint");
        if (!p.length) { requestAnimationFrame(function () { setTimeout(paint, 0); }); return; }
        p.forEach(function (e) { document.documentElement.dataset[e.name === "first-paint" ? "firstPaint" : "firstContentfulPaint"] = e.startTime.toFixed(1); });
        console.log("matrix-tui page: ready " + ready.toFixed(1) + " ms, " + p.map(function (e) { return e.name + " " + e.startTime.toFixed(1) + " ms"; }).join(", "));
      }
      paint();
    })();
    """#
}
