// Drives the official Databricks JavaScript SDK (@databricks/sdk-experimental, pinned in package.json) against the
// DatabricksNetworking emulator, configured exactly as a user would configure a Databricks unified host:
//   host = the emulator URL, experimentalIsUnifiedHost = true, accountId (+ workspaceId for workspace clients).
// Nothing here adapts the SDK to the emulator: if the emulator's wire format or auth flow drifts from what the SDK
// expects, these calls fail. Prints one JSON object with what each call returned (or the error it raised); the Pester
// test tests/pester/Foundation/SdkConformance.Tests.ps1 asserts on it.
//
// Usage: node conformance.js   (inputs in the environment)
//   DBX_CONF_HOST, DBX_CONF_ACCOUNT_ID, DBX_CONF_CLIENT_ID, DBX_CONF_CLIENT_SECRET, DBX_CONF_WORKSPACE_ID,
//   DBX_CONF_WORKSPACE_TOKEN (a workspace PAT), DBX_CONF_OTHER_WORKSPACE_ID (a workspace of another account),
//   DBX_CONF_REGION (AWS region of the resources below; DBX_CONF_REGION_WORKSPACE_ID is a workspace in it),
//   DBX_CONF_VPC_ID, DBX_CONF_SUBNET_IDS, DBX_CONF_SECURITY_GROUP_IDS (comma-separated; a VPC in the emulator's AWS),
//   DBX_CONF_AWS_VPCE_ID (an AWS interface endpoint to a Databricks endpoint service in that VPC)
//
// The networking families are driven through the SDK's own service classes (AccountClient.networks, vpcEndpoints,
// privateAccess, workspaces, networkConnectivity, networkPolicies, workspaceNetworkConfiguration, accountIpAccessLists;
// WorkspaceClient.ipAccessLists), with the request shapes of the SDK's generated model (apis/*/model.d.ts).
"use strict";

const crypto = require("crypto");
const { AccountClient, WorkspaceClient } = require("@databricks/sdk-experimental");

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const host = need("DBX_CONF_HOST");
const accountId = need("DBX_CONF_ACCOUNT_ID");
const clientId = need("DBX_CONF_CLIENT_ID");
const clientSecret = need("DBX_CONF_CLIENT_SECRET");
const workspaceId = need("DBX_CONF_WORKSPACE_ID");
const workspaceToken = need("DBX_CONF_WORKSPACE_TOKEN");
const otherWorkspaceId = need("DBX_CONF_OTHER_WORKSPACE_ID");
const region = need("DBX_CONF_REGION");
const regionWorkspaceId = Number(need("DBX_CONF_REGION_WORKSPACE_ID"));
const vpcId = need("DBX_CONF_VPC_ID");
const subnetIds = need("DBX_CONF_SUBNET_IDS").split(",");
const securityGroupIds = need("DBX_CONF_SECURITY_GROUP_IDS").split(",");
const awsVpceId = need("DBX_CONF_AWS_VPCE_ID");
const run = crypto.randomBytes(4).toString("hex");

// Only what is given here: no ~/.databrickscfg, no DATABRICKS_* variables of the machine running the test.
for (const k of Object.keys(process.env)) if (k.startsWith("DATABRICKS_")) delete process.env[k];
process.env.DATABRICKS_CONFIG_FILE = "/nonexistent/databricks-sdk-conformance.cfg";

function describeError(e) {
  return {
    name: e && e.constructor ? e.constructor.name : typeof e,
    message: e && e.message,
    errorCode: e && e.errorCode,
    statusCode: e && e.statusCode,
  };
}

// The SDK's list methods of paged APIs are async generators that follow next_page_token; IP access list lists are
// generators over one response. Collects what they yield.
async function drain(iterable) {
  const items = [];
  for await (const v of iterable) items.push(v);
  return items;
}

// Provisioning lists come back as a bare JSON array, which this SDK version copies into an object ({"0": ...}).
function items(list) {
  return Array.isArray(list) ? list : Object.values(list);
}

async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: describeError(e) };
  }
}

async function main() {
  const out = {};
  const unified = { host, accountId, experimentalIsUnifiedHost: true };

  // Account client, OAuth M2M (discovery at /oidc/accounts/{id}/.well-known/oauth-authorization-server).
  const account = new AccountClient({ ...unified, clientId, clientSecret, authType: "oauth-m2m" });
  out.accountList = await attempt(async () => {
    const list = await account.workspaces.list();
    // The list endpoint answers with a bare JSON array (as the real service does); this SDK version copies the
    // parsed body into an object (Object.assign({}, body)), so the array arrives as {"0": ..., "1": ...}.
    const items = Array.isArray(list) ? list : Object.values(list);
    return items.map((w) => ({ workspace_id: w.workspace_id, workspace_name: w.workspace_name, aws_region: w.aws_region }));
  });
  out.accountGet = await attempt(async () => {
    const w = await account.workspaces.get({ workspace_id: Number(workspaceId) });
    return { workspace_id: w.workspace_id, workspace_name: w.workspace_name, deployment_name: w.deployment_name };
  });
  out.accountGetMissing = await attempt(() => account.workspaces.get({ workspace_id: 1234567890123456 }));
  out.accountGetOtherAccount = await attempt(() => account.workspaces.get({ workspace_id: Number(otherWorkspaceId) }));

  // Wrong client secret: the SDK must surface the token endpoint's refusal.
  const wrong = new AccountClient({ ...unified, clientId, clientSecret: clientSecret + "-wrong", authType: "oauth-m2m" });
  out.wrongSecret = await attempt(() => wrong.workspaces.list());

  // Workspace client on the unified host, OAuth M2M: the SDK sends X-Databricks-Org-Id.
  const ws = new WorkspaceClient({ ...unified, workspaceId, clientId, clientSecret, authType: "oauth-m2m" });
  out.workspaceConf = await attempt(() => ws.workspaceConf.getStatus({ keys: "enableIpAccessLists" }));

  // Workspace client with a workspace personal access token.
  const wsPat = new WorkspaceClient({ ...unified, workspaceId, token: workspaceToken, authType: "pat" });
  out.workspaceConfPat = await attempt(() => wsPat.workspaceConf.getStatus({ keys: "enableIpAccessLists" }));

  // A workspace of another account through this account's principal: refused.
  const foreign = new WorkspaceClient({ ...unified, workspaceId: otherWorkspaceId, clientId, clientSecret, authType: "oauth-m2m" });
  out.workspaceOtherAccount = await attempt(() => foreign.workspaceConf.getStatus({ keys: "enableIpAccessLists" }));

  await provisioning(account, out);
  await networkConnectivity(account, out);
  await networkPolicies(account, out);
  await ipAccessLists(account.accountIpAccessLists, "accountIpAcl", out);
  await ipAccessLists(ws.ipAccessLists, "workspaceIpAcl", out);

  process.stdout.write(JSON.stringify(out) + "\n");
}

// ---- provisioning: VPC endpoint registrations, networks, private access settings, workspace update ----------------
async function provisioning(account, out) {
  out.vpceCreate = await attempt(() =>
    account.vpcEndpoints.create({ vpc_endpoint_name: `sdk-vpce-${run}`, aws_vpc_endpoint_id: awsVpceId, region }));
  const vpceId = out.vpceCreate.ok ? out.vpceCreate.value.vpc_endpoint_id : "missing";
  out.vpceGet = await attempt(() => account.vpcEndpoints.get({ vpc_endpoint_id: vpceId }));
  out.vpceList = await attempt(async () => items(await account.vpcEndpoints.list()).map((e) => e.vpc_endpoint_id));

  out.networkCreate = await attempt(() =>
    account.networks.create({
      network_name: `sdk-net-${run}`,
      vpc_id: vpcId,
      subnet_ids: subnetIds,
      security_group_ids: securityGroupIds,
      vpc_endpoints: { rest_api: [vpceId], dataplane_relay: [] },
    }));
  const networkId = out.networkCreate.ok ? out.networkCreate.value.network_id : "missing";
  out.networkGet = await attempt(() => account.networks.get({ network_id: networkId }));
  out.networkList = await attempt(async () => items(await account.networks.list()).map((n) => n.network_id));
  out.networkDelete = await attempt(() => account.networks.delete({ network_id: networkId }));
  out.networkGetDeleted = await attempt(() => account.networks.get({ network_id: networkId }));

  out.pasCreate = await attempt(() =>
    account.privateAccess.create({
      private_access_settings_name: `sdk-pas-${run}`,
      region,
      public_access_enabled: true,
      private_access_level: "ENDPOINT",
      allowed_vpc_endpoint_ids: [vpceId],
    }));
  const pasId = out.pasCreate.ok ? out.pasCreate.value.private_access_settings_id : "missing";
  out.pasGet = await attempt(() => account.privateAccess.get({ private_access_settings_id: pasId }));
  out.pasList = await attempt(async () => items(await account.privateAccess.list()).map((p) => p.private_access_settings_id));
  out.pasReplace = await attempt(() =>
    account.privateAccess.replace({
      private_access_settings_id: pasId,
      customer_facing_private_access_settings: {
        private_access_settings_name: `sdk-pas-${run}-replaced`,
        region,
        public_access_enabled: false,
        private_access_level: "ACCOUNT",
      },
    }));
  out.pasGetReplaced = await attempt(() => account.privateAccess.get({ private_access_settings_id: pasId }));
  out.pasDelete = await attempt(() => account.privateAccess.delete({ private_access_settings_id: pasId }));
  out.pasGetDeleted = await attempt(() => account.privateAccess.get({ private_access_settings_id: pasId }));

  out.vpceDelete = await attempt(() => account.vpcEndpoints.delete({ vpc_endpoint_id: vpceId }));
  out.vpceGetDeleted = await attempt(() => account.vpcEndpoints.get({ vpc_endpoint_id: vpceId }));
}

// ---- serverless: network connectivity configurations and private endpoint rules (paged lists) ----------------------
async function networkConnectivity(account, out) {
  const nc = account.networkConnectivity;
  out.nccCreate = [];
  for (let i = 1; i <= 3; i++) {
    out.nccCreate.push(await attempt(() =>
      nc.createNetworkConnectivityConfiguration({ network_connectivity_config: { name: `sdk-ncc-${run}-${i}`, region } })));
  }
  const nccIds = out.nccCreate.map((r) => (r.ok ? r.value.network_connectivity_config_id : "missing"));
  const nccId = nccIds[0];
  out.nccGet = await attempt(() => nc.getNetworkConnectivityConfiguration({ network_connectivity_config_id: nccId }));
  out.nccList = await attempt(async () =>
    (await drain(nc.listNetworkConnectivityConfigurations({}))).map((n) => n.network_connectivity_config_id));

  // Workspace update of a network field: bind the NCC (update_mask=network_connectivity_config_id, reference §4.1).
  // Only the request is made here (the waiter the SDK returns is not awaited); the Pester test reads the outcome.
  out.workspaceUpdate = await attempt(async () => {
    const w = await account.workspaces.update({
      workspace_id: regionWorkspaceId,
      update_mask: "network_connectivity_config_id",
      customer_facing_workspace: { network_connectivity_config_id: nccId },
    });
    return { workspace_id: w.workspace_id, network_connectivity_config_id: w.network_connectivity_config_id };
  });
  out.workspaceAfterUpdate = await attempt(async () => {
    const w = await account.workspaces.get({ workspace_id: regionWorkspaceId });
    return { workspace_id: w.workspace_id, network_connectivity_config_id: w.network_connectivity_config_id ?? null };
  });

  const s3Service = `com.amazonaws.${region}.s3`;
  out.ruleCreate = [];
  for (let i = 1; i <= 3; i++) {
    out.ruleCreate.push(await attempt(() =>
      nc.createPrivateEndpointRule({
        network_connectivity_config_id: nccId,
        private_endpoint_rule: { endpoint_service: s3Service, resource_names: [`sdk-bucket-${run}-${i}`] },
      })));
  }
  const ruleId = out.ruleCreate[0].ok ? out.ruleCreate[0].value.rule_id : "missing";
  out.ruleList = await attempt(async () =>
    (await drain(nc.listPrivateEndpointRules({ network_connectivity_config_id: nccId }))).map((r) => r.rule_id));
  out.ruleGet = await attempt(() =>
    nc.getPrivateEndpointRule({ network_connectivity_config_id: nccId, private_endpoint_rule_id: ruleId }));
  out.ruleUpdate = await attempt(() =>
    nc.updatePrivateEndpointRule({
      network_connectivity_config_id: nccId,
      private_endpoint_rule_id: ruleId,
      update_mask: "enabled",
      private_endpoint_rule: { enabled: false },
    }));
  out.ruleGetAfterUpdate = await attempt(() =>
    nc.getPrivateEndpointRule({ network_connectivity_config_id: nccId, private_endpoint_rule_id: ruleId }));
  out.ruleDelete = await attempt(() =>
    nc.deletePrivateEndpointRule({ network_connectivity_config_id: nccId, private_endpoint_rule_id: ruleId }));
  out.ruleGetDeleted = await attempt(() =>
    nc.getPrivateEndpointRule({ network_connectivity_config_id: nccId, private_endpoint_rule_id: ruleId }));

  out.nccDelete = [];
  for (const id of nccIds) {
    out.nccDelete.push(await attempt(() => nc.deleteNetworkConnectivityConfiguration({ network_connectivity_config_id: id })));
  }
  out.nccGetDeleted = await attempt(() => nc.getNetworkConnectivityConfiguration({ network_connectivity_config_id: nccId }));

  // Error shapes through the SDK: a 404 and a 400.
  out.nccGetMissing = await attempt(() =>
    nc.getNetworkConnectivityConfiguration({ network_connectivity_config_id: crypto.randomUUID() }));
  out.nccCreateInvalid = await attempt(() =>
    nc.createNetworkConnectivityConfiguration({ network_connectivity_config: { name: "no spaces allowed!", region } }));
}

// ---- serverless egress: network policies and the workspace network option -------------------------------------------
async function networkPolicies(account, out) {
  const np = account.networkPolicies;
  const restricted = `sdk-np-${run}-r`;
  const full = `sdk-np-${run}-f`;
  out.policyCreate = await attempt(() =>
    np.createNetworkPolicyRpc({
      network_policy: {
        network_policy_id: restricted,
        egress: {
          network_access: {
            restriction_mode: "RESTRICTED_ACCESS",
            allowed_internet_destinations: [{ destination: "pypi.org", internet_destination_type: "DNS_NAME" }],
            allowed_storage_destinations: [{ bucket_name: `sdk-bucket-${run}`, region, storage_destination_type: "AWS_S3" }],
          },
        },
      },
    }));
  out.policyCreateFull = await attempt(() =>
    np.createNetworkPolicyRpc({
      network_policy: { network_policy_id: full, egress: { network_access: { restriction_mode: "FULL_ACCESS" } } },
    }));
  out.policyGet = await attempt(() => np.getNetworkPolicyRpc({ network_policy_id: restricted }));
  out.policyList = await attempt(async () => (await drain(np.listNetworkPoliciesRpc({}))).map((p) => p.network_policy_id));
  out.policyUpdate = await attempt(() =>
    np.updateNetworkPolicyRpc({
      network_policy_id: restricted,
      network_policy: {
        network_policy_id: restricted,
        egress: {
          network_access: {
            restriction_mode: "RESTRICTED_ACCESS",
            allowed_internet_destinations: [
              { destination: "pypi.org", internet_destination_type: "DNS_NAME" },
              { destination: "files.pythonhosted.org", internet_destination_type: "DNS_NAME" },
            ],
          },
        },
      },
    }));
  out.policyGetUpdated = await attempt(() => np.getNetworkPolicyRpc({ network_policy_id: restricted }));

  const wnc = account.workspaceNetworkConfiguration;
  out.optionGet = await attempt(() => wnc.getWorkspaceNetworkOptionRpc({ workspace_id: regionWorkspaceId }));
  out.optionUpdate = await attempt(() =>
    wnc.updateWorkspaceNetworkOptionRpc({
      workspace_id: regionWorkspaceId,
      workspace_network_option: { workspace_id: regionWorkspaceId, network_policy_id: restricted },
    }));
  out.optionGetUpdated = await attempt(() => wnc.getWorkspaceNetworkOptionRpc({ workspace_id: regionWorkspaceId }));
  out.optionRevert = await attempt(() =>
    wnc.updateWorkspaceNetworkOptionRpc({
      workspace_id: regionWorkspaceId,
      workspace_network_option: { workspace_id: regionWorkspaceId, network_policy_id: "default-policy" },
    }));

  // Context-based ingress: the pinned SDK's AccountNetworkPolicy has no ingress/ingress_dry_run fields (the Pester
  // side checks that), so they go through its declared methods untyped; the JS SDK sends the body as given.
  const ingressId = `sdk-np-${run}-i`;
  out.ingressCreate = await attempt(() =>
    np.createNetworkPolicyRpc({
      network_policy: {
        network_policy_id: ingressId,
        ingress_dry_run: {
          public_access: {
            restriction_mode: "RESTRICTED_ACCESS",
            allow_rules: [{ label: "office", origin: { included_ip_ranges: { ip_ranges: ["203.0.113.0/24"] } },
              destination: { workspace_api: { scopes: ["all-apis"] } } }],
          },
        },
        ingress: { public_access: { restriction_mode: "FULL_ACCESS" } },
      },
    }));
  out.ingressGet = await attempt(() => np.getNetworkPolicyRpc({ network_policy_id: ingressId }));
  out.ingressInvalid = await attempt(() =>
    np.createNetworkPolicyRpc({
      network_policy: {
        network_policy_id: `sdk-np-${run}-bad`,
        ingress: { public_access: { restriction_mode: "RESTRICTED_ACCESS",
          allow_rules: [{ destination: { account_ui: { all_destinations: true } } }] } },
      },
    }));
  out.accountPolicyGet = await attempt(() => np.getNetworkPolicyRpc({ network_policy_id: "account-policy" }));
  out.accountPolicyDelete = await attempt(() => np.deleteNetworkPolicyRpc({ network_policy_id: "account-policy" }));
  out.ingressDelete = await attempt(() => np.deleteNetworkPolicyRpc({ network_policy_id: ingressId }));

  out.policyDelete = await attempt(() => np.deleteNetworkPolicyRpc({ network_policy_id: restricted }));
  out.policyDeleteFull = await attempt(() => np.deleteNetworkPolicyRpc({ network_policy_id: full }));
  out.policyGetDeleted = await attempt(() => np.getNetworkPolicyRpc({ network_policy_id: restricted }));
  out.policyDeleteDefault = await attempt(() => np.deleteNetworkPolicyRpc({ network_policy_id: "default-policy" }));
}

// ---- IP access lists (account console through AccountClient, workspace through WorkspaceClient) ---------------------
// Only BLOCK lists of documentation ranges, so no list ever blocks the test's own address.
async function ipAccessLists(svc, prefix, out) {
  const label = `sdk-${prefix}-${run}`;
  const create = await attempt(() => svc.create({ label, list_type: "BLOCK", ip_addresses: ["192.0.2.0/24"] }));
  out[prefix + "Create"] = create;
  const listId = create.ok && create.value.ip_access_list ? create.value.ip_access_list.list_id : "missing";
  out[prefix + "Get"] = await attempt(() => svc.get({ ip_access_list_id: listId }));
  out[prefix + "List"] = await attempt(async () => (await drain(svc.list())).map((l) => l.list_id));
  out[prefix + "Update"] = await attempt(() => svc.update({ ip_access_list_id: listId, label: label + "-updated" }));
  out[prefix + "GetAfterUpdate"] = await attempt(() => svc.get({ ip_access_list_id: listId }));
  out[prefix + "Replace"] = await attempt(() =>
    svc.replace({
      ip_access_list_id: listId,
      label: label + "-replaced",
      list_type: "BLOCK",
      enabled: false,
      ip_addresses: ["192.0.2.0/24", "198.51.100.7"],
    }));
  out[prefix + "GetAfterReplace"] = await attempt(() => svc.get({ ip_access_list_id: listId }));
  out[prefix + "Delete"] = await attempt(() => svc.delete({ ip_access_list_id: listId }));
  out[prefix + "GetDeleted"] = await attempt(() => svc.get({ ip_access_list_id: listId }));
}

main().catch((e) => {
  process.stderr.write("conformance.js failed: " + (e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
