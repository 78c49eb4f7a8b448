namespace DatabricksNetworking.Emulator.Core;

/// <summary>
/// Classic workspace hosts: besides its unified host (127.0.0.1:port, account and workspace APIs, workspaces named
/// by header), the emulator answers as each workspace's own host at <c>http://&lt;deployment_name&gt;.localhost:port</c>
/// (RFC 6761 names, always loopback), as Databricks serves <c>&lt;deployment_name&gt;.cloud.databricks.com</c>: the
/// workspace is chosen by the Host header, the host metadata says WORKSPACE_HOST, and <c>/oidc/v1/token</c> there
/// issues tokens for that workspace without any routing header.
/// </summary>
public static class WorkspaceHosts
{
    /// <summary>The deployment name a request's Host header names (<c>dbc-x.localhost</c> → <c>dbc-x</c>), or null.</summary>
    public static string? DeploymentNameOf(HttpContext http)
    {
        var host = http.Request.Host.Host;
        const string suffix = ".localhost";
        if (host.Length <= suffix.Length || !host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return null;
        return host[..^suffix.Length];
    }

    /// <summary>The workspace whose host the request addresses; caller holds <c>State.Sync</c>. Null when the host is not a workspace host.</summary>
    public static (WorkspaceState? Workspace, AccountState? Account, string? UnknownName) Resolve(HttpContext http, EmulatorState state)
    {
        var name = DeploymentNameOf(http);
        if (name == null) return (null, null, null);
        foreach (var a in state.Accounts.Values)
            foreach (var w in a.Workspaces.Values)
                if (string.Equals((string?)w.Workspace["deployment_name"], name, StringComparison.OrdinalIgnoreCase)) return (w, a, null);
        return (null, null, name);
    }
}
