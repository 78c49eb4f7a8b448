// Drives the official Databricks JavaScript SDK (@databricks/sdk-experimental, pinned in package.json) against the
// DatabricksNetworking emulator, configured exactly as a user would configure a Databricks unified host:
//   host = the emulator URL, experimentalIsUnifiedHost = true, accountId (+ workspaceId for workspace clients).
// Nothing here adapts the SDK to the emulator: if the emulator's wire format or auth flow drifts from what the SDK
// expects, these calls fail. Prints one JSON object with what each call returned (or the error it raised); the Pester
// test tests/pester/Foundation/SdkConformance.Tests.ps1 asserts on it.
//
// Usage: node conformance.js   (inputs in the environment)
//   DBX_CONF_HOST, DBX_CONF_ACCOUNT_ID, DBX_CONF_CLIENT_ID, DBX_CONF_CLIENT_SECRET, DBX_CONF_WORKSPACE_ID,
//   DBX_CONF_WORKSPACE_TOKEN (a workspace PAT), DBX_CONF_OTHER_WORKSPACE_ID (a workspace of another account)
"use strict";

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

  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  process.stderr.write("conformance.js failed: " + (e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
