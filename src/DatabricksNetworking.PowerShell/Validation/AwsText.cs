using System.Globalization;

namespace DatabricksNetworking.Validation
{
    /// <summary>What EC2 takes in the names and CIDRs the AWS cmdlets send (checked before the AWS SDK is loaded).</summary>
    public static class AwsText
    {
        /// <summary>Security group names and descriptions in a VPC: up to 255 of a-z, A-Z, 0-9, spaces and
        /// <c>._-:/()#,@[]+=&amp;;{}!$*</c> (EC2 CreateSecurityGroup).</summary>
        public static string? SecurityGroupTextProblem(string? value, string what)
        {
            if (value == null) return null;
            if (value.Length == 0) return $"The security group {what} is empty.";
            if (value.Length > 255) return $"The security group {what} has {value.Length} characters; EC2 takes at most 255.";
            for (int i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || "._-:/()#,@[]+=&;{}!$*".IndexOf(c) >= 0) continue;
                return $"The security group {what} '{Text.Printable(value)}' contains '{Text.Printable(c.ToString())}' at position {i + 1}; EC2 allows only letters, digits, spaces and ._-:/()#,@[]+=&;{{}}!$*.";
            }
            return null;
        }

        /// <summary>A CIDR block for a security group rule: a.b.c.d/n with the prefix written and no host bits
        /// (EC2 refuses 10.0.0.5/16 and a bare address as a rule's CidrIp).</summary>
        public static string? RuleCidrProblem(string? text, string parameter)
        {
            var t = (text ?? "").Trim();
            if (t.Length == 0) return $"-{parameter} is empty: give an IPv4 CIDR block such as 0.0.0.0/0 or 10.0.0.0/16.";
            var slash = t.IndexOf('/');
            if (slash < 0)
                return $"-{parameter} '{Text.Printable(t)}' has no prefix: a security group rule needs a CIDR block such as {Text.Printable(t)}/32.";
            if (!Cidr.TryParseAddress(t.Substring(0, slash), out var address, out _))
                return $"-{parameter} '{Text.Printable(t)}' is not an IPv4 CIDR block (like 0.0.0.0/0 or 10.0.0.0/16).";
            var p = t.Substring(slash + 1);
            if (p.Length == 0 || p.Length > 2 || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32 || (p.Length > 1 && p[0] == '0'))
                return $"-{parameter} '{Text.Printable(t)}' has an invalid prefix: an IPv4 prefix is a number from 0 to 32.";
            var mask = Ipv4Cidr.MaskOf(prefix);
            if ((address & ~mask) != 0)
                return $"-{parameter} '{t}' has host bits set; EC2 needs the network address: {Cidr.FormatAddress(address & mask)}/{prefix}.";
            return null;
        }
    }
}
