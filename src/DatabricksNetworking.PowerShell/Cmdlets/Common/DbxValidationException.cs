using System;
using System.Management.Automation;

namespace DatabricksNetworking.Cmdlets
{
    /// <summary>A local check failed before anything was sent. Carries the ErrorId and the offending value.</summary>
    public sealed class DbxValidationException : Exception
    {
        public DbxValidationException(string errorId, string message, object? target, ErrorCategory category = ErrorCategory.InvalidArgument)
            : base(message)
        {
            ErrorId = errorId;
            Target = target;
            Category = category;
        }

        public string ErrorId { get; }
        public object? Target { get; }
        public ErrorCategory Category { get; }
    }
}
