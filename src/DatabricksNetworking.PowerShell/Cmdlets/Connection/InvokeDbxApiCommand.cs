using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using System.Net.Http;
using DatabricksNetworking.Client;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Connection
{
    public enum DbxHttpMethod { Get, Post, Put, Patch, Delete }

    /// <summary>
    /// <para type="synopsis">Calls any Databricks account or workspace REST endpoint with the context's authentication.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "DbxApi", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Invoke-DbxApi.md")]
    [OutputType(typeof(PSObject))]
    public sealed class InvokeDbxApiCommand : DbxCmdlet
    {
        [Parameter(Position = 0)]
        public DbxHttpMethod Method { get; set; } = DbxHttpMethod.Get;

        /// <summary>Path such as /api/2.0/accounts/{account_id}/networks; {account_id} is filled from the context. Paths under /api/2.0/accounts/ are account calls, others are workspace calls.</summary>
        [Parameter(Position = 1, Mandatory = true)]
        public string Path { get; set; } = "";

        /// <summary>Hashtable, object or JSON string.</summary>
        [Parameter]
        public object? Body { get; set; }

        [Parameter]
        public Hashtable? Query { get; set; }

        /// <summary>Extra request headers. Host, Authorization, Cookie, framing headers and X-Databricks-* are refused, as are control characters.</summary>
        [Parameter]
        public Hashtable? Header { get; set; }

        /// <summary>For workspace calls through an account context.</summary>
        [Parameter]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }

        /// <summary>Return the raw response text instead of objects.</summary>
        [Parameter]
        public SwitchParameter Raw { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = Path;
            if (!Path.StartsWith("/", StringComparison.Ordinal))
                throw new DbxValidationException("DbxInvalidPath", $"-Path must start with '/', e.g. /api/2.0/ip-access-lists (got '{Path}').", Path);
            var isAccount = Path.StartsWith("/api/2.0/accounts/", StringComparison.Ordinal) || Path.IndexOf("{account_id}", StringComparison.Ordinal) >= 0
                || Path.StartsWith("/api/networking/", StringComparison.Ordinal);
            DbxClient client;
            if (isAccount && WorkspaceId == null)
            {
                var ctx = Context ?? DbxSession.DefaultAccount ?? DbxSession.DefaultWorkspace;
                if (ctx == null) { ThrowTerminatingError(ErrorRecords.NotConnected("Not connected. Run Connect-DbxAccount first, or pass -Context.")); return; }
                client = ctx.Client;
            }
            else client = WorkspaceClient(WorkspaceId);

            var path = Path;
            if (path.IndexOf("{account_id}", StringComparison.Ordinal) >= 0)
            {
                if (string.IsNullOrEmpty(client.AccountId))
                    throw new DbxValidationException("DbxMissingAccountId", "The path contains {account_id} but the context has no account id.", Path);
                path = path.Replace("{account_id}", RequestGuard.Segment(Validation.DbxIdKind.Account, client.AccountId));
            }
            var method = new HttpMethod(Method.ToString().ToUpperInvariant());
            var request = client.NewRequest(method, path);
            if (Query != null)
                foreach (DictionaryEntry q in Query)
                    request.WithQuery(Convert.ToString(q.Key, CultureInfo.InvariantCulture) ?? "", FormatQuery(q.Value));
            if (Header != null)
                foreach (DictionaryEntry h in Header)
                {
                    var name = Convert.ToString(h.Key, CultureInfo.InvariantCulture) ?? "";
                    var value = Convert.ToString(h.Value, CultureInfo.InvariantCulture) ?? "";
                    RequestGuard.CheckHeader(name, value);
                    request.Headers.Add(new System.Collections.Generic.KeyValuePair<string, string>(name, value));
                }
            if (Body != null) request.Body = PsJson.FromPs(Body);

            // Refused here too, so -WhatIf shows the refusal: the path must stay on the context's host (DbxUnsafePath).
            RequestGuard.Resolve(client.Http.BaseUri, request.PathAndQuery, method.Method);
            if (method != HttpMethod.Get && !ShouldProcess(client.Http.BaseUri.GetLeftPart(UriPartial.Authority) + request.PathAndQuery, method.Method)) return;

            var resp = Run(ct => client.SendAsync(request, ct));
            if (Raw) { WriteObject(System.Text.Encoding.UTF8.GetString(resp.Body)); return; }
            if (resp.Body.Length == 0) return;
            WriteObject(PsJson.ToPs(resp), enumerateCollection: true);
        }

        private static string FormatQuery(object? value)
        {
            if (value is PSObject p) value = p.BaseObject;
            if (value is bool b) return b ? "true" : "false";
            if (value is IEnumerable e && !(value is string))
            {
                var parts = new System.Collections.Generic.List<string>();
                foreach (var x in e) parts.Add(Convert.ToString(x, CultureInfo.InvariantCulture) ?? "");
                return string.Join(",", parts);
            }
            return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        }
    }
}
