using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace DatabricksNetworking.Validation
{
    /// <summary>
    /// Checks of the file paths the export, report and import cmdlets take, made before anything is read from the
    /// service (so a long scan never ends in "cannot write the file"). Each problem has its own ErrorId.
    /// </summary>
    public static class FilePaths
    {
        /// <summary>The longest file or folder name the common file systems take (NTFS, ext4, APFS).</summary>
        public const int MaxNameLength = 255;

        /// <summary>Checks the path as typed, before PowerShell resolves it: empty, NUL and other control characters,
        /// and wildcards (an output path names one file; use a literal name).</summary>
        public static PathProblem? CheckTyped(string? path, string parameter)
        {
            if (string.IsNullOrWhiteSpace(path)) return new PathProblem("DbxInvalidPath", $"-{parameter} is empty: give the path of a file.");
            var problem = Text.Problem(path);
            if (problem != null && path!.Any(char.IsControl))
                return new PathProblem("DbxInvalidPath", $"-{parameter} '{Text.Printable(path)}' contains {problem}; a file path cannot hold control characters.");
            if (path!.IndexOfAny(new[] { '*', '?' }) >= 0 || (path.IndexOf('[') >= 0 && path.IndexOf(']') > path.IndexOf('[')))
                return new PathProblem("DbxInvalidPathWildcard", $"-{parameter} '{path}' contains a wildcard (*, ? or [...]); give the literal path of one file.");
            return null;
        }

        /// <summary>Checks a resolved (file system) path: characters the platform refuses, name and path length, an
        /// existing folder at the path, and (for output) that the folder it goes into exists and (for input) that
        /// the file exists. <paramref name="tempSuffix"/> is the suffix of the temporary file written first.</summary>
        public static PathProblem? CheckResolved(string full, string parameter, bool output, string notFoundErrorId = "DbxPathNotFound", string tempSuffix = ".tmp")
        {
            if (full.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
                return new PathProblem("DbxInvalidPath", $"-{parameter} '{Text.Printable(full)}' contains characters this platform does not allow in a path.");
            var maxPath = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? 32000 : 4095;
            if (full.Length + (output ? tempSuffix.Length : 0) > maxPath)
                return new PathProblem("DbxInvalidPathTooLong", $"-{parameter} is {full.Length} characters long, over the {maxPath} this platform allows.");
            var parts = full.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < parts.Length; i++)
            {
                var limit = MaxNameLength - (output && i == parts.Length - 1 ? tempSuffix.Length : 0);
                if (parts[i].Length > limit)
                    return new PathProblem("DbxInvalidPathTooLong", $"-{parameter}: the name '{parts[i].Substring(0, 40)}…' is {parts[i].Length} characters long; file and folder names may have at most {limit}.");
            }
            if (Directory.Exists(full))
                return new PathProblem("DbxInvalidPathIsDirectory", $"-{parameter} '{full}' is a folder; give the path of a file in it (for example '{Path.Combine(full, output ? "network-snapshot.json" : "snapshot.json")}').");
            if (output)
            {
                var dir = Path.GetDirectoryName(full);
                if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                    return new PathProblem("DbxInvalidPathFolderNotFound", $"The folder '{dir}' of -{parameter} does not exist.");
            }
            else if (!File.Exists(full))
                return new PathProblem(notFoundErrorId, $"-{parameter}: the file '{full}' does not exist.");
            return null;
        }
    }

    public sealed class PathProblem
    {
        public PathProblem(string errorId, string message) { ErrorId = errorId; Message = message; }
        public string ErrorId { get; }
        public string Message { get; }
    }
}
