using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Credential configurations (<c>/credentials</c>: the cross-account IAM role) and storage configurations
/// (<c>/storage-configurations</c>: the root S3 bucket), read only: the ids a new workspace needs. Bare JSON array lists,
/// as the other provisioning collections. Seeds may list them under <c>collections</c>; every id a seeded workspace
/// names gets an object, so older seeds keep working and a create can check that what it names exists.
/// </summary>
public sealed class AccountConfigurationsArea : IEmulatorArea
{
    public const string Credentials = "credentials";
    public const string StorageConfigurations = "storage-configurations";
    private const string Base = "/api/2.0/accounts/{accountId}/";

    public void Map(WebApplication app, EmulatorServices s)
    {
        lock (s.State.Sync)
            foreach (var acc in s.State.Accounts.Values) Materialize(acc);

        foreach (var (collection, idField, what) in new[] { (Credentials, "credentials_id", "Credential configuration"), (StorageConfigurations, "storage_configuration_id", "Storage configuration") })
        {
            app.MapGet(Base + collection, (HttpContext http) =>
            {
                var acc = Emu.Req(http).Account!;
                lock (s.State.Sync)
                {
                    Materialize(acc);
                    return Emu.Json(new JsonArray(acc.Collection(collection).Values.Select(v => (JsonNode)v.DeepClone()).ToArray()));
                }
            });
            app.MapGet(Base + collection + "/{id}", (HttpContext http, string id) =>
            {
                var acc = Emu.Req(http).Account!;
                lock (s.State.Sync)
                {
                    Materialize(acc);
                    return acc.Collection(collection).TryGetValue(id, out var o) ? Emu.Json(o.DeepClone()) : Emu.NotFound(http, $"{what} {id} does not exist.");
                }
            });
        }
    }

    /// <summary>Null when the account has the credential and storage configurations a workspace create names, else the refusal.</summary>
    public static IResult? CheckReferences(HttpContext http, AccountState acc, string? credentialsId, string? storageId)
    {
        Materialize(acc);
        if (credentialsId != null && !acc.Collection(Credentials).ContainsKey(credentialsId))
            return Emu.NotFound(http, $"Credential configuration {credentialsId} does not exist.");
        if (storageId != null && !acc.Collection(StorageConfigurations).ContainsKey(storageId))
            return Emu.NotFound(http, $"Storage configuration {storageId} does not exist.");
        return null;
    }

    /// <summary>Gives every credential and storage configuration id that a workspace names an object (under the state lock).</summary>
    private static void Materialize(AccountState acc)
    {
        var creds = acc.Collection(Credentials);
        var storage = acc.Collection(StorageConfigurations);
        foreach (var ws in acc.Workspaces.Values)
        {
            var w = ws.Workspace;
            var created = w["creation_time"] is JsonValue t ? (long)t : 1767225600000L;
            if (Emu.Str(w, "credentials_id") is { Length: > 0 } c && !creds.ContainsKey(c))
                creds[c] = new JsonObject
                {
                    ["credentials_id"] = c, ["account_id"] = acc.AccountId, ["credentials_name"] = "credentials-" + Short(c),
                    ["aws_credentials"] = new JsonObject { ["sts_role"] = new JsonObject { ["role_arn"] = "arn:aws:iam::123456789012:role/databricks-cross-account-" + Short(c), ["external_id"] = acc.AccountId } },
                    ["creation_time"] = created,
                };
            if (Emu.Str(w, "storage_configuration_id") is { Length: > 0 } st && !storage.ContainsKey(st))
                storage[st] = new JsonObject
                {
                    ["storage_configuration_id"] = st, ["account_id"] = acc.AccountId, ["storage_configuration_name"] = "storage-" + Short(st),
                    ["root_bucket_info"] = new JsonObject { ["bucket_name"] = "databricks-root-" + Short(st) }, ["creation_time"] = created,
                };
        }
    }

    private static string Short(string id) => new string(id.Where(char.IsLetterOrDigit).Take(8).ToArray()).ToLowerInvariant();
}
