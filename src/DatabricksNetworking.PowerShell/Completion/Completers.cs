using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Completion
{
    /// <summary>Tab completion for -Region: the AWS regions Databricks supports.</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            return Regions.Supported
                .Where(r => r.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(r => new CompletionResult(r, r, CompletionResultType.ParameterValue, r));
        }
    }

    /// <summary>Tab completion for -Profile: the sections of the Databricks config file (read only).</summary>
    public sealed class ProfileCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            DatabricksConfigFile? file;
            try { file = DatabricksConfigFile.TryLoad(DatabricksConfigFile.DefaultPath(Environment.GetEnvironmentVariable)); }
            catch (Exception) { yield break; }
            if (file == null) yield break;
            foreach (var name in file.ProfileNames.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).OrderBy(n => n, StringComparer.Ordinal))
            {
                var text = name.IndexOfAny(new[] { ' ', '\'', '"', '$', '`' }) >= 0 ? "'" + name.Replace("'", "''") + "'" : name;
                yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
            }
        }
    }
}
