using System;
using System.Management.Automation;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;

namespace DatabricksNetworking.Aws.Engine
{
    /// <summary>Turns every SDK failure into a <see cref="DbxAwsException"/> (stable ErrorId, category, redacted message).</summary>
    internal static class AwsErrors
    {
        public static async Task<T> Call<T>(string doing, string? endpoint, Func<Task<T>> call, CancellationToken ct)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (AmazonServiceException ex) when (ex.InnerException is HttpRequestException http && string.IsNullOrEmpty(ex.ErrorCode))
            {
                throw Connection(doing, endpoint, http);
            }
            catch (AmazonServiceException ex)
            {
                var status = (int)ex.StatusCode;
                var code = ex.ErrorCode;
                var message = $"{doing}: AWS error {(string.IsNullOrEmpty(code) ? "(no code)" : code)} (HTTP {status}): {ex.Message}"
                    + (string.IsNullOrEmpty(ex.RequestId) ? "" : $" Request id: {ex.RequestId}.");
                throw new DbxAwsException(DbxAwsException.ErrorIdFor(code, status), message, DbxAwsException.CategoryFor(code, status), code, status, ex.RequestId);
            }
            catch (HttpRequestException ex)
            {
                throw Connection(doing, endpoint, ex);
            }
            catch (TimeoutException)
            {
                throw new DbxAwsException("DbxAwsTimeout", $"{doing}: AWS did not answer within 30 s{At(endpoint)}.", ErrorCategory.OperationTimeout);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new DbxAwsException("DbxAwsTimeout", $"{doing}: AWS did not answer within 30 s{At(endpoint)}.", ErrorCategory.OperationTimeout);
            }
            catch (AmazonClientException ex)
            {
                throw new DbxAwsException("DbxAwsClientError", $"{doing}: {ex.Message}", ErrorCategory.InvalidOperation);
            }
        }

        private static DbxAwsException Connection(string doing, string? endpoint, Exception ex) =>
            new DbxAwsException("DbxAwsConnectionError", $"{doing}: could not reach AWS{At(endpoint)}: {ex.Message}", ErrorCategory.ConnectionError);

        private static string At(string? endpoint) => endpoint == null ? "" : " at " + endpoint;
    }
}
