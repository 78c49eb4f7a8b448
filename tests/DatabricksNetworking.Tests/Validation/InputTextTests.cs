using System.Globalization;
using System.IO;
using System.Linq;
using DatabricksNetworking.Validation;
using FsCheck;
using FsCheck.Xunit;

namespace DatabricksNetworking.Tests;

/// <summary>Names, labels and file paths as the cmdlets check them before sending (issue 18, local validation).</summary>
public class InputTextTests
{
    [Theory]
    [InlineData("corp\r\nvpn", "control character (U+000D) at position 5")]
    [InlineData("corp\tvpn", "U+0009")]
    [InlineData("\u001b[31mred", "U+001B")]
    [InlineData("corp\u200Bvpn", "invisible formatting character (U+200B)")]
    [InlineData("corp\u202Enpv", "U+202E")]
    [InlineData("corp\u2066x\u2069", "U+2066")]
    [InlineData("\uFEFFcorp", "U+FEFF")]
    [InlineData("corp\u2028vpn", "line separator (U+2028)")]
    public void Problem_names_the_character_and_its_position(string value, string expected)
    {
        var problem = Text.Problem(value);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Unpaired_surrogates_are_refused()
    {
        // Built in code: xUnit's test-case serialisation turns a lone surrogate into U+FFFD.
        Assert.Contains("unpaired surrogate (U+D800)", Text.Problem("corp" + (char)0xD800));
        Assert.Contains("unpaired surrogate (U+DC00)", Text.Problem((char)0xDC00 + "corp"));
    }

    [Theory]
    [InlineData("office")]
    [InlineData("Büro Zürich")]
    [InlineData("東京オフィス")]
    [InlineData("vpn (corp) #2 — main")]
    [InlineData("emoji \U0001F680 ok")]
    public void Ordinary_names_pass(string value) => Assert.Null(Text.Problem(value));

    [Fact]
    public void Printable_escapes_what_Problem_refuses()
    {
        Assert.Equal("a\\r\\nWARNING: x", Text.Printable("a\r\nWARNING: x"));
        Assert.Equal("ab\\u202Ecd\\t", Text.Printable("ab\u202Ecd\t"));
        Assert.Equal("x\\uD800", Text.Printable("x" + (char)0xD800));
        Assert.Equal("emoji \U0001F680", Text.Printable("emoji \U0001F680"));
    }

    [Property(MaxTest = 2000)]
    public bool Printable_output_never_holds_a_refused_character(string? value) =>
        Text.Problem(Text.Printable(value)) == null && (Text.Problem(value) != null || Text.Printable(value) == (value ?? ""));

    [Theory]
    [InlineData("", 1, 256, "is empty")]
    [InlineData("   ", 1, 256, "is empty")]
    [InlineData("abc", 4, 256, "must be 4 to 256 characters long; 'abc' has 3")]
    public void TryCheckName_explains_length(string value, int min, int max, string expected)
    {
        Assert.False(Text.TryCheckName(value, "label", min, max, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TryCheckName_trims_and_accepts()
    {
        Assert.True(Text.TryCheckName("  corp-vpn ", "label", 1, 256, out var trimmed, out var error), error);
        Assert.Equal("corp-vpn", trimmed);
        Assert.False(Text.TryCheckName(new string('x', 257), "label", 1, 256, out _, out error));
        Assert.Contains("has 257", error);
    }

    [Theory]
    [InlineData("10.0.0.5", "has no prefix")]
    [InlineData("10.0.0.5/16", "host bits set; EC2 needs the network address: 10.0.0.0/16")]
    [InlineData("10.0.0.0/33", "invalid prefix")]
    [InlineData("10.0.0.0/016", "invalid prefix")]
    [InlineData("10.0.0/16", "is not an IPv4 CIDR block")]
    [InlineData("", "is empty")]
    [InlineData("2001:db8::/32", "is not an IPv4 CIDR block")]
    public void Rule_cidrs_are_what_EC2_takes(string value, string expected)
    {
        var problem = AwsText.RuleCidrProblem(value, "EgressCidr");
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("10.0.0.0/16")]
    [InlineData("203.0.113.7/32")]
    public void Rule_cidrs_accepted(string value) => Assert.Null(AwsText.RuleCidrProblem(value, "EgressCidr"));

    [Theory]
    [InlineData("dbx workspace (prod) #1", null)]
    [InlineData("naïve", "contains 'ï'")]
    [InlineData("a\nb", "contains '\\n'")]
    public void Security_group_text(string value, string? expected)
    {
        var problem = AwsText.SecurityGroupTextProblem(value, "name");
        if (expected == null) Assert.Null(problem);
        else Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData("", "DbxInvalidPath")]
    [InlineData("a\0b.json", "DbxInvalidPath")]
    [InlineData("snap*.json", "DbxInvalidPathWildcard")]
    [InlineData("snap?.json", "DbxInvalidPathWildcard")]
    [InlineData("snap[12].json", "DbxInvalidPathWildcard")]
    public void Typed_paths(string typed, string errorId) => Assert.Equal(errorId, FilePaths.CheckTyped(typed, "Path")?.ErrorId);

    [Fact]
    public void Resolved_paths()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dbx-paths-" + System.Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Assert.Equal("DbxInvalidPathIsDirectory", FilePaths.CheckResolved(dir, "Path", output: true)?.ErrorId);
            Assert.Equal("DbxInvalidPathFolderNotFound", FilePaths.CheckResolved(Path.Combine(dir, "no", "x.json"), "Path", output: true)?.ErrorId);
            Assert.Equal("DbxInvalidPathTooLong", FilePaths.CheckResolved(Path.Combine(dir, new string('n', 252) + ".json"), "Path", output: true)?.ErrorId);
            Assert.Null(FilePaths.CheckResolved(Path.Combine(dir, new string('n', 246) + ".json"), "Path", output: true));
            Assert.Equal("DbxSnapshotNotFound", FilePaths.CheckResolved(Path.Combine(dir, "x.json"), "Path", output: false, "DbxSnapshotNotFound")?.ErrorId);
            var file = Path.Combine(dir, "x.json");
            File.WriteAllText(file, "{}");
            Assert.Null(FilePaths.CheckResolved(file, "Path", output: false));
        }
        finally { Directory.Delete(dir, true); }
    }
}
