using System.Text.Json.Nodes;
using DatabricksNetworking.Data;
using DatabricksNetworking.Emulator.Aws;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Account API network connectivity configurations and their private endpoint rules (reference §4).
/// NCCs live in the account collection "network-connectivity-configs" (the workspace PATCH of the classic area reads
/// them there to bind one); rules in "ncc-private-endpoint-rules". Rule states are computed lazily from timestamps on
/// every read: CREATING for half of --pe-accept-delay, then S3 rules are ESTABLISHED and rules to a customer service
/// PENDING until --pe-accept-delay has passed (the customer "accepts"), EXPIRED if still PENDING after 14 days.
/// Deactivated rules disappear one day after deletion.
/// With --aws-endpoint (moto), a rule to a customer endpoint service created through this emulator follows what AWS says
/// of that service (asked outside the state lock, at most once a second per service): a service that does not exist,
/// or whose allow list lacks the region's Databricks serverless principal (Data/ServerlessPrincipals.cs), ends
/// CREATE_FAILED; a service that does not require acceptance is connected at once (ESTABLISHED); one that requires it
/// leaves the rule PENDING. moto (5.2.1, and upstream as of 2026-08) has no AcceptVpcEndpointConnections, so a PENDING
/// rule is then accepted after --pe-accept-delay, standing in for the owner's accept. A service removed from AWS turns a
/// PENDING rule REJECTED and an ESTABLISHED one DISCONNECTED. While AWS cannot be reached the rule stays CREATING.
/// Seeded rules, and rules read back from --state-file, keep their stored state.
/// Test hooks (no auth): POST /_emulator/endpoint-service-fates {endpoint_service, connection_state, error_message}
/// makes new rules to that service end CREATING in that state (CREATE_FAILED, REJECTED, or PENDING for never
/// accepted); POST /_emulator/private-endpoint-rules/{rule_id}/state {connection_state, error_message} forces a state.
/// </summary>
public sealed class NetworkConnectivityArea : IEmulatorArea
{
    public const string NccCollection = "network-connectivity-configs";
    public const string RuleCollection = "ncc-private-endpoint-rules";
    private const string Base = "/api/2.0/accounts/{accountId}/network-connectivity-configs";

    private readonly Dictionary<string, (string State, string? Message)> fates = new();
    private readonly Dictionary<string, (string State, string? Message)> ruleFates = new();

    /// <summary>Rules whose state follows their endpoint service in AWS (created through the API with --aws-endpoint).</summary>
    private readonly HashSet<string> awsObserved = new(StringComparer.Ordinal);

    /// <summary>What AWS last said of each endpoint service (null facts: AWS could not be asked), and when (TickCount64).</summary>
    private readonly Dictionary<string, (EndpointServiceFacts? Facts, long CheckedTicks)> serviceFacts = new(StringComparer.Ordinal);

    private const long ServiceFactsTtlMs = 1000;

    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet(Base, async (HttpContext http, string? page_token) =>
        {
            var acc = Emu.Req(http).Account!;
            await ObserveAsync(s, acc);
            lock (s.State.Sync)
            {
                var all = acc.Collection(NccCollection).Values.OrderBy(n => (long?)n["creation_time"] ?? 0).ThenBy(n => Emu.Str(n, "network_connectivity_config_id"), StringComparer.Ordinal)
                    .Select(n => Render(s, acc, n)).ToList();
                return Emu.Json(Emu.Paged(all, page_token, s.Options.PageSize));
            }
        });

        app.MapPost(Base, async (HttpContext http) =>
        {
            var acc = Emu.Req(http).Account!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var name = Emu.Str(body!, "name");
            var region = Emu.Str(body!, "region");
            if (!ServerlessRules.IsNccName(name))
                return Emu.BadRequest(http, $"Invalid name '{name}': it must match ^[0-9a-zA-Z-_]{{3,30}}$.");
            if (!ServerlessRules.IsRegion(region))
                return Emu.BadRequest(http, $"Invalid region '{region}'.");
            lock (s.State.Sync)
            {
                var nccs = acc.Collection(NccCollection);
                if (nccs.Values.Count(n => Emu.Str(n, "region") == region) >= ServerlessRules.NccsPerRegion)
                    return Emu.Error(http, 400, "QUOTA_EXCEEDED", $"The account already has {ServerlessRules.NccsPerRegion} network connectivity configurations in {region}, the maximum per region.");
                var now = s.NowMs;
                var id = Emu.NewId();
                var ncc = new JsonObject
                {
                    ["network_connectivity_config_id"] = id,
                    ["account_id"] = acc.AccountId,
                    ["name"] = name,
                    ["region"] = region,
                    ["creation_time"] = now,
                    ["updated_time"] = now,
                    ["egress_config"] = new JsonObject(),
                };
                // The legacy stable egress IP lists were decommissioned after 2026-05-25: an NCC created after that gets
                // none (NCCs of a seed keep what the seed gives them).
                if (s.Clock() < ServerlessRules.StableIpsDecommissioned)
                    ncc["egress_config"]!["default_rules"] = new JsonObject { ["aws_stable_ip_rule"] = new JsonObject { ["cidr_blocks"] = ServerlessRules.StableCidrs(region!) } };
                nccs[id] = ncc;
                return Emu.Json(Render(s, acc, ncc));
            }
        });

        app.MapGet(Base + "/{nccId}", async (HttpContext http, string nccId) =>
        {
            var acc = Emu.Req(http).Account!;
            await ObserveAsync(s, acc);
            lock (s.State.Sync)
            {
                var ncc = FindNcc(acc, nccId);
                return ncc == null ? NccNotFound(http, nccId) : Emu.Json(Render(s, acc, ncc));
            }
        });

        app.MapMethods(Base + "/{nccId}", new[] { "PATCH", "PUT" }, (HttpContext http, string nccId) =>
            Emu.BadRequest(http, "The name and region of a network connectivity configuration cannot be changed; create a new configuration instead."));

        app.MapDelete(Base + "/{nccId}", (HttpContext http, string nccId) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                if (FindNcc(acc, nccId) == null) return NccNotFound(http, nccId);
                var users = acc.Workspaces.Values.Where(w => Emu.Str(w.Workspace, "network_connectivity_config_id") == nccId).Select(w => w.WorkspaceId).ToList();
                if (users.Count > 0)
                    return Emu.Error(http, 400, "INVALID_STATE", $"Network connectivity configuration {nccId} is used by workspace(s) {string.Join(", ", users)}; bind them to another configuration first.");
                acc.Collection(NccCollection).Remove(nccId);
                var rules = acc.Collection(RuleCollection);
                foreach (var rid in rules.Where(r => Emu.Str(r.Value, "network_connectivity_config_id") == nccId).Select(r => r.Key).ToList()) rules.Remove(rid);
                return Emu.Empty();
            }
        });

        // ---- private endpoint rules --------------------------------------------------------------------

        app.MapGet(Base + "/{nccId}/private-endpoint-rules", async (HttpContext http, string nccId, string? page_token) =>
        {
            var acc = Emu.Req(http).Account!;
            await ObserveAsync(s, acc);
            lock (s.State.Sync)
            {
                if (FindNcc(acc, nccId) == null) return NccNotFound(http, nccId);
                return Emu.Json(Emu.Paged(RulesOf(s, acc, nccId), page_token, s.Options.PageSize));
            }
        });

        app.MapPost(Base + "/{nccId}/private-endpoint-rules", async (HttpContext http, string nccId) =>
        {
            var acc = Emu.Req(http).Account!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var observe = AwsEc2.For(s.Options.AwsEndpoint) != null && Emu.StrList(body!, "domain_names") is { Count: > 0 };
            await ObserveAsync(s, acc, observe ? Emu.Str(body!, "endpoint_service") : null);
            lock (s.State.Sync)
            {
                var ncc = FindNcc(acc, nccId);
                if (ncc == null) return NccNotFound(http, nccId);
                var region = Emu.Str(ncc, "region")!;
                var service = Emu.Str(body!, "endpoint_service");
                var domains = Emu.StrList(body!, "domain_names");
                var buckets = Emu.StrList(body!, "resource_names");
                bool hasDomains = domains is { Count: > 0 }, hasBuckets = buckets is { Count: > 0 };
                if (string.IsNullOrEmpty(service)) return Emu.BadRequest(http, "endpoint_service is required.");
                if (hasDomains == hasBuckets)
                    return Emu.BadRequest(http, "Give either domain_names (an endpoint service in your VPC) or resource_names (S3 buckets), not both and not neither.");
                if (hasBuckets)
                {
                    if (service != ServerlessRules.S3Service(region))
                        return Emu.BadRequest(http, $"Rules to S3 use the endpoint service {ServerlessRules.S3Service(region)} of the configuration's region, not '{service}'.");
                    var bad = buckets!.FirstOrDefault(b => !ServerlessRules.IsBucketName(b));
                    if (bad != null) return Emu.BadRequest(http, $"'{bad}' is not a valid S3 bucket name.");
                }
                else
                {
                    var serviceRegion = ServerlessRules.ServiceRegion(service);
                    if (serviceRegion == null) return Emu.BadRequest(http, $"'{service}' is not a VPC endpoint service name.");
                    if (serviceRegion != region)
                        return Emu.BadRequest(http, $"The endpoint service is in {serviceRegion}; the network connectivity configuration is in {region}.");
                    if (domains!.Count > ServerlessRules.DomainNamesPerRule)
                        return Emu.BadRequest(http, $"A private endpoint rule takes at most {ServerlessRules.DomainNamesPerRule} domain names; got {domains.Count}.");
                    var bad = domains.FirstOrDefault(d => !ServerlessRules.IsFqdn(d));
                    if (bad != null) return Emu.BadRequest(http, $"'{bad}' is not a valid fully qualified domain name.");
                }
                var inRegion = acc.Collection(RuleCollection).Values.Where(r => Advance(s, acc, r) != null && r["deactivated"]?.GetValue<bool>() != true)
                    .Count(r => FindNcc(acc, Emu.Str(r, "network_connectivity_config_id")!) is { } n && Emu.Str(n, "region") == region);
                if (inRegion >= ServerlessRules.PrivateEndpointRulesPerRegion)
                    return Emu.Error(http, 400, "QUOTA_EXCEEDED", $"The account already has {ServerlessRules.PrivateEndpointRulesPerRegion} private endpoint rules in {region}, the maximum per region.");

                var now = s.NowMs;
                var id = Emu.NewId();
                var rule = new JsonObject
                {
                    ["rule_id"] = id,
                    ["network_connectivity_config_id"] = nccId,
                    ["account_id"] = acc.AccountId,
                    ["endpoint_service"] = service,
                };
                if (hasDomains) rule["domain_names"] = new JsonArray(domains!.Distinct().Select(d => (JsonNode)JsonValue.Create(d)!).ToArray());
                else
                {
                    rule["resource_names"] = new JsonArray(buckets!.Distinct().Select(b => (JsonNode)JsonValue.Create(b)!).ToArray());
                    // A new S3 rule starts disabled: "enabled = true is silently ignored at create time; it can only be set
                    // via an update after the rule's connection_state = ESTABLISHED" (databricks-solutions/
                    // technical-services-solutions workspace-setup/terraform-examples/aws/aws-serverless-ncc/README.md).
                    rule["enabled"] = false;
                }
                rule["connection_state"] = "CREATING";
                rule["deactivated"] = false;
                rule["creation_time"] = now;
                rule["updated_time"] = now;
                acc.Collection(RuleCollection)[id] = rule;
                if (fates.TryGetValue(service, out var fate)) ruleFates[id] = fate;
                else if (observe) awsObserved.Add(id);
                Advance(s, acc, rule);
                return Emu.Json(rule.DeepClone());
            }
        });

        app.MapGet(Base + "/{nccId}/private-endpoint-rules/{ruleId}", async (HttpContext http, string nccId, string ruleId) =>
        {
            var acc = Emu.Req(http).Account!;
            await ObserveAsync(s, acc);
            lock (s.State.Sync)
            {
                var (rule, notFound) = FindRule(http, s, acc, nccId, ruleId);
                return notFound ?? Emu.Json(rule!.DeepClone());
            }
        });

        app.MapMethods(Base + "/{nccId}/private-endpoint-rules/{ruleId}", new[] { "PATCH" }, async (HttpContext http, string nccId, string ruleId, string? update_mask) =>
        {
            var acc = Emu.Req(http).Account!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var fields = (update_mask ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length == 0) return Emu.BadRequest(http, "update_mask is required: a comma-separated list of domain_names, resource_names, enabled.");
            var unknown = fields.FirstOrDefault(f => f is not ("domain_names" or "resource_names" or "enabled"));
            if (unknown != null) return Emu.BadRequest(http, $"Field '{unknown}' in update_mask cannot be updated; updatable fields: domain_names, resource_names, enabled.");
            await ObserveAsync(s, acc);
            lock (s.State.Sync)
            {
                var (rule, notFound) = FindRule(http, s, acc, nccId, ruleId);
                if (notFound != null) return notFound;
                if (rule!["deactivated"]?.GetValue<bool>() == true)
                    return Emu.Error(http, 400, "INVALID_STATE", $"Private endpoint rule {ruleId} is deactivated and cannot be updated.");
                bool isS3 = rule["resource_names"] != null;
                foreach (var f in fields)
                {
                    if (f == "domain_names")
                    {
                        if (isS3) return Emu.BadRequest(http, "domain_names apply to rules to an endpoint service in your VPC, not to S3 rules.");
                        var domains = Emu.StrList(body!, "domain_names");
                        if (domains is not { Count: > 0 }) return Emu.BadRequest(http, "domain_names must be a non-empty list of strings.");
                        if (domains.Count > ServerlessRules.DomainNamesPerRule)
                            return Emu.BadRequest(http, $"A private endpoint rule takes at most {ServerlessRules.DomainNamesPerRule} domain names; got {domains.Count}.");
                        var bad = domains.FirstOrDefault(d => !ServerlessRules.IsFqdn(d));
                        if (bad != null) return Emu.BadRequest(http, $"'{bad}' is not a valid fully qualified domain name.");
                    }
                    else
                    {
                        if (!isS3) return Emu.BadRequest(http, $"{f} applies to S3 rules only.");
                        if (f == "resource_names")
                        {
                            var buckets = Emu.StrList(body!, "resource_names");
                            if (buckets is not { Count: > 0 }) return Emu.BadRequest(http, "resource_names must be a non-empty list of strings.");
                            var bad = buckets.FirstOrDefault(b => !ServerlessRules.IsBucketName(b));
                            if (bad != null) return Emu.BadRequest(http, $"'{bad}' is not a valid S3 bucket name.");
                        }
                        else if (body!["enabled"] is not JsonValue ev || !ev.TryGetValue<bool>(out var wanted))
                            return Emu.BadRequest(http, "enabled must be true or false.");
                        // The real refusal (same README, troubleshooting table): "Field enabled can only be updated when
                        // connection_state is ESTABLISHED". Its error code is not quoted anywhere; INVALID_STATE is an
                        // inference. Sending the value the rule already has changes nothing and is let through.
                        else if (wanted != (rule["enabled"]?.GetValue<bool>() ?? false) && Emu.Str(rule, "connection_state") != "ESTABLISHED")
                            return Emu.Error(http, 400, "INVALID_STATE", "Field enabled can only be updated when connection_state is ESTABLISHED");
                    }
                }
                foreach (var f in fields) rule[f] = body![f]!.DeepClone();
                rule["updated_time"] = s.NowMs;
                return Emu.Json(rule.DeepClone());
            }
        });

        app.MapDelete(Base + "/{nccId}/private-endpoint-rules/{ruleId}", async (HttpContext http, string nccId, string ruleId) =>
        {
            var acc = Emu.Req(http).Account!;
            await ObserveAsync(s, acc);
            lock (s.State.Sync)
            {
                var (rule, notFound) = FindRule(http, s, acc, nccId, ruleId);
                if (notFound != null) return notFound;
                var state = Emu.Str(rule!, "connection_state");
                if (state is "PENDING" or "EXPIRED")
                {
                    acc.Collection(RuleCollection).Remove(ruleId);
                    ruleFates.Remove(ruleId);
                    awsObserved.Remove(ruleId);
                }
                else if (rule!["deactivated"]?.GetValue<bool>() != true)
                {
                    var now = s.NowMs;
                    rule["deactivated"] = true;
                    rule["deactivated_at"] = now;
                    rule["updated_time"] = now;
                }
                return Emu.Json(rule!.DeepClone());
            }
        });

        // ---- test hooks ------------------------------------------------------------------------------

        app.MapPost("/_emulator/endpoint-service-fates", async (HttpContext http) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var service = Emu.Str(body!, "endpoint_service");
            var state = Emu.Str(body!, "connection_state");
            if (service == null || state is not ("CREATE_FAILED" or "REJECTED" or "PENDING"))
                return Emu.BadRequest(http, "Give endpoint_service and connection_state CREATE_FAILED, REJECTED or PENDING.");
            lock (s.State.Sync) fates[service] = (state, Emu.Str(body!, "error_message"));
            return Emu.Empty();
        });

        app.MapPost("/_emulator/private-endpoint-rules/{ruleId}/state", async (HttpContext http, string ruleId) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var state = Emu.Str(body!, "connection_state");
            if (state == null) return Emu.BadRequest(http, "Give connection_state.");
            lock (s.State.Sync)
            {
                var rule = s.State.Accounts.Values.Select(a => a.Collection(RuleCollection).GetValueOrDefault(ruleId)).FirstOrDefault(r => r != null);
                if (rule == null) return Emu.NotFound(http, $"Private endpoint rule {ruleId} does not exist.");
                rule["connection_state"] = state;
                if (Emu.Str(body!, "error_message") is { } msg) rule["error_message"] = msg;
                rule["updated_time"] = s.NowMs;
                ruleFates[ruleId] = (state, Emu.Str(body!, "error_message"));
                awsObserved.Remove(ruleId);
                return Emu.Json(rule.DeepClone());
            }
        });
    }

    private static JsonObject? FindNcc(AccountState acc, string id) => acc.Collection(NccCollection).GetValueOrDefault(id);

    private static IResult NccNotFound(HttpContext http, string id) => Emu.NotFound(http, $"Network connectivity configuration {id} does not exist.");

    private (JsonObject? Rule, IResult? NotFound) FindRule(HttpContext http, EmulatorServices s, AccountState acc, string nccId, string ruleId)
    {
        if (FindNcc(acc, nccId) == null) return (null, NccNotFound(http, nccId));
        var rule = acc.Collection(RuleCollection).GetValueOrDefault(ruleId);
        if (rule == null || Emu.Str(rule, "network_connectivity_config_id") != nccId || Advance(s, acc, rule) == null)
            return (null, Emu.NotFound(http, $"Private endpoint rule {ruleId} does not exist in network connectivity configuration {nccId}."));
        return (rule, null);
    }

    private List<JsonObject> RulesOf(EmulatorServices s, AccountState acc, string nccId) =>
        acc.Collection(RuleCollection).Values.Where(r => Emu.Str(r, "network_connectivity_config_id") == nccId).ToList()
            .Where(r => Advance(s, acc, r) != null)
            .OrderBy(r => (long?)r["creation_time"] ?? 0).ThenBy(r => Emu.Str(r, "rule_id"), StringComparer.Ordinal).ToList();

    /// <summary>The NCC as the API returns it: the stored object with its current rules under egress_config.target_rules.</summary>
    private JsonObject Render(EmulatorServices s, AccountState acc, JsonObject ncc)
    {
        var o = ncc.DeepClone().AsObject();
        var rules = RulesOf(s, acc, Emu.Str(ncc, "network_connectivity_config_id")!);
        var egress = o["egress_config"] as JsonObject ?? new JsonObject();
        o["egress_config"] = egress;
        if (rules.Count > 0)
            egress["target_rules"] = new JsonObject { ["aws_private_endpoint_rules"] = new JsonArray(rules.Select(r => (JsonNode)r.DeepClone()).ToArray()) };
        else egress.Remove("target_rules");
        return o;
    }

    /// <summary>
    /// Asks AWS, outside the state lock, about the endpoint services of the account's live AWS-observed rules (and of
    /// <paramref name="extraService"/>, a rule about to be created), unless asked less than a second ago.
    /// </summary>
    private async Task ObserveAsync(EmulatorServices s, AccountState acc, string? extraService = null)
    {
        var aws = AwsEc2.For(s.Options.AwsEndpoint);
        if (aws == null) return;
        List<string> wanted;
        lock (s.State.Sync)
        {
            var nowTicks = Environment.TickCount64;
            wanted = acc.Collection(RuleCollection).Values
                .Where(r => awsObserved.Contains(Emu.Str(r, "rule_id")!) && r["deactivated"]?.GetValue<bool>() != true
                            && Emu.Str(r, "connection_state") is "CREATING" or "PENDING" or "ESTABLISHED")
                .Select(r => Emu.Str(r, "endpoint_service"))
                .Append(extraService).OfType<string>().Distinct(StringComparer.Ordinal)
                .Where(svc => ServerlessRules.ServiceRegion(svc) != null)
                .Where(svc => !serviceFacts.TryGetValue(svc, out var f) || nowTicks - f.CheckedTicks > ServiceFactsTtlMs)
                .ToList();
        }
        foreach (var service in wanted)
        {
            EndpointServiceFacts? facts;
            try { facts = await aws.DescribeEndpointServiceAsync(ServerlessRules.ServiceRegion(service)!, service[(service.LastIndexOf('.') + 1)..]); }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or TimeoutException or TaskCanceledException) { facts = null; }
            lock (s.State.Sync) serviceFacts[service] = (facts, Environment.TickCount64);
        }
    }

    /// <summary>
    /// Brings a rule's state up to the emulator clock (the transitions it would have made by now). Returns null when
    /// the rule is gone (deactivated more than a day ago), having removed it.
    /// </summary>
    private JsonObject? Advance(EmulatorServices s, AccountState acc, JsonObject rule)
    {
        var now = s.NowMs;
        var id = Emu.Str(rule, "rule_id")!;
        if (rule["deactivated"]?.GetValue<bool>() == true)
        {
            var at = (long?)rule["deactivated_at"] ?? now;
            if (now >= at + (long)ServerlessRules.DeactivatedRetention.TotalMilliseconds)
            {
                acc.Collection(RuleCollection).Remove(id);
                ruleFates.Remove(id);
                awsObserved.Remove(id);
                return null;
            }
            return rule;
        }
        var created = (long?)rule["creation_time"] ?? now;
        var delayMs = (long)(s.Options.PeAcceptDelaySeconds * 1000);
        var createdAt = created + delayMs / 2;
        var acceptAt = created + delayMs;
        var expireAt = createdAt + (long)ServerlessRules.PendingExpiry.TotalMilliseconds;
        bool isS3 = rule["resource_names"] != null;
        ruleFates.TryGetValue(id, out var fate);
        var service = Emu.Str(rule, "endpoint_service") ?? "";
        bool followsAws = !isS3 && fate.State == null && awsObserved.Contains(id);
        EndpointServiceFacts? aws = followsAws && serviceFacts.TryGetValue(service, out var seen) ? seen.Facts : null;

        if (followsAws && Emu.Str(rule, "connection_state") == "CREATING" && now >= createdAt)
        {
            if (aws == null) return rule; // AWS not reachable yet: stays CREATING
            var region = ServerlessRules.ServiceRegion(service)!;
            string next; string? message = null;
            if (!aws.Exists)
            {
                next = "CREATE_FAILED";
                message = $"The VPC endpoint service {service} does not exist in {region} (AWS: InvalidServiceName). Check the name and region of the service, then delete this rule and create it again.";
            }
            else if (!ServerlessPrincipals.AllowsDatabricks(region, aws.AllowedPrincipals))
            {
                next = "CREATE_FAILED";
                message = $"Databricks is not allowed to connect to the VPC endpoint service {service}. Add {string.Join(" and ", ServerlessPrincipals.RoleArns(region))} to the service's allowed principals, then delete this rule and create it again.";
            }
            else next = aws.AcceptanceRequired ? "PENDING" : "ESTABLISHED";
            rule["connection_state"] = next;
            rule["updated_time"] = now;
            if (next != "CREATE_FAILED") rule["vpc_endpoint_id"] = ServerlessRules.VpcEndpointId(id);
            if (message != null) rule["error_message"] = message;
        }
        if (followsAws && aws is { Exists: false } && Emu.Str(rule, "connection_state") is "PENDING" or "ESTABLISHED")
        {
            var pending = Emu.Str(rule, "connection_state") == "PENDING";
            rule["connection_state"] = pending ? "REJECTED" : "DISCONNECTED";
            rule["updated_time"] = now;
            rule["error_message"] = pending
                ? $"The owner of {service} rejected the connection and removed the endpoint service."
                : $"The endpoint service {service} was removed by its owner; delete this rule.";
            return rule;
        }

        if (!followsAws && Emu.Str(rule, "connection_state") == "CREATING" && now >= createdAt)
        {
            var next = fate.State ?? (isS3 ? "ESTABLISHED" : "PENDING");
            rule["connection_state"] = next;
            rule["updated_time"] = createdAt;
            if (next != "CREATE_FAILED") rule["vpc_endpoint_id"] = ServerlessRules.VpcEndpointId(id);
            if (fate.State != null)
                rule["error_message"] = fate.Message ?? (next == "REJECTED" ? "The endpoint service owner rejected the connection." : next == "CREATE_FAILED" ? "The VPC endpoint could not be created." : null);
        }
        if (Emu.Str(rule, "connection_state") == "PENDING")
        {
            bool accepted = fate.State == null && !isS3;
            if (accepted && now >= acceptAt && acceptAt < expireAt) { rule["connection_state"] = "ESTABLISHED"; rule["updated_time"] = Math.Max(acceptAt, (long?)rule["updated_time"] ?? acceptAt); }
            else if (now >= expireAt)
            {
                rule["connection_state"] = "EXPIRED";
                rule["updated_time"] = expireAt;
                rule["error_message"] = "The connection was not accepted within 14 days.";
            }
        }
        return rule;
    }
}
