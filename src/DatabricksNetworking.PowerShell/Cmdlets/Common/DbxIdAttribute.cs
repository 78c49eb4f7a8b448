using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets
{
    /// <summary>
    /// Marks a cmdlet parameter as a Databricks id of one kind. <see cref="DbxCmdlet"/> checks every bound marked
    /// parameter before the cmdlet runs (also under -WhatIf), and writes <c>DbxInvalid&lt;Kind&gt;Id</c> for a value of the
    /// wrong shape: nothing is sent. A plain attribute, not a ValidateArguments one, so the ErrorRecord carries the
    /// module's ErrorId rather than ParameterArgumentValidationError, and pipeline input fails per record.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
    public sealed class DbxIdAttribute : Attribute
    {
        public DbxIdAttribute(DbxIdKind kind) { Kind = kind; }
        public DbxIdKind Kind { get; }

        /// <summary>Wildcard patterns (filters, never sent in a path) are let through.</summary>
        public bool AllowWildcards { get; set; }
    }

    /// <summary>The check behind <see cref="DbxIdAttribute"/>.</summary>
    internal static class DbxIdParameters
    {
        private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property, DbxIdAttribute Id)[]> ByType =
            new ConcurrentDictionary<Type, (string, PropertyInfo, DbxIdAttribute)[]>();

        /// <summary>The id parameters of a cmdlet type (for the tests: every string/long *Id parameter is one).</summary>
        public static (string Name, PropertyInfo Property, DbxIdAttribute Id)[] Of(Type cmdletType) =>
            ByType.GetOrAdd(cmdletType, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (p.Name, p, p.GetCustomAttribute<DbxIdAttribute>(inherit: true)))
                .Where(x => x.Item3 != null).Select(x => (x.Name, x.p, x.Item3!)).ToArray());

        /// <summary>Throws DbxValidationException for the first bound id parameter of the wrong shape.</summary>
        public static void Check(PSCmdlet cmdlet)
        {
            var ids = Of(cmdlet.GetType());
            if (ids.Length == 0) return;
            var bound = cmdlet.MyInvocation.BoundParameters;
            foreach (var (name, property, id) in ids)
            {
                if (!bound.ContainsKey(name)) continue;
                foreach (var value in Values(property.GetValue(cmdlet)))
                {
                    // Null is "not given" (a piped object without that id, e.g. a workspace with no NCC): the cmdlet decides.
                    if (value == null) continue;
                    if (id.AllowWildcards && WildcardPattern.ContainsWildcardCharacters(value)) continue;
                    if (!Ids.IsValid(id.Kind, value))
                        throw new DbxValidationException(Ids.ErrorIdOf(id.Kind), $"-{name}: {Ids.InvalidMessage(id.Kind, value)}", value);
                }
            }
        }

        private static IEnumerable<string?> Values(object? value)
        {
            if (value is PSObject p) value = p.BaseObject;
            switch (value)
            {
                case null: yield return null; break;
                case string s: yield return s; break;
                case long l: yield return l.ToString(CultureInfo.InvariantCulture); break;
                case IEnumerable e:
                    foreach (var x in e)
                        yield return x is long n ? n.ToString(CultureInfo.InvariantCulture) : x as string ?? (x == null ? null : Convert.ToString(x, CultureInfo.InvariantCulture));
                    break;
                default: yield return Convert.ToString(value, CultureInfo.InvariantCulture); break;
            }
        }
    }
}
