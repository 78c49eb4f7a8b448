using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;

namespace DatabricksNetworking.Completion
{
    /// <summary>One existing object offered by tab completion: its id, and its name when the list has one.</summary>
    public sealed class IdCandidate
    {
        public IdCandidate(string id, string? name, string? detail) { Id = id; Name = name; Detail = detail; }
        public string Id { get; }
        public string? Name { get; }
        public string? Detail { get; }
    }

    /// <summary>
    /// Where the ids of one kind of object come from: one generic GET list of the Databricks API (a bare JSON
    /// array, <c>{items, next_page_token}</c>, or a named wrapper such as <c>{ip_access_lists: [...]}</c>).
    /// Pure client code (no PowerShell types), so it is unit-tested with a fake HTTP handler.
    /// </summary>
    public sealed class IdSource
    {
        /// <summary>At most this many pages are read for a completion list.</summary>
        public const int MaxPages = 20;

        private readonly Func<JsonElement, IEnumerable<IdCandidate>>? reader;

        private IdSource(bool workspaceLevel, string path, string idField, string? nameField, string? listProperty, string? detailField, bool networkingApi = false,
            Func<JsonElement, IEnumerable<IdCandidate>>? reader = null)
        {
            this.reader = reader;
            NetworkingApi = networkingApi;
            WorkspaceLevel = workspaceLevel; Path = path; IdField = idField; NameField = nameField; ListProperty = listProperty; DetailField = detailField;
        }

        /// <summary>An account-level list: <paramref name="relativePath"/> is under <c>/api/2.0/accounts/{account_id}/</c>.</summary>
        public static IdSource Account(string relativePath, string idField, string? nameField = null, string? listProperty = null, string? detailField = null) =>
            new IdSource(false, relativePath, idField, nameField, listProperty, detailField);

        /// <summary>An account-level list of the networking v1 API: <paramref name="relativePath"/> is under <c>/api/networking/v1/accounts/{account_id}/</c>.</summary>
        public static IdSource NetworkingAccount(string relativePath, string idField, string? nameField = null, string? detailField = null) =>
            new IdSource(false, relativePath, idField, nameField, null, detailField, networkingApi: true);

        /// <summary>
        /// One account-level object (not a list) under <c>/api/2.0/accounts/{account_id}/</c> whose candidates
        /// <paramref name="reader"/> picks out, such as the rule labels of one network policy; <paramref name="what"/>
        /// names what is read (part of the cache key, so two readers of one object are two entries).
        /// </summary>
        public static IdSource AccountObject(string relativePath, string what, Func<JsonElement, IEnumerable<IdCandidate>> reader) =>
            new IdSource(false, relativePath, what, null, null, null, reader: reader);

        /// <summary>A workspace-level list at an absolute path such as <c>/api/2.0/ip-access-lists</c>.</summary>
        public static IdSource Workspace(string path, string idField, string? nameField = null, string? listProperty = null, string? detailField = null) =>
            new IdSource(true, path, idField, nameField, listProperty, detailField);

        public bool WorkspaceLevel { get; }
        /// <summary>Under <c>/api/networking/v1/accounts/{account_id}/</c> rather than <c>/api/2.0/accounts/{account_id}/</c>.</summary>
        public bool NetworkingApi { get; }
        public string Path { get; }
        public string IdField { get; }
        public string? NameField { get; }
        /// <summary>The property holding the array when the response is an object; null = bare array or <c>items</c>.</summary>
        public string? ListProperty { get; }
        public string? DetailField { get; }

        /// <summary>The cache key of this list (with the workspace for workspace-level lists, and the fields read from it).</summary>
        public string Key(long? workspaceId) =>
            (WorkspaceLevel ? "ws:" + (workspaceId?.ToString(CultureInfo.InvariantCulture) ?? "-") + ":" : NetworkingApi ? "net:" : "acct:") + Path
            + "#" + IdField + "," + NameField + "," + DetailField; // one list read for two fields (networks: network_id, vpc_id) is two entries

        /// <summary>Reads the whole list (following <c>next_page_token</c>, at most <see cref="MaxPages"/> pages).</summary>
        public async Task<IReadOnlyList<IdCandidate>> FetchAsync(DbxClient client, long? workspaceId, CancellationToken ct)
        {
            DbxClient target = client;
            string path;
            if (WorkspaceLevel)
            {
                if (client.Scope != DbxScope.Workspace)
                {
                    var id = workspaceId ?? client.WorkspaceId;
                    if (!id.HasValue) return Array.Empty<IdCandidate>();
                    target = await client.ForWorkspaceAsync(id.Value, ct).ConfigureAwait(false);
                }
                path = Path;
            }
            else
            {
                if (string.IsNullOrEmpty(client.AccountId)) return Array.Empty<IdCandidate>();
                path = NetworkingApi ? client.NetworkingAccountPath(Path) : client.AccountPath(Path);
            }

            var result = new List<IdCandidate>();
            string? token = null;
            for (int page = 0; page < MaxPages; page++)
            {
                var resp = await target.SendRawAsync(HttpMethod.Get, path, null, ct, ("page_token", token)).ConfigureAwait(false);
                token = Read(resp.Body, result);
                if (token == null) break;
            }
            return result;
        }

        /// <summary>Adds the candidates of one response body; returns the next page token, if any.</summary>
        internal string? Read(byte[] body, List<IdCandidate> into)
        {
            if (body.Length == 0) return null;
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (reader != null)
            {
                if (root.ValueKind == JsonValueKind.Object) into.AddRange(reader(root).Where(c => !string.IsNullOrEmpty(c.Id)).ToList());
                return null;
            }
            JsonElement list;
            string? next = null;
            if (root.ValueKind == JsonValueKind.Array) list = root;
            else if (root.ValueKind == JsonValueKind.Object)
            {
                if (!root.TryGetProperty(ListProperty ?? "items", out list)) return null;
                if (root.TryGetProperty("next_page_token", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0) next = t.GetString();
            }
            else return null;
            if (list.ValueKind != JsonValueKind.Array) return null;
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) continue;
                var id = Text(item, IdField);
                if (string.IsNullOrEmpty(id)) continue;
                into.Add(new IdCandidate(id!, NameField == null ? null : Text(item, NameField), DetailField == null ? null : Text(item, DetailField)));
            }
            return next;
        }

        private static string? Text(JsonElement item, string field)
        {
            if (!item.TryGetProperty(field, out var v)) return null;
            switch (v.ValueKind)
            {
                case JsonValueKind.String: return v.GetString();
                case JsonValueKind.Number: return v.GetRawText();
                case JsonValueKind.True: return "true";
                case JsonValueKind.False: return "false";
                default: return null;
            }
        }
    }

    /// <summary>
    /// The id cache behind every id completer: one list per context and source, fetched in the background,
    /// waited for at most <see cref="GiveUpAfter"/>, kept for <see cref="Lifetime"/>. A list that is not back in
    /// time is not offered now, but the fetch goes on, so the next Tab is instant. Never throws.
    /// </summary>
    public static class IdCatalog
    {
        private static readonly ConditionalWeakTable<DbxContext, ConcurrentDictionary<string, Entry>> Cache =
            new ConditionalWeakTable<DbxContext, ConcurrentDictionary<string, Entry>>();

        /// <summary>How long a Tab waits for a list before it gives up quietly.</summary>
        public static TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>How long a fetched list is reused.</summary>
        public static TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>A background fetch is abandoned after this long.</summary>
        public static TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

        private sealed class Entry
        {
            public Entry(Task<IReadOnlyList<IdCandidate>> task) { Task = task; Started = DateTimeOffset.UtcNow; }
            public Task<IReadOnlyList<IdCandidate>> Task { get; }
            public DateTimeOffset Started { get; }
            public bool Usable => !Task.IsFaulted && !Task.IsCanceled && (!Task.IsCompleted || DateTimeOffset.UtcNow - Started < Lifetime);
        }

        /// <summary>The candidates, or null when the list could not be had in time (or failed).</summary>
        public static IReadOnlyList<IdCandidate>? TryGet(DbxContext context, IdSource source, long? workspaceId)
        {
            try
            {
                var map = Cache.GetValue(context, _ => new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));
                var key = source.Key(workspaceId);
                var entry = map.AddOrUpdate(key, _ => Start(context, source, workspaceId), (_, e) => e.Usable ? e : Start(context, source, workspaceId));
                if (!entry.Task.Wait(GiveUpAfter)) return null;
                return entry.Task.Result;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Forgets every cached list (for example after creating objects in a script).</summary>
        public static void Clear(DbxContext context)
        {
            if (Cache.TryGetValue(context, out var map)) map.Clear();
        }

        private static Entry Start(DbxContext context, IdSource source, long? workspaceId)
        {
            var client = context.Client;
            var task = Task.Run(async () =>
            {
                DbxLog.Current = null; // a completion never writes to a cmdlet's streams
                using var cts = new CancellationTokenSource(FetchTimeout);
                return await source.FetchAsync(client, workspaceId, cts.Token).ConfigureAwait(false);
            });
            // Observe failures so an abandoned fetch never raises UnobservedTaskException.
            task.ContinueWith(t => { _ = t.Exception; }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return new Entry(task);
        }
    }
}
