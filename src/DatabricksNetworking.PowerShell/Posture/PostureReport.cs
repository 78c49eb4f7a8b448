using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Posture
{
    /// <summary>
    /// The HTML posture report (Export-DbxNetworkPostureReport): one self-contained page, inline CSS and JavaScript only
    /// (no external script, style, font or image), with an inline SVG chart of controls passed/failed across workspaces,
    /// a sortable table with one row per workspace and a sortable table of findings. The figures are also in data-*
    /// attributes, so tests can read them back.
    /// </summary>
    public static class PostureReport
    {
        public static string Render(IReadOnlyList<NetworkPosture> postures, ComplianceBaseline baseline, string title, DateTimeOffset generatedAt)
        {
            var results = postures.Select(p => (Posture: p, Results: ComplianceControls.Evaluate(p, baseline).ToList())).ToList();
            var controls = baseline.Controls.Where(c => !c.Control.AccountLevel).Select(c => c.Control.Name).ToList();
            // Account-level controls once per account, from its first posture in the baseline's scope.
            var accountResults = postures.GroupBy(p => p.AccountId ?? "", StringComparer.OrdinalIgnoreCase)
                .SelectMany(g => g.Select(p => ComplianceControls.EvaluateAccount(p, baseline).ToList()).FirstOrDefault(r => r.Count > 0) ?? new List<ControlResult>())
                .ToList();
            var findings = results.SelectMany(r => r.Results).Concat(accountResults).Where(x => x.Outcome != ComplianceControls.Passed)
                .OrderByDescending(f => f.Severity).ThenBy(f => f.WorkspaceName, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Control, StringComparer.Ordinal).ToList();
            var accountId = postures.Select(p => p.AccountId).FirstOrDefault(a => a != null);

            var sb = new StringBuilder(64 * 1024);
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            sb.Append("<title>").Append(E(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
            sb.Append("<header><h1>").Append(E(title)).Append("</h1><p class=\"meta\">Account ").Append(E(accountId ?? "unknown"))
              .Append(" &middot; generated ").Append(E(generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
              .Append(" &middot; baseline ").Append(E(baseline.Name ?? baseline.Source)).Append("</p></header>\n");

            // ---- summary cards
            var bySeverity = findings.GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count());
            var incomplete = postures.Count(p => !p.Complete);
            sb.Append("<section class=\"cards\" id=\"summary\" data-workspaces=\"").Append(postures.Count).Append("\" data-incomplete=\"").Append(incomplete)
              .Append("\" data-findings=\"").Append(findings.Count).Append("\">\n");
            Card(sb, "Workspaces", postures.Count.ToString(CultureInfo.InvariantCulture), "");
            Card(sb, "Incomplete scans", incomplete.ToString(CultureInfo.InvariantCulture), incomplete > 0 ? "warn" : "");
            Card(sb, "Findings", findings.Count.ToString(CultureInfo.InvariantCulture), findings.Count > 0 ? "bad" : "good");
            foreach (var s in new[] { ComplianceSeverity.Critical, ComplianceSeverity.High, ComplianceSeverity.Medium, ComplianceSeverity.Low })
            {
                bySeverity.TryGetValue(s, out var n);
                Card(sb, s.ToString(), n.ToString(CultureInfo.InvariantCulture), n > 0 ? "sev-" + s.ToString().ToLowerInvariant() : "", s.ToString());
            }
            sb.Append("</section>\n");

            // ---- chart
            sb.Append("<section><h2>Controls across workspaces</h2>\n");
            Chart(sb, controls, results.SelectMany(r => r.Results).ToList());
            sb.Append("</section>\n");

            // ---- the account: its ingress policy and the account-level controls, once
            var accountPosture = postures.Select(p => p.AccountIngress).FirstOrDefault(a => a != null);
            sb.Append("<section id=\"account\" data-account-ingress-mode=\"").Append(E(accountPosture?.PublicIngressMode ?? "unknown")).Append("\"><h2>Account</h2>\n<ul class=\"facts\">");
            sb.Append("<li data-fact=\"account-ingress\">Account ingress policy: ").Append(E(accountPosture?.ToString() ?? "unknown (not read)")).Append("</li>");
            foreach (var r in accountResults)
                sb.Append("<li data-control=\"").Append(E(r.Control)).Append("\" data-outcome=\"").Append(r.Outcome).Append("\" class=\"")
                  .Append(r.Outcome == ComplianceControls.Passed ? "pass" : r.Outcome == ComplianceControls.Failed ? "fail" : "unknown").Append("\">")
                  .Append(E(r.Control)).Append(" (").Append(r.Severity).Append("): ").Append(r.Outcome).Append(" &ndash; ").Append(E(r.Actual)).Append("</li>");
            sb.Append("</ul></section>\n");

            // ---- workspace table
            sb.Append("<section><h2>Workspaces</h2>\n<div class=\"scroll\"><table class=\"sortable\" id=\"workspaces\">\n<thead><tr>");
            foreach (var h in new[] { "Workspace", "Id", "Region", "Scan", "Passed", "Failed", "Unknown" })
                Th(sb, h, h == "Id" || h == "Passed" || h == "Failed" || h == "Unknown");
            foreach (var c in controls) Th(sb, c, false, "ctl");
            foreach (var h in new[] { "VPC", "Back-end PL", "Front-end PL", "Public access", "IP access lists", "NCC", "Egress policy", "Ingress" }) Th(sb, h, false);
            sb.Append("</tr></thead>\n<tbody>\n");
            foreach (var (p, rs) in results.OrderBy(r => r.Posture.WorkspaceName, StringComparer.OrdinalIgnoreCase))
            {
                int passed = rs.Count(r => r.Outcome == ComplianceControls.Passed), failed = rs.Count(r => r.Outcome == ComplianceControls.Failed), unknown = rs.Count(r => r.Outcome == ComplianceControls.Unknown);
                sb.Append("<tr data-workspace-id=\"").Append(p.WorkspaceId).Append("\" data-passed=\"").Append(passed).Append("\" data-failed=\"").Append(failed)
                  .Append("\" data-unknown=\"").Append(unknown).Append("\">");
                Td(sb, "Workspace", p.WorkspaceName ?? "");
                Td(sb, "Id", p.WorkspaceId.ToString(CultureInfo.InvariantCulture), "id");
                Td(sb, "Region", p.Region ?? "");
                Td(sb, "Scan", p.Complete ? "Complete" : "Incomplete", p.Complete ? "" : "warn", p.Complete ? null : string.Join("; ", p.IncompleteReasons));
                Td(sb, "Passed", passed.ToString(CultureInfo.InvariantCulture), "num");
                Td(sb, "Failed", failed.ToString(CultureInfo.InvariantCulture), failed > 0 ? "num bad" : "num");
                Td(sb, "Unknown", unknown.ToString(CultureInfo.InvariantCulture), unknown > 0 ? "num warn" : "num");
                foreach (var c in controls)
                {
                    var r = rs.FirstOrDefault(x => x.Control == c);
                    if (r == null) { sb.Append("<td class=\"ctl na\" data-label=\"").Append(E(c)).Append("\" data-outcome=\"NotApplicable\" title=\"not in scope\">&ndash;</td>"); continue; }
                    var (glyph, cls) = r.Outcome == ComplianceControls.Passed ? ("&#10003;", "pass") : r.Outcome == ComplianceControls.Failed ? ("&#10007;", "fail") : ("?", "unknown");
                    sb.Append("<td class=\"ctl ").Append(cls).Append("\" data-label=\"").Append(E(c)).Append("\" data-control=\"").Append(E(c)).Append("\" data-outcome=\"").Append(r.Outcome)
                      .Append("\" title=\"").Append(E(r.Actual)).Append("\">").Append(glyph).Append("</td>");
                }
                Td(sb, "VPC", p.CustomerManagedVpc ? (p.VpcStatus ?? "?") : "Databricks-managed");
                Td(sb, "Back-end PL", YesNo(p.BackEndPrivateLink));
                Td(sb, "Front-end PL", YesNo(p.FrontEndPrivateLink));
                Td(sb, "Public access", YesNo(p.PublicAccessEnabled));
                Td(sb, "IP access lists", p.IpAccessListsEnabled == null ? "?" : p.IpAccessListsEnabled == true ? $"on ({p.AllowListCount} allow / {p.BlockListCount} block)" : "off");
                Td(sb, "NCC", p.NetworkConnectivityConfigId == null ? "none" : (p.NetworkConnectivityConfigName ?? p.NetworkConnectivityConfigId));
                Td(sb, "Egress policy", p.EgressRestrictionMode == null ? "?" : $"{p.NetworkPolicyId}: {p.EgressRestrictionMode}{(p.PolicyEnforcementMode == "DRY_RUN" ? " (dry run)" : "")}");
                // The policy is the egress one's (one network policy holds both); the cell says when it applies by default.
                Td(sb, "Ingress", IngressText(p), p.OpenIngressRules.Any(r => r.Mode == "Enforced" && !r.SelectedIdentitiesOnly) ? "bad" : "",
                    p.NetworkPolicySource == null ? null : $"network policy {p.NetworkPolicyId} ({(p.NetworkPolicySource == "Bound" ? "bound" : "default-policy, no binding")})"
                        + (p.OpenIngressRules.Length > 0 ? "; open to all addresses: " + string.Join("; ", p.OpenIngressRules.Select(r => r.ToString())) : ""));
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody></table></div></section>\n");

            // ---- findings table
            sb.Append("<section><h2>Findings</h2>\n");
            if (findings.Count == 0) sb.Append("<p class=\"good\" id=\"no-findings\">No findings: every workspace in scope meets the baseline.</p>\n");
            else
            {
                sb.Append("<div class=\"scroll\"><table class=\"sortable\" id=\"findings\">\n<thead><tr>");
                foreach (var h in new[] { "Severity", "Workspace", "Control", "Status", "Actual", "Expected", "How to fix" }) Th(sb, h, false);
                sb.Append("</tr></thead>\n<tbody>\n");
                foreach (var f in findings)
                {
                    sb.Append(f.WorkspaceId.HasValue ? "<tr data-workspace-id=\"" + f.WorkspaceId.Value.ToString(CultureInfo.InvariantCulture) : "<tr data-account-id=\"" + E(f.AccountId ?? ""))
                      .Append("\" data-control=\"").Append(E(f.Control)).Append("\" data-severity=\"").Append(f.Severity).Append("\">");
                    sb.Append("<td class=\"sev-").Append(f.Severity.ToString().ToLowerInvariant()).Append("\" data-label=\"Severity\" data-sort=\"").Append((int)f.Severity).Append("\">").Append(f.Severity).Append("</td>");
                    Td(sb, "Workspace", f.Scope == "Account" ? "(account)" : f.WorkspaceName ?? f.WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? "");
                    Td(sb, "Control", f.Control);
                    Td(sb, "Status", f.Outcome, f.Outcome == ComplianceControls.Unknown ? "warn" : "bad");
                    Td(sb, "Actual", f.Actual, "text");
                    Td(sb, "Expected", f.Expected, "text");
                    Td(sb, "How to fix", f.Remediation, "text fix");
                    sb.Append("</tr>\n");
                }
                sb.Append("</tbody></table></div>\n");
            }
            sb.Append("</section>\n<footer>DatabricksNetworking &middot; Export-DbxNetworkPostureReport<span class=\"js-only\"> &middot; click a column heading to sort, type in a filter box to narrow the rows</span></footer>\n");
            sb.Append("<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
            return sb.ToString();
        }

        private static void Chart(StringBuilder sb, IReadOnlyList<string> controls, List<ControlResult> all)
        {
            const int labelWidth = 250, barWidth = 560, rowHeight = 30, top = 30;
            int height = top + controls.Count * rowHeight + 10;
            var max = Math.Max(1, controls.Select(c => all.Count(r => r.Control == c)).DefaultIfEmpty(0).Max());
            sb.Append("<svg id=\"chart\" role=\"img\" viewBox=\"0 0 ").Append(labelWidth + barWidth + 120).Append(' ').Append(height)
              .Append("\" width=\"").Append(labelWidth + barWidth + 120).Append("\" height=\"").Append(height).Append("\" aria-label=\"Controls passed and failed across workspaces\">\n");
            sb.Append("<g class=\"legend\" font-size=\"12\"><rect x=\"").Append(labelWidth).Append("\" y=\"6\" width=\"12\" height=\"12\" class=\"pass\"/><text x=\"").Append(labelWidth + 16).Append("\" y=\"16\">passed</text>")
              .Append("<rect x=\"").Append(labelWidth + 80).Append("\" y=\"6\" width=\"12\" height=\"12\" class=\"fail\"/><text x=\"").Append(labelWidth + 96).Append("\" y=\"16\">failed</text>")
              .Append("<rect x=\"").Append(labelWidth + 150).Append("\" y=\"6\" width=\"12\" height=\"12\" class=\"unknown\"/><text x=\"").Append(labelWidth + 166).Append("\" y=\"16\">unknown</text></g>\n");
            for (int i = 0; i < controls.Count; i++)
            {
                var c = controls[i];
                var rs = all.Where(r => r.Control == c).ToList();
                int passed = rs.Count(r => r.Outcome == ComplianceControls.Passed), failed = rs.Count(r => r.Outcome == ComplianceControls.Failed), unknown = rs.Count(r => r.Outcome == ComplianceControls.Unknown);
                var y = top + i * rowHeight;
                double scale = (double)barWidth / max;
                sb.Append("<g class=\"bar\" data-control=\"").Append(E(c)).Append("\" data-passed=\"").Append(passed).Append("\" data-failed=\"").Append(failed)
                  .Append("\" data-unknown=\"").Append(unknown).Append("\">");
                sb.Append("<title>").Append(E($"{c}: {passed} passed, {failed} failed, {unknown} unknown")).Append("</title>");
                sb.Append("<text x=\"").Append(labelWidth - 8).Append("\" y=\"").Append(y + 18).Append("\" text-anchor=\"end\" font-size=\"13\">").Append(E(c)).Append("</text>");
                double x = labelWidth;
                foreach (var (n, cls) in new[] { (passed, "pass"), (failed, "fail"), (unknown, "unknown") })
                {
                    if (n == 0) continue;
                    var w = n * scale;
                    sb.Append("<rect class=\"").Append(cls).Append("\" x=\"").Append(F(x)).Append("\" y=\"").Append(y + 4).Append("\" width=\"").Append(F(w)).Append("\" height=\"20\"/>");
                    x += w;
                }
                sb.Append("<text x=\"").Append(F(x + 6)).Append("\" y=\"").Append(y + 18).Append("\" font-size=\"12\" class=\"count\">").Append(passed).Append(" / ").Append(failed);
                if (unknown > 0) sb.Append(" / ").Append(unknown).Append('?');
                sb.Append("</text></g>\n");
            }
            sb.Append("</svg>\n");
        }

        private static void Card(StringBuilder sb, string label, string value, string cls, string? severity = null)
        {
            sb.Append("<div class=\"card ").Append(cls).Append('"');
            if (severity != null) sb.Append(" data-severity=\"").Append(severity).Append("\" data-count=\"").Append(value).Append('"');
            sb.Append("><div class=\"value\">").Append(E(value)).Append("</div><div class=\"label\">").Append(E(label)).Append("</div></div>\n");
        }

        private static void Th(StringBuilder sb, string text, bool numeric, string? cls = null)
        {
            sb.Append("<th scope=\"col\" tabindex=\"0\"");
            if (numeric) sb.Append(" data-type=\"number\"");
            if (cls != null) sb.Append(" class=\"").Append(cls).Append('"');
            sb.Append('>');
            if (cls == "ctl") sb.Append("<span>").Append(E(text)).Append("</span>"); else sb.Append(E(text));
            sb.Append("</th>");
        }

        // data-label names the cell's column: the narrow (card) layout and print show it before the value.
        private static void Td(StringBuilder sb, string label, string text, string? cls = null, string? title = null)
        {
            sb.Append("<td data-label=\"").Append(E(label)).Append('"');
            if (!string.IsNullOrEmpty(cls)) sb.Append(" class=\"").Append(cls).Append('"');
            if (title != null) sb.Append(" title=\"").Append(E(title)).Append('"');
            sb.Append('>').Append(E(text)).Append("</td>");
        }

        // Short words, so the column stays narrow: "restricted, 2 rules; dry run full, 1; 1 open; default".
        private static string IngressText(NetworkPosture p)
        {
            if (p.PublicIngressMode == null) return "?";
            string Short(string? m) => m == "RestrictedAccess" ? "restricted" : m == "FullAccess" ? "full" : m == "None" ? "none" : m ?? "?";
            var t = Short(p.PublicIngressMode) + (p.IngressRuleCount > 0 ? $", {p.IngressRuleCount} rule{(p.IngressRuleCount == 1 ? "" : "s")}" : "");
            if (p.DryRunPublicIngressMode != null) t += $"; dry run {Short(p.DryRunPublicIngressMode)}, {p.IngressDryRunRuleCount}";
            if (p.OpenIngressRules.Length > 0) t += $"; {p.OpenIngressRules.Length} open";
            if (p.NetworkPolicySource == "DefaultPolicy") t += "; default";
            return t;
        }

        private static string YesNo(bool? b) => b == null ? "?" : b.Value ? "yes" : "no";
        private static string E(string s) => WebUtility.HtmlEncode(s);
        private static string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

        private const string Css = @"
:root { --pass: #2e7d32; --fail: #c62828; --unknown: #9e9e9e; --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee4; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; color: var(--ink); background: #fff; }
header h1 { margin: 0 0 4px; font-size: 24px; overflow-wrap: anywhere; }
.meta { margin: 0 0 16px; color: var(--muted); overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 28px 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { min-width: 120px; padding: 12px 16px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); }
.card .value { font-size: 26px; font-weight: 600; }
.card .label { color: var(--muted); }
.card.bad .value, .card.sev-critical .value, .card.sev-high .value { color: var(--fail); }
.card.good .value { color: var(--pass); }
.card.warn .value, .card.sev-medium .value { color: #b26a00; }
svg#chart { max-width: 100%; height: auto; }
svg rect.pass { fill: var(--pass); } svg rect.fail { fill: var(--fail); } svg rect.unknown { fill: var(--unknown); }
svg text { fill: var(--ink); font-family: inherit; } svg text.count { fill: var(--muted); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: var(--bg); cursor: pointer; user-select: none; white-space: normal; overflow-wrap: normal; word-break: keep-all; hyphens: none; }
td.id, td.num, td.ctl, td[class^=sev-] { white-space: nowrap; }
td.text { min-width: 12em; }
th.ctl { vertical-align: bottom; font-weight: 500; } th.ctl span { display: inline-block; writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
th[aria-sort=ascending]::after { content: ' \25B2'; } th[aria-sort=descending]::after { content: ' \25BC'; }
tbody tr:nth-child(even) { background: #fbfcfd; }
td.num { text-align: right; }
td.ctl { text-align: center; font-weight: 700; }
td.pass { color: var(--pass); } td.fail, td.bad { color: var(--fail); } td.unknown, td.warn { color: #b26a00; } td.na { color: var(--unknown); }
td.sev-critical { color: #fff; background: #8e0000; font-weight: 600; } td.sev-high { color: var(--fail); font-weight: 600; }
td.sev-medium { color: #b26a00; font-weight: 600; } td.sev-low, td.sev-info { color: var(--muted); }
p.good { color: var(--pass); font-weight: 600; }
ul.facts { margin: 0; padding-left: 20px; } ul.facts li.pass { color: var(--pass); } ul.facts li.fail { color: var(--fail); } ul.facts li.unknown { color: #b26a00; }
.filter { display: none; margin: 0 0 8px; } html[data-ready] .filter { display: block; }
.filter input { font: inherit; padding: 4px 8px; width: 20em; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; }
.js-only { display: none; } html[data-ready] .js-only { display: inline; }
tr.filtered-out { display: none; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media (max-width: 1500px) { body { padding: 16px; font-size: 12px; } th, td { padding: 4px 3px; } }
/* Narrow screens: each row becomes a card, each cell is preceded by its column's name. */
@media screen and (max-width: 700px) {
  body { padding: 12px; }
  .scroll { overflow-x: visible; border: 0; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { display: block; }
  thead tr { display: flex; flex-wrap: wrap; gap: 4px; border: 0; }
  thead th { position: static; font-size: 12px; padding: 2px 6px; border: 1px solid var(--line); border-radius: 4px; }
  thead th.ctl span { writing-mode: horizontal-tb; transform: none; }
  tbody tr { margin: 0 0 12px; border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; background: #fff; }
  td { border: 0; padding: 2px 0; display: flex; gap: 8px; text-align: left; white-space: normal; overflow-wrap: anywhere; }
  td.num, td.ctl { text-align: left; }
  td.text { min-width: 0; }
  td::before { content: attr(data-label); flex: 0 0 9em; color: var(--muted); font-weight: 600; white-space: normal; }
}
/* Print: every column, headers repeated on each page, no scroll boxes or controls. */
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { padding: 0; font-size: 9px; }
  h2 { break-after: avoid; }
  .scroll { overflow: visible; border: 0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  th { position: static; cursor: auto; }
  th, td { padding: 2px 3px; }
  td.text { min-width: 0; }
  .filter, .js-only { display: none !important; }
  th[aria-sort]::after { content: ''; }
}
";

        private const string Script = @"
(function () {
  'use strict';
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) { return numeric ? 0 : ''; }
    var v = cell.getAttribute('data-sort');
    if (v === null) { v = cell.textContent.trim(); }
    if (numeric || cell.hasAttribute('data-sort')) { var n = parseFloat(v); return isNaN(n) ? -Infinity : n; }
    return v.toLowerCase();
  }
  function sortTable(table, index, direction) {
    var th = table.tHead.rows[0].cells[index];
    var numeric = th.getAttribute('data-type') === 'number';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = direction === 'descending' ? -1 : 1;
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      return x < y ? -sign : x > y ? sign : 0;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', direction);
  }
  function columnIndex(table, name) {
    var cells = table.tHead.rows[0].cells;
    for (var i = 0; i < cells.length; i++) { if (cells[i].textContent.trim().toLowerCase() === name.toLowerCase()) { return i; } }
    return -1;
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      function go() { sortTable(table, index, th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending'); }
      th.addEventListener('click', go);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
    });
  });
  // #sort=<table id>:<column heading>:<ascending|descending> sorts on load (links to a sorted view).
  var m = /sort=([^:&]+):([^:&]+):(ascending|descending)/.exec(decodeURIComponent(location.hash || ''));
  if (m) {
    var t = document.getElementById(m[1]);
    if (t) { var i = columnIndex(t, m[2]); if (i >= 0) { sortTable(t, i, m[3]); } }
  }
  // A filter box per table (made here, so a page without scripts shows no control that does nothing).
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var box = document.createElement('div'); box.className = 'filter';
    var input = document.createElement('input'); input.type = 'search'; input.placeholder = 'Filter rows';
    input.setAttribute('aria-label', 'Filter the rows of ' + table.id); input.setAttribute('data-table', table.id);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.classList.toggle('filtered-out', q !== '' && r.textContent.toLowerCase().indexOf(q) < 0);
      });
    });
    box.appendChild(input);
    var holder = table.parentNode.classList.contains('scroll') ? table.parentNode : table;
    holder.parentNode.insertBefore(box, holder);
  });
  document.documentElement.setAttribute('data-ready', 'true');
})();
";
    }
}
